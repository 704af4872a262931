/**
 * Domain `camera`: camera and gimbal control of the aircraft payload ("负载控制" on the DJI drc
 * pages) (seed 004 § camera; docs/dji/commands.md#camera). All go on `services` and are
 * acknowledged by `services_reply {result}`; none is progress-tracked.
 */
import { bool, djiOnlyConstraint, int, latitude, longitude, num, payloadIndex, str } from '../fields.js';
import { PayloadTranslationError, type BooleanField, type CommandDef, type Field, type StringField } from '../types.js';

const DOCK3_DRC = 'DJI Dock 3 drc page (payload control), https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/drc.html';

/** Said once per command: without payload authority the dock refuses camera commands. */
const AUTHORITY =
  'Needs payload control authority: call `payload_authority_grab` with the same `payload_index` first (otherwise the dock answers an error such as 319031, no payload authority).';

const LENSES = { ir: 'infrared lens', wide: 'wide-angle lens', zoom: 'zoom lens' } as const;
type Lens = keyof typeof LENSES;

/** `camera_type`: the lens to act on, restricted to the lenses DJI lists for the command. */
function cameraType(lenses: Lens[], o?: { extra?: string; note?: string }): StringField {
  const e: Record<string, string> = {};
  for (const l of lenses) e[l] = LENSES[l];
  return str(`Lens to act on${o?.extra ? ` (${o.extra})` : ''}.`, { enum: e, ...(o?.note ? { note: o.note } : {}) });
}

/** `locked`: DJI's heading/gimbal lock flag, identical on every command that has it. */
function locked(): BooleanField {
  return bool(
    'Whether the aircraft heading is locked to the gimbal: `false` turns only the gimbal; `true` turns the gimbal and the aircraft together.',
  );
}

/** A normalised image coordinate, origin at the top-left corner of the picture. */
function imageCoord(description: string): Field {
  return num(`${description} Normalised to 0–1, origin at the top-left corner of the image.`, { min: 0, max: 1 });
}

/**
 * Exposure compensation codes: `1` = −5.0 EV … `16` = 0 EV … `31` = +5.0 EV in 1/3-EV steps
 * (rounded to one decimal as DJI prints them), and `255` = FIXED.
 */
const EXPOSURE_CODES: Record<string, string> = (() => {
  const out: Record<string, string> = {};
  for (let code = 1; code <= 31; code++) {
    const ev = (code - 16) / 3;
    out[String(code)] = code === 16 ? '0 EV' : `${ev > 0 ? '+' : ''}${ev.toFixed(1)} EV`;
  }
  out['255'] = 'FIXED';
  return out;
})();

/**
 * Public `exposure_value` (seed string code) → DJI integer code. The schema already restricts the
 * value to the codes, so the checks here only guard against a payload that skipped validation.
 */
function exposureValueToWire(value: unknown): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !(value in EXPOSURE_CODES)) {
    throw new PayloadTranslationError(
      'payload.exposure_value',
      'wire_integer_code',
      `exposure_value must be one of the codes "1".."31" or "255" to be sent to the dock as an integer; got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

export const cameraCommands: CommandDef[] = [
  {
    command_type: 'camera_aim',
    domain: 'camera',
    summary: 'Centre the view on a point of the image (AIM)',
    description: `DJI "double-tap to AIM": the gimbal (and the aircraft too when \`locked\` is true) turns so that the given image point becomes the centre of the view. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['ir', 'wide', 'zoom']),
      locked: locked(),
      x: imageCoord('Target x (horizontal).'),
      y: imageCoord('Target y (vertical).'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'zoom', locked: false, x: 0.62, y: 0.41 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraAimRequest.java'],
  },
  {
    command_type: 'camera_exposure_mode_set',
    domain: 'camera',
    summary: 'Set the camera exposure mode',
    description: `Sets the exposure mode of the wide-angle or zoom lens (the infrared lens has none). ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['wide', 'zoom']),
      exposure_mode: int('Exposure mode', { enum: { 1: 'auto', 2: 'shutter priority', 3: 'aperture priority', 4: 'manual' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'zoom', exposure_mode: 1 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraExposureModeSetRequest.java'],
  },
  {
    command_type: 'camera_exposure_set',
    domain: 'camera',
    summary: 'Set the camera exposure compensation',
    description: `Sets the exposure compensation (EV) of the wide-angle or zoom lens, as a code from \`"1"\` (−5.0 EV) through \`"16"\` (0 EV) to \`"31"\` (+5.0 EV) in 1/3-EV steps, or \`"255"\` (FIXED). The code is sent to the dock as an integer (see wire notes). ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['wide', 'zoom']),
      exposure_value: str('Exposure compensation code, as a string (seed 004). Sent to the dock as the equal integer.', {
        enum: EXPOSURE_CODES,
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    wire: {
      data: {
        payload_index: payloadIndex(),
        camera_type: cameraType(['wide', 'zoom']),
        exposure_value: int('Exposure compensation code', { enum: EXPOSURE_CODES }),
      },
      translate: (payload) => ({ ...payload, exposure_value: exposureValueToWire(payload.exposure_value) }),
      notes:
        'Seed 004 types `exposure_value` as a string; DJI docks expect an integer (the DJI table says enum_string, but its own example sends a number and the official DJI demo serialises an int). dockgate publishes the same code as an integer, e.g. `"16"` → `16`; the other fields are unchanged.',
    },
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'wide', exposure_value: '16' },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraExposureSetRequest.java', 'DEMO cloudapi/control/ExposureValueEnum.java'],
  },
  {
    command_type: 'camera_focal_length_set',
    domain: 'camera',
    summary: 'Set the zoom factor of a lens',
    description: `Zooms the given lens to \`zoom_factor\`: 2–200 for the visible-light lenses, 2–20 for the infrared lens. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['ir', 'wide', 'zoom'], {
        note: 'The DJI pages list `ir`, `wide` and `zoom`; the official DJI demo accepts only `zoom` and `ir` here.',
      }),
      zoom_factor: num('Zoom factor: 2–200 for visible light, 2–20 for the infrared lens.', { min: 2, max: 200, unit: 'x' }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'zoom', zoom_factor: 10 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraFocalLengthSetRequest.java'],
  },
  {
    command_type: 'camera_focus_mode_set',
    domain: 'camera',
    summary: 'Set the camera focus mode',
    description: `Sets the focus mode of the wide-angle or zoom lens (Matrice 30 series: zoom lens only). ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['wide', 'zoom'], { extra: 'Matrice 30 series: `zoom` only' }),
      focus_mode: int('Focus mode', { enum: { 0: 'MF (manual focus)', 1: 'AFS (auto focus, single)', 2: 'AFC (auto focus, continuous)' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'zoom', focus_mode: 1 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraFocusModeSetRequest.java'],
  },
  {
    command_type: 'camera_focus_value_set',
    domain: 'camera',
    summary: 'Set the manual focus value',
    description: `Sets the manual focus value of the wide-angle or zoom lens (Matrice 30 series: zoom lens only), for use in manual focus (MF) mode. The valid range is reported by the aircraft itself. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['wide', 'zoom'], { extra: 'Matrice 30 series: `zoom` only' }),
      focus_value: int(
        'Focus value, between the aircraft properties `zoom_min_focus_value` and `zoom_max_focus_value` (reported by the aircraft; the range depends on the camera, so it is not checked here).',
      ),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'zoom', focus_value: 30 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraFocusValueSetRequest.java'],
  },
  {
    command_type: 'camera_frame_zoom',
    domain: 'camera',
    summary: 'Zoom into a box selected on the image',
    description: `Box-select zoom: the camera turns to centre the selected box (gimbal only, or gimbal and aircraft when \`locked\` is true) and zooms in on it automatically. \`x\`/\`y\` are the top-left corner of the box, not its centre. Dock 2 and Dock 3 only. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['ir', 'wide', 'zoom']),
      locked: locked(),
      x: num('Left edge (top-left corner x) of the selection box, normalised 0–1 from the left of the image.', {
        min: 0,
        max: 1,
        note: 'Seed 004 calls x/y the "target coordinate"; DJI defines them as the top-left corner of the box.',
      }),
      y: num('Top edge (top-left corner y) of the selection box, normalised 0–1 from the top of the image.', {
        min: 0,
        max: 1,
        note: 'Seed 004 calls x/y the "target coordinate"; DJI defines them as the top-left corner of the box.',
      }),
      width: num('Width of the selection box, normalised 0–1 of the image width.', { min: 0, max: 1 }),
      height: num('Height of the selection box, normalised 0–1 of the image height.', { min: 0, max: 1 }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'wide', locked: false, x: 0.4, y: 0.35, width: 0.2, height: 0.15 },
    sources: [DOCK3_DRC],
  },
  {
    command_type: 'camera_look_at',
    domain: 'camera',
    summary: 'Point the camera at a geographic location',
    description: `Turns the gimbal (and the aircraft when \`locked\` is true) so that the camera looks at the given location. On the Matrice 30 series prefer \`locked: true\`: a gimbal-only look-at fails once the gimbal reaches its limit. \`height\` is an ellipsoidal (WGS84) height on the DJI side (see the field note). ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      locked: locked(),
      latitude: latitude('Target latitude'),
      longitude: longitude('Target longitude'),
      height: num(
        'Target height. The dock reads it as ellipsoidal height (WGS84); DJI accepts 2–10000 m in 0.1 m steps.',
        {
          unit: 'm',
          note: `Seed 004 describes the height as relative to the take-off point; the DJI Dock 1/2/3 pages define it as ellipsoidal (WGS84) height. The value is forwarded unchanged, so send the WGS84 ellipsoidal height. ${djiOnlyConstraint('a range of 2–10000 m in 0.1 m steps')}`,
        },
      ),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', locked: true, latitude: 22.579643, longitude: 113.938131, height: 85.5 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraLookAtRequest.java'],
  },
  {
    command_type: 'camera_mode_switch',
    domain: 'camera',
    summary: 'Switch the camera mode (photo, video, low-light, panorama)',
    description: `Switches the camera between photo, video, smart low-light and panorama modes. \`camera_photo_take\` and \`camera_recording_start\` act in the current mode. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_mode: int('Camera mode', {
        enum: { 0: 'photo', 1: 'video', 2: 'smart low-light', 3: 'panorama' },
        note: 'Widened from seed: seed 004 lists 0 photo and 1 video only (as the old generic DJI page); the Dock 1/2/3 pages and the official DJI demo add 2 smart low-light and 3 panorama.',
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_mode: 0 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraModeSwitchRequest.java', 'DEMO cloudapi/device/CameraModeEnum.java'],
  },
  {
    command_type: 'camera_photo_stop',
    domain: 'camera',
    summary: 'Stop an ongoing photo sequence (panorama)',
    description: `Stops a photo sequence in progress; currently only meaningful in panorama mode, where it ends the \`camera_photo_take_progress\` events of the running panorama. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0' },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraPhotoStopRequest.java'],
  },
  {
    command_type: 'camera_photo_take',
    domain: 'camera',
    summary: 'Take a photo',
    description: `Takes a photo in the current camera mode. For a single shot the reply ends the command. In panorama mode the reply carries \`output.status\` = \`in_progress\` and the dock then sends \`camera_photo_take_progress\` events (\`output.status\` \`in_progress\`/\`ok\`/\`fail\`, \`output.progress.current_step\` 3000 not started or ended, 3002 shooting, 3005 stitching, and \`percent\`). The command completes on the reply: the panorama events are not tracked as its progress, because single shots send none. Stop a panorama with \`camera_photo_stop\`. ${AUTHORITY}`,
    payload: {
      payload_index: payloadIndex(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0' },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraPhotoTakeRequest.java', 'docs/dji/events-and-progress.md (camera_photo_take_progress)'],
  },
  {
    command_type: 'camera_point_focus_action',
    domain: 'camera',
    summary: 'Focus on a point of the image',
    description: `Focuses the wide-angle or zoom lens (Matrice 30 series: zoom lens only) on the given image point. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      camera_type: cameraType(['wide', 'zoom'], { extra: 'Matrice 30 series: `zoom` only' }),
      x: imageCoord('Focus point x (horizontal).'),
      y: imageCoord('Focus point y (vertical).'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', camera_type: 'zoom', x: 0.5, y: 0.5 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraPointFocusActionRequest.java'],
  },
  {
    command_type: 'camera_recording_start',
    domain: 'camera',
    summary: 'Start video recording',
    description: `Starts recording video on the camera; switch it to video mode first (\`camera_mode_switch\` with \`camera_mode\` 1). ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0' },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraRecordingStartRequest.java'],
  },
  {
    command_type: 'camera_recording_stop',
    domain: 'camera',
    summary: 'Stop video recording',
    description: `Stops the video recording started with \`camera_recording_start\`. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0' },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraRecordingStopRequest.java'],
  },
  {
    command_type: 'camera_screen_drag',
    domain: 'camera',
    summary: 'Turn the gimbal by dragging the view',
    description: `Turns the gimbal at the given pitch and yaw speeds, as when the user drags the live view. The yaw speed applies only when \`locked\` is false. Speeds are in degrees per second on the dock (see the field notes; seed 004 says rad/s). DJI gives no range. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      locked: locked(),
      pitch_speed: num('Gimbal pitch speed.', {
        unit: 'degrees/s',
        note: 'Seed 004 says rad/s (taken from the old generic DJI page); the Dock 1/2/3 pages say degrees per second. The value is forwarded unchanged, so send degrees per second.',
      }),
      yaw_speed: num('Gimbal yaw speed; applied only when `locked` is false.', {
        unit: 'degrees/s',
        note: 'Seed 004 says rad/s (taken from the old generic DJI page); the Dock 1/2/3 pages say degrees per second. The value is forwarded unchanged, so send degrees per second.',
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', locked: false, pitch_speed: -5, yaw_speed: 10 },
    sources: [DOCK3_DRC],
  },
  {
    command_type: 'camera_screen_split',
    domain: 'camera',
    summary: 'Turn the split-screen view on or off',
    description: `Turns the split-screen view of the camera on or off (on cameras with several lenses, e.g. infrared and visible light shown side by side). ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex(),
      enable: bool('`true` turns split screen on, `false` turns it off.'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', enable: true },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/CameraScreenSplitRequest.java'],
  },
  {
    command_type: 'gimbal_reset',
    domain: 'camera',
    summary: 'Reset the gimbal orientation',
    description: `Moves the gimbal back to a reference orientation: recentre, point down, recentre yaw only, or pitch down only. ${AUTHORITY} Reply \`{result}\`.`,
    payload: {
      payload_index: payloadIndex('Payload index (camera enumeration value)'),
      reset_mode: int('Reset mode', { enum: { 0: 'recentre', 1: 'down', 2: 'recentre yaw', 3: 'pitch down' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '81-0-0', reset_mode: 0 },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/GimbalResetRequest.java'],
  },
];
