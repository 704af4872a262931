/**
 * Domain `device`: dock remote-debug and maintenance switches (seed 004 § device;
 * dji-payloads.md § Domain: device; dji-cloud-api-protocol.md §3 for progress events).
 */
import { int, remoteDebugProgress } from '../fields.js';
import type { CommandDef } from '../types.js';

const DOCK3_CMD = 'DJI Dock 3 cmd page (dji-payloads.md § Domain: device)';

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
    command_type: 'cover_open',
    domain: 'device',
    summary: 'Open the dock cover',
    description:
      'Opens the dock cover. The `services_reply` only accepts the job; completion arrives as `cover_open` progress events with the same `bid` (percent, `step_key`, terminal `status`).',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    progress: remoteDebugProgress('cover_open'),
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_CMD, 'dji-cloud-api-protocol.md §3 (remote-debug progress)'],
  },
];
