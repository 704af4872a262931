/**
 * Domain `psdk`: custom data for Edge SDK / Payload SDK applications, PSDK widget UI and the PSDK
 * speaker (seed 004 § psdk; docs/dji/commands.md#psdk; DJI Dock 3 pages `psdk`,
 * `esdk-transmit-custom-data`, `psdk-transmit-custom-data`).
 */
import { djiOnlyConstraint, int, obj, openObj, str } from '../fields.js';
import { PayloadTranslationError, type CommandDef, type Field, type ProgressSpec } from '../types.js';
import { SPEAKER_LIMITS } from '../job-limits.js';

const DOCK3_PSDK = 'DJI Dock 3 psdk page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/psdk.html';

/** DJI `value` of the custom-data methods must be shorter than 256; counted in UTF-8 bytes here. */
export const CUSTOM_DATA_MAX_BYTES = 255;

/**
 * JSON text of a custom-data object as DJI `value`.
 * @throws PayloadTranslationError (`payload.data`, `wire_max_bytes`) when it is 256 bytes or longer.
 */
function customDataValue(data: unknown): string {
  const value = JSON.stringify(data);
  const bytes = new TextEncoder().encode(value).length;
  if (bytes > CUSTOM_DATA_MAX_BYTES) {
    throw new PayloadTranslationError(
      'payload.data',
      'wire_max_bytes',
      `The JSON text of \`data\` is ${bytes} bytes; DJI carries it as \`value\`, which must be shorter than 256 bytes (at most ${CUSTOM_DATA_MAX_BYTES}).`,
    );
  }
  return value;
}

const CUSTOM_DATA_WIRE = {
  value: str('Opaque custom data, shorter than 256 (DJI reference server: at most 256 characters).', { maxBytes: CUSTOM_DATA_MAX_BYTES }),
};

function customDataNotes(extra: string): string {
  return (
    'Seed 004 sends an object `data`; DJI `data` is `{value: string}` with `value` shorter than 256. dockgate sends `value` = the JSON text of `data` (e.g. `{"cmd":"start"}`), so the receiving application must parse JSON; ' +
    `a payload whose JSON text exceeds ${CUSTOM_DATA_MAX_BYTES} UTF-8 bytes is rejected with 400 (\`wire_max_bytes\`).${extra}`
  );
}

/** PSDK payload index, described once. */
function psdkIndex(o: { max?: number; note?: string } = {}): Field {
  return int(
    'Index of the PSDK payload on the aircraft, as reported in the aircraft property `psdk_widget_values[].psdk_index`.',
    { min: 0, ...o },
  );
}

/** Note for the two methods where DJI allows any index ≥ 0 while the seed says 0–3. */
const WIDENED_INDEX = 'Widened from seed 004 (0–3) to ≥ 0: DJI gives only a minimum of 0 for this method.';

/**
 * Speaker progress (`speaker_*_play_start_progress`): wrapped events with the command `bid`.
 * DJI's table lists `in_progress` and `ok`, while its own example reports `success`; DJI documents
 * no failure status, so the generic DJI failure statuses are listed.
 */
function speakerProgress(event_method: string): ProgressSpec {
  return {
    event_method,
    correlate_by: 'bid',
    status_path: 'output.status',
    percent_path: 'output.progress.percent',
    step_path: 'output.progress.step_key',
    succeeded: ['ok', 'success'],
    failed: ['failed', 'rejected', 'canceled', 'timeout'],
    need_reply: false,
    limits: SPEAKER_LIMITS,
  };
}

export const psdkCommands: CommandDef[] = [
  {
    command_type: 'custom_data_transmission_to_esdk',
    domain: 'psdk',
    summary: 'Send custom data to an Edge SDK application',
    description:
      'Passes custom data through the dock to the Edge SDK (ESDK) application running on an edge computing device attached to the dock. DJI carries it as one string `value` shorter than 256; dockgate sends the JSON text of `data` (see the wire notes). ' +
      'The `services_reply` carries only `result`. Data in the other direction arrives as the event `custom_data_transmission_from_esdk` (`{value}`).',
    payload: {
      data: openObj('Custom data for the ESDK application: any JSON object whose JSON text fits in 255 bytes (shape not documented by DJI; any properties accepted).'),
    },
    transport: 'services',
    reply: 'services_reply',
    wire: {
      data: CUSTOM_DATA_WIRE,
      translate: (p) => ({ value: customDataValue(p.data) }),
      notes: customDataNotes(''),
    },
    docks: 'D1 D2 D3',
    example: { data: { cmd: 'start_detection', zone: 'A3' } },
    sources: ['DJI Dock 3 esdk-transmit-custom-data page § cloud-自定义消息推送到esdk', 'DEMO cloudapi/interconnection/CustomDataTransmissionToEsdkRequest.java'],
  },
  {
    command_type: 'custom_data_transmission_to_psdk',
    domain: 'psdk',
    summary: 'Send custom data to a Payload SDK application',
    description:
      'Passes custom data through the dock and aircraft to the Payload SDK (PSDK) application of a third-party payload. DJI carries it as one string `value` shorter than 256 and has no payload selector, so `payload_index` is not sent (see the wire notes). ' +
      'The `services_reply` carries only `result`. Data in the other direction arrives as the event `custom_data_transmission_from_psdk` (`{value}`).',
    payload: {
      payload_index: str('Payload index of the target PSDK payload. Not sent to the dock: DJI’s method has no payload selector.'),
      data: openObj('Custom data for the PSDK application: any JSON object whose JSON text fits in 255 bytes (shape not documented by DJI; any properties accepted).'),
    },
    transport: 'services',
    reply: 'services_reply',
    wire: {
      data: CUSTOM_DATA_WIRE,
      translate: (p) => ({ value: customDataValue(p.data) }),
      notes: customDataNotes(' `payload_index` does not exist in DJI’s method and is dropped.'),
    },
    docks: 'D1 D2 D3',
    example: { payload_index: '65534-0-0', data: { cmd: 'set_mode', mode: 2 } },
    sources: ['DJI Dock 3 psdk-transmit-custom-data page § cloud-自定义消息推送到psdk', 'DEMO cloudapi/interconnection/CustomDataTransmissionToPsdkRequest.java'],
  },
  {
    command_type: 'psdk_input_box_text_set',
    domain: 'psdk',
    summary: 'Set the text of a PSDK payload input box',
    description:
      'Sets the text of the input-box widget that a PSDK payload declares in its custom UI, e.g. a parameter or command line for the payload application. The `services_reply` carries only `result`.',
    payload: {
      psdk_index: psdkIndex({ note: WIDENED_INDEX }),
      value: str('Text for the input box, at most 128 bytes (UTF-8).', { maxBytes: 128 }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { psdk_index: 2, value: 'exposure=auto' },
    sources: [DOCK3_PSDK + ' § psdk-发送文本框内容'],
  },
  {
    command_type: 'psdk_widget_value_set',
    domain: 'psdk',
    summary: 'Set the value of a PSDK payload widget',
    description:
      'Sets the value of one widget (switch, slider, integer input, list, …) in the custom UI that a PSDK payload declares; the current values appear in the aircraft property `psdk_widget_values`. The `services_reply` carries only `result`.',
    payload: {
      psdk_index: psdkIndex({ note: WIDENED_INDEX }),
      index: int('Widget index, as declared by the payload’s widget configuration.', { note: djiOnlyConstraint('`index` ≥ 0') }),
      value: int('Widget value; its meaning is defined by the payload developer (switch state, slider position, list item, …).'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { psdk_index: 2, index: 1, value: 60 },
    sources: [DOCK3_PSDK + ' § psdk-设置控件值'],
  },
  {
    command_type: 'speaker_audio_play_start',
    domain: 'psdk',
    summary: 'Play an audio file on the PSDK speaker',
    description:
      'Plays an audio file on a PSDK speaker payload: the dock downloads the file, encodes the PCM audio to Opus, uploads it to the speaker, switches the speaker to audio mode and starts playing (once or looped, see `speaker_play_mode_set`). ' +
      'The `services_reply` only accepts the job; progress arrives as `speaker_audio_play_start_progress` events with the same `bid`: `output.progress.step_key` `download` → `encoding` → `upload` → `change_work_mode` → `play`, with `output.progress.percent`; `output.status` `ok` (DJI’s own example spells it `success`) means playback started → SUCCEEDED. DJI documents no failure status; failures show as a non-zero `result`.',
    payload: {
      psdk_index: psdkIndex(),
      file: obj('Audio file to play.', {
        name: str('File name.'),
        url: str('Download URL of the audio file, reachable from the dock.', { format: 'uri' }),
        md5: str('MD5 of the file content (hex); the dock uses it as the file’s identity.'),
        format: str('Format of the audio file.', { enum: { pcm: 'PCM audio' } }),
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    progress: speakerProgress('speaker_audio_play_start_progress'),
    docks: 'D1 D2 D3',
    example: {
      psdk_index: 2,
      file: {
        name: 'evacuation-notice',
        url: 'https://storage.example.com/audio/evacuation-notice.pcm',
        md5: 'b38257017001f45ec064b5157b2e4416',
        format: 'pcm',
      },
    },
    sources: [DOCK3_PSDK + ' § 喊话器-开始播放音频, § 喊话器-音频播放进度通知'],
  },
  {
    command_type: 'speaker_play_mode_set',
    domain: 'psdk',
    summary: 'Set the speaker play mode (once or loop)',
    description: 'Sets whether the PSDK speaker plays the current audio or TTS once or loops it. The `services_reply` carries only `result`.',
    payload: {
      psdk_index: psdkIndex({ max: 3 }),
      play_mode: int('Play mode.', { enum: { 0: 'play once', 1: 'loop (single track)' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { psdk_index: 2, play_mode: 1 },
    sources: [DOCK3_PSDK + ' § 喊话器-设置播放模式'],
  },
  {
    command_type: 'speaker_play_stop',
    domain: 'psdk',
    summary: 'Stop speaker playback',
    description: 'Stops what the PSDK speaker is playing (audio file or TTS). The `services_reply` carries only `result`.',
    payload: {
      psdk_index: psdkIndex(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { psdk_index: 2 },
    sources: [DOCK3_PSDK + ' § 喊话器-停止播放'],
  },
  {
    command_type: 'speaker_play_volume_set',
    domain: 'psdk',
    summary: 'Set the speaker volume',
    description: 'Sets the volume of the PSDK speaker. The `services_reply` carries only `result`. The seed field `index` does not exist in DJI’s method and is not sent (see the wire notes).',
    payload: {
      psdk_index: psdkIndex({ max: 3 }),
      index: int('Not used: DJI’s `speaker_play_volume_set` has no such field. Accepted for seed 004 compatibility and dropped before publishing.'),
      play_volume: int('Speaker volume.', { min: 0, max: 100, unit: '%' }),
    },
    transport: 'services',
    reply: 'services_reply',
    wire: {
      data: {
        psdk_index: int('PSDK payload index.', { min: 0, max: 3 }),
        play_volume: int('Speaker volume.', { min: 0, max: 100, unit: '%' }),
      },
      translate: (p) => ({ psdk_index: p.psdk_index, play_volume: p.play_volume }),
      notes: 'Seed 004 requires an `index` field that no DJI dock page defines for this method; dockgate drops it and publishes `{psdk_index, play_volume}`.',
    },
    docks: 'D1 D2 D3',
    example: { psdk_index: 2, index: 0, play_volume: 60 },
    sources: [DOCK3_PSDK + ' § 喊话器-设置音量'],
  },
  {
    command_type: 'speaker_replay',
    domain: 'psdk',
    summary: 'Replay the last speaker audio or TTS',
    description:
      'Plays the last audio file or TTS text of the PSDK speaker again. The `services_reply` carries only `result`; DJI does not state whether play-progress events follow, so dockgate completes the command on the reply.',
    payload: {
      psdk_index: psdkIndex(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { psdk_index: 2 },
    sources: [DOCK3_PSDK + ' § 喊话器-重新播放'],
  },
  {
    command_type: 'speaker_tts_play_start',
    domain: 'psdk',
    summary: 'Speak a text on the PSDK speaker (TTS)',
    description:
      'Speaks a text on a PSDK speaker payload (text to speech): the dock uploads the text to the speaker, switches it to TTS mode and starts playing (once or looped, see `speaker_play_mode_set`). ' +
      'The `services_reply` only accepts the job; progress arrives as `speaker_tts_play_start_progress` events with the same `bid`: `output.progress.step_key` `upload` → `change_work_mode` → `play`, with `output.progress.percent`; `output.status` `ok` (DJI’s own example spells it `success`) means playback started → SUCCEEDED. DJI documents no failure status; failures show as a non-zero `result`.',
    payload: {
      psdk_index: psdkIndex(),
      tts: obj('Text to speak.', {
        name: str('Name of this text (shown in DJI clients).'),
        text: str('Text to speak.'),
        md5: str('MD5 of the text (hex); the dock uses it as the text’s identity.'),
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    progress: speakerProgress('speaker_tts_play_start_progress'),
    docks: 'D1 D2 D3',
    example: {
      psdk_index: 2,
      tts: { name: 'Keep clear', text: 'Please keep clear of the landing area.', md5: '2f1d5c6a0c9e3f7b8a4d1e6c9b0a7f35' },
    },
    sources: [DOCK3_PSDK + ' § 喊话器-开始播放TTS文本, § 喊话器-tts播放进度通知'],
  },
];
