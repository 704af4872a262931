/**
 * Domain `device`: dock remote-debug and maintenance switches (seed 004 § device;
 * docs/dji/commands.md#device; docs/dji/events-and-progress.md for progress events).
 */
import { int, remoteDebugProgress } from '../fields.js';
import type { CommandDef, ProgressSpec } from '../types.js';
import { FORMAT_LIMITS, REBOOT_LIMITS, REMOTE_DEBUG_LIMITS } from '../job-limits.js';

const DOCK3_CMD = 'DJI Dock 3 cmd page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/cmd.html';
const DOCK1_CMD = 'DJI Dock 1 cmd page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock1/cmd.html';
const DEMO_DEBUG = 'DEMO cloudapi/debug/api/AbstractDebugService.java';
const PROGRESS_REF = 'docs/dji/events-and-progress.md (remote-debug progress)';

/** Sentence shared by the remote-debug commands that DJI gates on remote-debug mode. */
const NEEDS_DEBUG_MODE =
  'The dock checks that it is in remote-debug mode (`check_work_mode`; send `debug_mode_open` first) and that no other debug task is running (`check_task_state`).';

/** Sentence shared by the commands completed through same-name progress events. */
const BY_PROGRESS =
  'The `services_reply` only accepts the job; completion arrives as progress events with the same `method` and `bid`, carrying `output.status` (terminal: `ok`, or `failed`/`rejected`/`canceled`/`timeout`)';

/**
 * `drone_open` events carry only `output.status` (no `progress` block on the Dock 1/3 pages), so
 * its spec has no percent or step path.
 */
function statusOnlyProgress(method: string): ProgressSpec {
  const { percent_path: _percent, step_path: _step, ...rest } = remoteDebugProgress(method, REMOTE_DEBUG_LIMITS);
  return rest;
}

export const deviceCommands: CommandDef[] = [
  {
    command_type: 'air_conditioner_mode_switch',
    domain: 'device',
    summary: 'Switch the dock air conditioner mode',
    description: 'Sets the working mode of the dock air conditioner. The dock replies with `output.status`; no progress events follow.',
    payload: {
      action: int('Air conditioner mode', {
        enum: { 0: 'idle (cooling/heating/dehumidify off)', 1: 'cooling', 2: 'heating', 3: 'dehumidify (the dock picks cooling- or heating-dehumidify)' },
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { action: 1 },
    sources: [DOCK3_CMD, 'DEMO cloudapi/debug/AirConditionerModeSwitchRequest.java'],
  },
  {
    command_type: 'alarm_state_switch',
    domain: 'device',
    summary: 'Switch the dock sound-and-light alarm on or off',
    description:
      'Turns the sound-and-light alarm of the dock on or off, e.g. to warn people near the dock before it opens or the aircraft takes off. The dock replies with `output.status`; no progress events follow.',
    payload: {
      action: int('Alarm state', { enum: { 0: 'off', 1: 'on' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { action: 1 },
    sources: [DOCK3_CMD, 'DEMO cloudapi/debug/AlarmStateSwitchRequest.java'],
  },
  {
    command_type: 'battery_maintenance_switch',
    domain: 'device',
    summary: 'Switch aircraft battery maintenance on or off',
    description:
      'Turns the battery maintenance (conditioning) state of the dock on or off: with maintenance on, the dock looks after the charge of the aircraft battery stored inside it. The dock replies with `output.status`; no progress events follow.',
    payload: {
      action: int('Battery maintenance state', { enum: { 0: 'off', 1: 'on' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { action: 1 },
    sources: [DOCK3_CMD, 'DEMO cloudapi/debug/BatteryMaintenanceSwitchRequest.java'],
  },
  {
    command_type: 'battery_store_mode_switch',
    domain: 'device',
    summary: 'Switch the aircraft battery run mode (plan or standby)',
    description:
      'Selects how the dock keeps the aircraft battery between flights: plan mode (for scheduled missions) or standby mode (ready for a flight at short notice; the official DJI demo names this value `EMERGENCY`). The dock replies with `output.status`; no progress events follow.',
    payload: {
      action: int('Battery run mode', { enum: { 1: 'plan mode', 2: 'standby mode' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { action: 1 },
    sources: [DOCK3_CMD, 'DEMO cloudapi/debug/BatteryStoreModeSwitchRequest.java'],
  },
  {
    command_type: 'charge_close',
    domain: 'device',
    summary: 'Stop charging the aircraft',
    description: `Remote-debug command: stops charging the aircraft battery in the dock. ${NEEDS_DEBUG_MODE} ${BY_PROGRESS}; \`step_key\` goes through \`get_bid\`, \`check_work_mode\`, \`check_task_state\`, \`stop_charge\`.`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('charge_close', REMOTE_DEBUG_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'charge_open',
    domain: 'device',
    summary: 'Start charging the aircraft',
    description: `Remote-debug command: starts charging the aircraft battery in the dock. ${NEEDS_DEBUG_MODE} It also checks the emergency-stop button (\`check_scram_state\`) and the cover state (\`check_cover\`). ${BY_PROGRESS}; \`step_key\` goes through \`get_bid\`, \`check_work_mode\`, \`check_task_state\`, \`check_scram_state\`, \`check_cover\`, \`start_charge\`.`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('charge_open', REMOTE_DEBUG_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'cover_close',
    domain: 'device',
    summary: 'Close the dock cover',
    description: `Remote-debug command: closes the dock cover. ${NEEDS_DEBUG_MODE} It also checks the emergency-stop button (\`check_scram_state\`). The sequence powers the aircraft on, turns its propellers slowly forward, closes the cover, turns the propellers slowly in reverse and stops them. ${BY_PROGRESS}; \`step_key\` goes through \`get_bid\`, \`check_work_mode\`, \`check_task_state\`, \`check_scram_state\`, \`turn_on_drone\`, \`drone_paddle_forward\`, \`close_cover\`, \`drone_paddle_reverse\`, \`drone_paddle_stop\`. Failures are reported as 514108 (cover close failed).`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('cover_close', REMOTE_DEBUG_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'cover_force_close',
    domain: 'device',
    summary: 'Force-close the dock cover',
    description: `Closes the dock cover without the usual aircraft checks. Use it only when the dock property \`drone_in_dock\` is 0 and the dock camera shows that the aircraft is not inside: otherwise the cover can pinch the propellers. ${BY_PROGRESS}; the events carry \`output.progress.percent\` (DJI documents no \`step_key\` values for this command).`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('cover_force_close', REMOTE_DEBUG_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, PROGRESS_REF],
  },
  {
    command_type: 'cover_open',
    domain: 'device',
    summary: 'Open the dock cover',
    description:
      'Opens the dock cover. The `services_reply` only accepts the job; completion arrives as `cover_open` progress events with the same `bid` (percent, `step_key`, terminal `status`). ' +
      `${NEEDS_DEBUG_MODE} It also checks the emergency-stop button; \`step_key\` goes through \`get_bid\`, \`check_work_mode\`, \`check_task_state\`, \`check_scram_state\`, \`open_cover\`. Failures are reported as 514107 (cover open failed).`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('cover_open', REMOTE_DEBUG_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, PROGRESS_REF],
  },
  {
    command_type: 'debug_mode_close',
    domain: 'device',
    summary: 'Leave remote-debug mode',
    description:
      'Takes the dock out of remote-debug mode so it can run missions again. The dock replies with `output.status`; no progress events follow.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG],
  },
  {
    command_type: 'debug_mode_open',
    domain: 'device',
    summary: 'Enter remote-debug mode',
    description:
      'Puts the dock into remote-debug mode. The other remote-debug commands (cover, charge, aircraft power, putters, format, reboot) check this mode first (`check_work_mode`), so send this before them, and `debug_mode_close` afterwards. The dock replies with `output.status`; no progress events follow.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG],
  },
  {
    command_type: 'device_format',
    domain: 'device',
    summary: 'Format the dock data storage',
    description: `Remote-debug command: formats the data storage of the dock. Anything stored on the dock is erased, including media not yet uploaded. ${BY_PROGRESS}; the events carry \`output.progress.percent\` (the DJI example also shows a \`step_key\`, but its values are not documented).`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('device_format', FORMAT_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'device_reboot',
    domain: 'device',
    summary: 'Reboot the dock',
    description: `Remote-debug command: reboots the dock. The dock refuses while it is not on mains power (\`check_ac_input_state\`) or while a firmware upgrade runs (\`upgrading_prevent_reboot\`). ${NEEDS_DEBUG_MODE} ${BY_PROGRESS}; \`step_key\` goes through \`get_bid\`, \`check_ac_input_state\`, \`upgrading_prevent_reboot\`, \`check_work_mode\`, \`check_task_state\`, \`write_reboot_param_file\`. The dock then goes offline and comes back with a new \`update_topo\`.`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('device_reboot', REBOOT_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'drone_close',
    domain: 'device',
    summary: 'Power off the aircraft in the dock',
    description: `Remote-debug command: powers off the aircraft parked in the dock. ${NEEDS_DEBUG_MODE} It also checks mains power, a running firmware upgrade and the emergency-stop button. ${BY_PROGRESS}; \`step_key\` goes through \`get_bid\`, \`check_ac_input_state\`, \`upgrading_prevent_reboot\`, \`check_work_mode\`, \`check_task_state\`, \`check_scram_state\`, \`close_drone\`.`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('drone_close', REMOTE_DEBUG_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'drone_format',
    domain: 'device',
    summary: 'Format the aircraft storage',
    description: `Remote-debug command: formats the storage of the aircraft parked in the dock. Photos and videos on the aircraft are erased, including media not yet uploaded. ${BY_PROGRESS}; the events carry \`output.progress.percent\` (the DJI example also shows a \`step_key\`, but its values are not documented).`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('drone_format', FORMAT_LIMITS),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'drone_open',
    domain: 'device',
    summary: 'Power on the aircraft in the dock',
    description: `Remote-debug command: powers on the aircraft parked in the dock. ${BY_PROGRESS}. Unlike the other remote-debug commands these events carry no \`progress\` block, only \`output.status\` (Dock 1/3 pages; the Dock 2 page has no event section, the official demo still handles it).`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: statusOnlyProgress('drone_open'),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'putter_close',
    domain: 'device',
    summary: 'Close the dock centring rods (Dock 1)',
    description: `Remote-debug command for DJI Dock 1 only (the Dock 2/3 pages do not have it): moves the centring rods (putters) of the landing pad in, so they centre and hold the aircraft. ${NEEDS_DEBUG_MODE} It also checks the emergency-stop button. ${BY_PROGRESS}; \`step_key\` goes through \`get_bid\`, \`check_work_mode\`, \`check_task_state\`, \`check_scram_state\`, \`close_putter\`. Rod failures are reported as 514101/514102.`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('putter_close', REMOTE_DEBUG_LIMITS),
    docks: 'D1',
    example: {},
    sources: [DOCK1_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'putter_open',
    domain: 'device',
    summary: 'Open the dock centring rods (Dock 1)',
    description: `Remote-debug command for DJI Dock 1 only (the Dock 2/3 pages do not have it): moves the centring rods (putters) of the landing pad out, releasing the aircraft. ${NEEDS_DEBUG_MODE} It also checks the emergency-stop button. ${BY_PROGRESS}; \`step_key\` goes through \`get_bid\`, \`check_work_mode\`, \`check_task_state\`, \`check_scram_state\`, \`free_putter\`. Rod failures are reported as 514101/514102.`,
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('putter_open', REMOTE_DEBUG_LIMITS),
    docks: 'D1',
    example: {},
    sources: [DOCK1_CMD, DEMO_DEBUG, PROGRESS_REF],
  },
  {
    command_type: 'sdr_workmode_switch',
    domain: 'device',
    summary: 'Switch the video link mode (SDR only or 4G enhanced)',
    description:
      'Selects the work mode of the aircraft video/control link: SDR only, or 4G-enhanced, where SDR and 4G (DJI Cellular dongle) are used together. The reply is `{result}` only (no `output`); no progress events follow. 4G errors are in the 326xxx range (e.g. 326002 no dongle, 326003 no SIM card).',
    payload: {
      link_workmode: int('Link work mode', { enum: { 0: 'SDR only', 1: '4G enhanced (SDR and 4G used together)' } }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { link_workmode: 1 },
    sources: [DOCK3_CMD, 'DEMO cloudapi/debug/SdrWorkmodeSwitchRequest.java'],
  },
  {
    command_type: 'supplement_light_close',
    domain: 'device',
    summary: 'Turn the dock supplement light off',
    description:
      'Turns off the supplement (fill) light of the dock. The dock replies with `output.status`; no progress events follow.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG],
  },
  {
    command_type: 'supplement_light_open',
    domain: 'device',
    summary: 'Turn the dock supplement light on',
    description:
      'Turns on the supplement (fill) light of the dock, which lights the scene for the dock camera in low light. The dock replies with `output.status`; no progress events follow.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, DEMO_DEBUG],
  },
];
