/**
 * Domain `live`: live video streaming from the aircraft and dock cameras (seed 004 § live;
 * docs/dji/commands.md#live). All go on `services` and are acknowledged by
 * `services_reply {result}`; no progress events.
 */
import { djiOnlyConstraint, int, str } from '../fields.js';
import type { CommandDef, IntegerField, StringField } from '../types.js';

const DOCK3_LIVE = 'DJI Dock 3 live page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/live.html';

/** Live-stream error codes worth knowing, said once per command. */
const LIVE_ERRORS = 'Live errors are in the 513xxx range (e.g. 513002 camera not found, 513003 already streaming).';

/** Three non-empty `/`-separated parts: the seed's (garbled) "//" format with its placeholders restored. */
const VIDEO_ID_PATTERN = '^[^/]+/[^/]+/[^/]+$';

/**
 * `video_id`: `{sn}/{camera_index}/{video_index}`. Seed 004 prints the format as a garbled "//";
 * this is the form DJI documents (e.g. `1ZNDH1D0010098/39-0-7/normal-0`).
 */
function videoId(description: string, o?: { required?: boolean; note?: string; enforce?: boolean }): StringField {
  const text = `${description}: \`{sn}/{camera_index}/{video_index}\`, where \`sn\` is the SN of the device that owns the camera (aircraft or dock), \`camera_index\` its camera enumeration value \`{type}-{subtype}-{gimbalindex}\` and \`video_index\` the stream of that camera, e.g. \`1581F6Q8X24BJ00G011E/81-0-0/normal-0\`.`;
  const common = { ...(o?.required !== undefined ? { required: o.required } : {}), ...(o?.note ? { note: o.note } : {}) };
  // Only the three-part shape the seed states is enforced; DJI's finer camera_index form is documented.
  return o?.enforce === false ? str(text, common) : str(text, { pattern: VIDEO_ID_PATTERN, ...common });
}

/** `video_quality` presets with DJI's resolutions and bit rates. */
function videoQuality(): IntegerField {
  return int('Video quality', {
    enum: {
      0: 'adaptive',
      1: 'smooth (960×540, 512 kbps)',
      2: 'standard definition (1280×720, 1 Mbps)',
      3: 'high definition (1280×720, 1.5 Mbps)',
      4: 'super / full HD (1920×1080; DJI gives 8 Mbps on the Dock 2/3 pages, 3 Mbps elsewhere)',
    },
  });
}

export const liveCommands: CommandDef[] = [
  {
    command_type: 'live_lens_change',
    domain: 'live',
    summary: 'Switch the lens of a running live stream',
    description: `Switches which lens a running live stream shows: infrared, default, wide-angle or zoom. ${LIVE_ERRORS} Reply \`{result}\`.`,
    payload: {
      video_type: str('Lens to stream', { enum: { ir: 'infrared', normal: 'default', wide: 'wide-angle', zoom: 'zoom' } }),
      video_id: videoId('Stream whose lens changes', {
        required: false,
        note: 'Widened from seed: not in seed 004 and not on the DJI Dock pages, but the official DJI demo sends it (required there) and the DJI Pilot pages list it. Optional; forwarded unchanged when given.',
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { video_type: 'ir', video_id: '1581F6Q8X24BJ00G011E/81-0-0/normal-0' },
    sources: [DOCK3_LIVE, 'DEMO cloudapi/livestream/LiveLensChangeRequest.java'],
  },
  {
    command_type: 'live_set_quality',
    domain: 'live',
    summary: 'Set the quality of a running live stream',
    description: `Changes the resolution/bit-rate preset of a running live stream. ${LIVE_ERRORS} Reply \`{result}\`.`,
    payload: {
      video_id: videoId('Video stream ID'),
      video_quality: videoQuality(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { video_id: '1581F6Q8X24BJ00G011E/81-0-0/normal-0', video_quality: 3 },
    sources: [DOCK3_LIVE, 'DEMO cloudapi/livestream/LiveSetQualityRequest.java'],
  },
  {
    command_type: 'live_start_push',
    domain: 'live',
    summary: 'Start pushing a live stream',
    description: `Starts pushing the video of a camera (aircraft or dock camera, chosen by \`video_id\`) to a streaming server. \`url\` depends on \`url_type\`: RTMP \`rtmp://host:port/app/stream\`; GB28181 \`serverIP=…&serverPort=…&serverID=…&agentID=…&agentPassword=…&localPort=…&channel=…\`; WebRTC the WHIP URL (WHIP signalling only); Agora \`channel=…&sn=…&token=…&uid=…\` (URL-encode the token); RTSP \`userName=…&password=…&port=…\`. ${LIVE_ERRORS} Reply \`{result}\`; stop with \`live_stop_push\`.`,
    payload: {
      url_type: int('Streaming protocol', {
        enum: { 0: 'Agora (Dock 1/2 only)', 1: 'RTMP', 2: 'RTSP (official DJI demo only; not on the Dock pages)', 3: 'GB28181', 4: 'WebRTC (WHIP)' },
        note: 'Widened from seed: adds 2 RTSP, which the official DJI demo supports (not listed on the Dock pages). 0 Agora appears on the Dock 1/2 pages only.',
      }),
      url: str('Stream destination or protocol parameters; its form depends on `url_type` (see the command description).'),
      video_id: videoId('Video stream ID'),
      video_quality: videoQuality(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {
      url_type: 1,
      url: 'rtmp://live.example.com:1935/live/dock-demo',
      video_id: '1581F6Q8X24BJ00G011E/81-0-0/normal-0',
      video_quality: 0,
    },
    sources: [DOCK3_LIVE, 'DEMO cloudapi/livestream/LiveStartPushRequest.java', 'DEMO cloudapi/livestream/Livestream*Url.java'],
  },
  {
    command_type: 'live_stop_push',
    domain: 'live',
    summary: 'Stop a live stream',
    description: `Stops the live stream started with \`live_start_push\` for the same \`video_id\`. ${LIVE_ERRORS} Reply \`{result}\`.`,
    payload: {
      video_id: videoId('Video stream ID of the stream to stop', {
        enforce: false,
        note: djiOnlyConstraint('the form `{sn}/{camera_index}/{video_index}` (the same ID as in `live_start_push`)'),
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { video_id: '1581F6Q8X24BJ00G011E/81-0-0/normal-0' },
    sources: [DOCK3_LIVE, 'DEMO cloudapi/livestream/LiveStopPushRequest.java'],
  },
];
