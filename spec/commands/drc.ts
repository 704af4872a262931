/**
 * Domain `drc`: flight and payload authority, DRC (Drone Remote Control) link, fly-to and one-key
 * take-off (seed 004 § drc; docs/dji/commands.md#drc; docs/dji/events-and-progress.md, docs/dji/drc.md).
 *
 * Four methods travel on `drc/down` instead of `services` and have no `tid`/`bid` reply:
 * `drone_control`, `drone_emergency_stop`, `heart_beat`, `stick_control`.
 */
import { arr, bool, djiOnlyConstraint, int, latitude, longitude, num, obj, payloadIndex, str } from '../fields.js';
import type { CommandDef, ProgressSpec } from '../types.js';
import { POINT_FLIGHT_LIMITS } from '../job-limits.js';

const DOCK3_DRC = 'DJI Dock 3 drc page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/drc.html';
const PROTOCOL_DRC = 'docs/dji/drc.md';
const PROTOCOL_PROGRESS = 'docs/dji/events-and-progress.md';

/** `max_speed` that dockgate sends for `takeoff_to_point` when the caller omits it (the value in DJI's examples). */
export const TAKEOFF_DEFAULT_MAX_SPEED = 12;

/** Note on the task-id fields that DJI's reference server checks with a pattern the seed does not state. */
const TASK_ID_NOTE =
  "DJI's reference server rejects ids containing any of `< > : \" / \\ | ? * . _`; a UUID always fits. Not enforced by the schema (seed 004 states no constraint).";

/** Sentence shared by the `drc/down` commands. */
const DRC_LINK =
  'Published on `thing/product/{gateway_sn}/drc/down`, which the dock only reads while DRC mode is active (after a successful `drc_mode_enter` whose `mqtt_broker` points at the broker dockgate publishes to).';

/**
 * Flat fly-to progress (`fly_to_point_progress`, `takeoff_to_point_progress`): `status` sits at the
 * top of event `data` and the event is matched by the task id the command carried, not by `bid`.
 */
function flatFlyProgress(event_method: string, idField: string, succeeded: string[]): ProgressSpec {
  return {
    event_method,
    correlate_by: { payload_field: idField, event_field: idField },
    status_path: 'status',
    succeeded,
    failed: ['wayline_failed', 'wayline_cancel'],
    need_reply: true,
    limits: POINT_FLIGHT_LIMITS,
  };
}

/** One target point `{latitude, longitude, height}` of fly-to commands (DJI allows exactly one). */
function targetPoints(description: string) {
  return arr(
    `${description}. DJI supports exactly one point.`,
    obj('Target point', {
      latitude: latitude('Target latitude'),
      longitude: longitude('Target longitude'),
      height: num('Target height, ellipsoidal (WGS84), in steps of 0.1 m.', { min: 2, max: 10000, unit: 'm' }),
    }),
    { minItems: 1, maxItems: 1 },
  );
}

export const drcCommands: CommandDef[] = [
  {
    command_type: 'drc_mode_enter',
    domain: 'drc',
    summary: 'Enter DRC (live flight control) mode',
    description:
      'Asks the dock to open its DRC (Drone Remote Control) link: it connects to the MQTT broker given in `mqtt_broker`, then accepts `drc/down` messages (`stick_control`, `drone_control`, `drone_emergency_stop`, `heart_beat`) and streams `osd_info_push`, `hsi_info_push` and `delay_info_push` on `drc/up` at the requested rates. ' +
      "Preconditions in DJI's reference flow: flight authority held (`flight_authority_grab`), aircraft airborne, any running wayline task paused. dockgate publishes `drc/down` on its own broker, so `mqtt_broker` must point at a broker that carries `thing/product/{gateway_sn}/drc/*` to dockgate. " +
      'The dock leaves DRC mode when no `heart_beat` arrives for 1 minute (Dock 2/3; 5 minutes on Dock 1). The `services_reply` carries only `result`; no progress events follow (DJI deprecated the `drc_status_notify` event; the dock property `drc_state` shows the link state). DRC link errors use codes 514300–514304.',
    payload: {
      mqtt_broker: obj("Broker the dock connects to for the DRC link (all six properties are required by DJI's reference server).", {
        address: str('Broker address as `host:port`, e.g. `mqtt.example.com:8883` or `192.0.2.1:8883`.'),
        client_id: str("MQTT client id of the dock's DRC connection; DJI recommends the dock SN, optionally with a prefix (e.g. `drc-4J4R101`)."),
        username: str('MQTT username.'),
        password: str('MQTT password or token (e.g. a JWT).'),
        expire_time: int(
          'Expiry of these credentials, Unix time in seconds. They may be reused until then; expiry does not drop an already open link.',
          { unit: 's' },
        ),
        enable_tls: bool('Whether the dock uses TLS on the DRC connection.'),
      }),
      osd_frequency: int('Rate of `osd_info_push` (aircraft position, attitude, speed, gimbal) on `drc/up`.', { min: 1, max: 30, unit: 'Hz' }),
      hsi_frequency: int('Rate of `hsi_info_push` (obstacle distances around the aircraft) on `drc/up`.', { min: 1, max: 30, unit: 'Hz' }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {
      mqtt_broker: {
        address: 'mqtt.example.com:8883',
        client_id: 'drc-7CTDM3D00BVY4C',
        username: '7CTDM3D00BVY4C',
        password: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkcmMifQ.signature',
        expire_time: 1767229200,
        enable_tls: true,
      },
      osd_frequency: 10,
      hsi_frequency: 1,
    },
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/DrcModeEnterRequest.java, DrcModeMqttBroker.java', PROTOCOL_DRC],
  },
  {
    command_type: 'drc_mode_exit',
    domain: 'drc',
    summary: 'Leave DRC (live flight control) mode',
    description:
      'Ends DRC mode: the dock closes its DRC MQTT connection and stops the `drc/up` streams; `drc/down` commands are ignored afterwards. The `services_reply` carries only `result`. A paused wayline task can then be resumed with `flighttask_recovery`.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_DRC, 'DEMO cloudapi/control/api/AbstractControlService.java'],
  },
  {
    command_type: 'drone_control',
    domain: 'drc',
    summary: 'Set aircraft velocity in DRC mode (deprecated)',
    description:
      'Legacy DRC velocity control, deprecated by DJI in favour of `stick_control`: sets forward, lateral and vertical speed and yaw rate. Send at 5–10 Hz; needs flight authority and virtual-stick permission. ' +
      DRC_LINK +
      ' DJI answers on `drc/up` (same `method`, `{result, output.seq}`) only when the command fails — no flight authority, no virtual-stick permission, `seq` smaller than the previous one (319033) or packet too late (319034) — and sends nothing on success. ' +
      'dockgate therefore does not wait for a reply: the command completes (SUCCEEDED) once the broker accepts the publish, and a later failure reply does not change it.',
    payload: {
      seq: int('Command sequence number; must increase with every message. DJI: restart from 0 whenever any of `x`, `y`, `h`, `w` changes.', {
        note: djiOnlyConstraint('`seq` ≥ 0'),
      }),
      x: num('Forward (+) / backward (−) speed.', { min: -17, max: 17, unit: 'm/s' }),
      y: num('Right (+) / left (−) speed.', { min: -17, max: 17, unit: 'm/s' }),
      h: num('Up (+) / down (−) speed.', { min: -4, max: 5, unit: 'm/s' }),
      w: num('Yaw rate; positive = clockwise, negative = counter-clockwise.', { min: -90, max: 90, unit: 'degrees/s' }),
    },
    transport: 'drc/down',
    reply: 'none',
    deprecated: true,
    docks: 'D1 D2 D3',
    example: { seq: 0, x: 2.5, y: 0, h: 0.5, w: 0 },
    sources: [DOCK3_DRC + ' § DRC-飞行控制（已废弃）', 'DEMO cloudapi/control/DroneControlRequest.java', PROTOCOL_DRC],
  },
  {
    command_type: 'drone_emergency_stop',
    domain: 'drc',
    summary: 'Emergency-brake the aircraft in DRC mode',
    description:
      'Brakes the aircraft at once, e.g. when DRC control goes wrong. ' +
      DRC_LINK +
      ' The dock answers on `drc/up` with the same `method` and `{result}`; that reply has no `tid`/`bid` and is matched by `method` (and by the envelope `seq` on Dock 3).',
    payload: {},
    transport: 'drc/down',
    reply: 'drc/up',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_DRC + ' § DRC-飞行器急停', PROTOCOL_DRC],
  },
  {
    command_type: 'flight_authority_grab',
    domain: 'drc',
    summary: 'Take flight control authority',
    description:
      'Takes flight control authority of the aircraft for the cloud (away from the remote controller or another client). Needed before `takeoff_to_point`, `fly_to_point` and DRC flight control; without it those fail with e.g. 319030 (no flight authority). The `services_reply` carries only `result`; real docks have been seen to answer after about 3 s.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_DRC, 'docs/dji/envelope.md (reply timing of a real dock), docs/dji/status-and-topology.md (authority)'],
  },
  {
    command_type: 'fly_to_point',
    domain: 'drc',
    summary: 'Fly the airborne aircraft to a target point',
    description:
      'Flies the airborne aircraft to one target point at up to `max_speed`. The aircraft keeps at least 20 m above its take-off point: if it is lower it first climbs to 20 m. Needs flight authority (`flight_authority_grab`). ' +
      'The `services_reply` only accepts the task; completion arrives as flat `fly_to_point_progress` events matched by `fly_to_id`: `status` `wayline_progress` while flying (with `remaining_distance` in m, `remaining_time` in s and the planned path), then `wayline_ok` on arrival (SUCCEEDED) or `wayline_failed` / `wayline_cancel` (FAILED). ' +
      'Retarget a running task with `fly_to_point_update`; end it with `fly_to_point_stop`. Fly-to errors use codes 336xxx.',
    payload: {
      fly_to_id: str('Fly-to task id, echoed by every `fly_to_point_progress` event; use a fresh UUID per task.', { note: TASK_ID_NOTE }),
      max_speed: int('Maximum speed during the fly-to.', {
        min: 0,
        max: 15,
        unit: 'm/s',
        note: "DJI's reference server requires at least 1 m/s.",
      }),
      points: targetPoints('Target points'),
    },
    transport: 'services',
    reply: 'services_reply',
    progress: flatFlyProgress('fly_to_point_progress', 'fly_to_id', ['wayline_ok']),
    docks: 'D1 D2 D3',
    example: {
      fly_to_id: '4d8f3c3a-6f0e-4e7b-9a51-2c1d2b7f9e10',
      max_speed: 12,
      points: [{ latitude: 22.579231, longitude: 113.937458, height: 120.5 }],
    },
    sources: [DOCK3_DRC + ' § flyto 飞向目标点', 'DEMO cloudapi/control/FlyToPointRequest.java, Point.java', PROTOCOL_PROGRESS],
  },
  {
    command_type: 'fly_to_point_stop',
    domain: 'drc',
    summary: 'End the running fly-to task',
    description:
      'Ends the running `fly_to_point` task. The `services_reply` carries only `result`. DJI implies, without stating it, that the running task then ends with a `fly_to_point_progress` event of status `wayline_cancel`, which completes that `fly_to_point` command as FAILED.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_DRC + ' § 结束 flyto 飞向目标点任务', 'DEMO cloudapi/control/api/AbstractControlService.java'],
  },
  {
    command_type: 'fly_to_point_update',
    domain: 'drc',
    summary: 'Retarget a running fly-to or one-key take-off',
    description:
      'Quickly changes the target point and maximum speed of a running `takeoff_to_point` or `fly_to_point` task. The `services_reply` carries only `result`; progress continues on the original task (`fly_to_point_progress` / `takeoff_to_point_progress`), which completes the original command, not this one.',
    payload: {
      max_speed: int('Maximum speed towards the new target.', { min: 1, max: 15, unit: 'm/s' }),
      points: targetPoints('New target points'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { max_speed: 10, points: [{ latitude: 22.580112, longitude: 113.938804, height: 130 }] },
    sources: [DOCK3_DRC + ' § 更新 flyto 目标点', 'DEMO cloudapi/control/FlyToPointUpdateRequest.java'],
  },
  {
    command_type: 'heart_beat',
    domain: 'drc',
    summary: 'Keep the DRC link alive',
    description:
      'DRC keep-alive. While DRC mode is active the dock leaves it when no heartbeat arrives for 1 minute (Dock 2/3; 5 minutes on Dock 1), so send one every few seconds. ' +
      DRC_LINK +
      ' The dock echoes `heart_beat` on `drc/up`; the echo has no `tid`/`bid` and is matched by `method` (and `seq`). No echo for a while means the DRC link is broken.',
    payload: {
      seq: int('Sequence number of this heartbeat; must increase.', {
        note: 'Dock 1 reads `seq` inside `data`; Dock 2/3 mark `data.seq` deprecated and read the envelope-level `seq` (see the wire notes).',
      }),
      timestamp: int('Send time, Unix epoch milliseconds.', { unit: 'ms' }),
    },
    transport: 'drc/down',
    reply: 'drc/up',
    wire: {
      data: {
        seq: int('Deprecated on Dock 2/3 (envelope `seq` instead); read by Dock 1.', { required: false, deprecated: true }),
        timestamp: int('Send time, Unix epoch milliseconds.', { unit: 'ms' }),
      },
      translate: (p) => ({ timestamp: p.timestamp, seq: p.seq }),
      notes:
        'Seed 004 requires `seq` in the payload. Dock 1 reads it inside `data`; Dock 2/3 mark `data.seq` deprecated and expect the sequence next to `data` (`{"method":"heart_beat","seq":N,"data":{"timestamp":…}}`). ' +
        'dockgate publishes `data = {timestamp, seq}`, which every dock accepts (required on Dock 1, ignored as deprecated on Dock 2/3); the envelope-level `seq` of every `drc/down` message comes from the dispatcher’s per-gateway counter, so it keeps increasing across `heart_beat`, `stick_control` and the other DRC messages.',
    },
    docks: 'D1 D2 D3',
    example: { seq: 42, timestamp: 1767225600000 },
    sources: [DOCK3_DRC + ' § DRC-心跳', 'DEMO cloudapi/control/HeartBeatRequest.java', PROTOCOL_DRC],
  },
  {
    command_type: 'payload_authority_grab',
    domain: 'drc',
    summary: 'Take payload (camera/gimbal) control authority',
    description:
      'Takes control authority of one payload (camera and gimbal) for the cloud. Needed before camera and gimbal commands on that payload; without it they fail with e.g. 319031 (no payload authority). The `services_reply` carries only `result`.',
    payload: {
      payload_index: payloadIndex('Payload (camera) enumeration value'),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { payload_index: '39-0-7' },
    sources: [DOCK3_DRC + ' § 负载控制权抢夺', 'DEMO cloudapi/control/PayloadAuthorityGrabRequest.java'],
  },
  {
    command_type: 'stick_control',
    domain: 'drc',
    summary: 'Send virtual-stick input in DRC mode',
    description:
      'Virtual remote-controller sticks: moves the aircraft (and gimbal) like the four channels of a remote controller. Each channel is a stick position from 364 to 1684 with 1024 = centre (no input). Send at 5–10 Hz for precise control; needs flight authority. ' +
      DRC_LINK +
      ' DJI defines no reply for this method, so the command completes (SUCCEEDED) once the broker accepts the publish; the effect shows in `osd_info_push` on `drc/up`. On Dock 2/3 the envelope carries a top-level `seq`, set by the dispatcher.',
    payload: {
      roll: int('Roll channel (stick A): sideways movement; 1024 = neutral, larger = right, smaller = left.', { note: djiOnlyConstraint('364–1684 (1024 ± 660)') }),
      pitch: int('Pitch channel (stick E): forward/backward movement; 1024 = neutral, larger = forward, smaller = backward.', {
        note: djiOnlyConstraint('364–1684 (1024 ± 660)'),
      }),
      throttle: int('Throttle channel (stick T): climb/descend; 1024 = hold altitude, larger = climb, smaller = descend.', {
        note: djiOnlyConstraint('364–1684 (1024 ± 660)'),
      }),
      yaw: int('Yaw channel (stick R): rotation; 1024 = neutral, larger = clockwise, smaller = counter-clockwise.', {
        note: djiOnlyConstraint('364–1684 (1024 ± 660)'),
      }),
      gimbal_pitch: int('Gimbal pitch stick; 1024 = hold. Shown in DJI’s stick_control example but not in its field table; range undocumented.', {
        required: false,
        note: 'Not in seed 004: DJI-only optional field, passed through.',
      }),
    },
    transport: 'drc/down',
    reply: 'none',
    docks: 'D2 D3',
    example: { roll: 1024, pitch: 1200, throttle: 1024, yaw: 1024 },
    sources: [DOCK3_DRC + ' § DRC-杆量控制', PROTOCOL_DRC],
  },
  {
    command_type: 'takeoff_to_point',
    domain: 'drc',
    summary: 'One-key take-off to a target point',
    description:
      'One-key take-off: the aircraft takes off from the dock, climbs to `security_takeoff_height` (relative to the dock) and flies to the target point, where it hovers. Needs flight authority (`flight_authority_grab`). ' +
      'The `services_reply` only accepts the task; completion arrives as flat `takeoff_to_point_progress` events matched by `flight_id`: `task_ready` (preparing), `wayline_progress` (flying, with `remaining_distance` in m, `remaining_time` in s and the planned path), then `wayline_ok` (arrived) or `task_finish` (one-key take-off task finished) → SUCCEEDED, `wayline_failed` / `wayline_cancel` → FAILED. ' +
      'Retarget with `fly_to_point_update`. `simulate_mission` runs the flight in the aircraft simulator (remove the propellers first: the dock cover closes on them). Take-off errors use codes 337xxx (e.g. 337025 aircraft cannot take off).',
    payload: {
      target_latitude: latitude('Target point latitude'),
      target_longitude: longitude('Target point longitude'),
      target_height: num('Target point height, ellipsoidal (WGS84); the aircraft hovers there on arrival.', {
        unit: 'm',
        note: djiOnlyConstraint("2–1500 m in steps of 0.1 (Dock 3 page; DJI's reference server allows up to 10000 m)"),
      }),
      security_takeoff_height: num('Safe take-off height relative to the dock (ALT): the aircraft climbs to it before heading for the target.', {
        unit: 'm',
        note: djiOnlyConstraint('20–1500 m in steps of 0.1'),
      }),
      rth_mode: int('Return-to-home altitude mode: 0 = smart height (the aircraft plans the return altitude), 1 = preset height (`rth_altitude`). DJI docks currently support only 1.', {
        note: djiOnlyConstraint('the values 0 and 1'),
      }),
      rth_altitude: int('Return-to-home altitude relative to the dock (ALT).', { unit: 'm', note: djiOnlyConstraint('2–1500 m') }),
      rc_lost_action: int('Action when the remote-control link is lost.', { enum: { 0: 'hover', 1: 'land', 2: 'return to home' } }),
      exit_wayline_when_rc_lost: int('Whether the aircraft leaves the task when the RC link is lost.', {
        enum: { 0: 'continue the task', 1: 'exit the task and perform `rc_lost_action`' },
        deprecated: true,
        note: 'Deprecated: only the Dock 1 page lists it (DJI reference server: deprecated since 1.0.0); Dock 2/3 ignore it. Still required by seed 004.',
      }),
      commander_mode_lost_action: int('Fly-to (commander mode) action when the link is lost: 0 = continue the fly-to task, 1 = exit it and perform the normal lost-link action.', {
        note: djiOnlyConstraint('the values 0 and 1'),
      }),
      commander_flight_mode: int('Fly-to height mode: 0 = smart height, 1 = preset height (`commander_flight_height`).', {
        note: djiOnlyConstraint('the values 0 and 1'),
      }),
      commander_flight_height: num('Fly-to height relative to the dock (ALT); the aircraft climbs to the higher of `security_takeoff_height` and this before flying to the target.', {
        unit: 'm',
        note: djiOnlyConstraint('2–3000 m in steps of 0.1'),
      }),
      flight_id: str('One-key take-off task id, globally unique (use a UUID); echoed by every `takeoff_to_point_progress` event, and lets the cloud tell one-key take-offs from planned tasks.', {
        note: TASK_ID_NOTE,
      }),
      max_speed: int('Maximum speed on the way to the target.', {
        required: false,
        min: 1,
        max: 15,
        unit: 'm/s',
        note: `Optional in seed 004 but required by DJI's reference server: when omitted dockgate sends ${TAKEOFF_DEFAULT_MAX_SPEED} m/s (the value in DJI's examples).`,
      }),
      flight_safety_advance_check: int('Flight-safety pre-check: 0 = off, 1 = on. When on, the aircraft compares its geofence and work-area files with the cloud before the task and fetches newer ones (Dock 2/3).', {
        note: djiOnlyConstraint('the values 0 and 1 (default 0, optional)'),
      }),
      simulate_mission: obj(
        'Run the task in the aircraft simulator for indoor debugging. Remove the propellers first: the dock cover closes on them.',
        {
          is_enable: int('Simulator for this task.', { enum: { 0: 'off', 1: 'on' } }),
          latitude: latitude('Simulated take-off latitude'),
          longitude: longitude('Simulated take-off longitude'),
        },
        { required: false, note: 'Not in seed 004: DJI-only optional field, passed through.' },
      ),
    },
    transport: 'services',
    reply: 'services_reply',
    progress: flatFlyProgress('takeoff_to_point_progress', 'flight_id', ['wayline_ok', 'task_finish']),
    wire: {
      data: {
        target_latitude: latitude('Target point latitude'),
        target_longitude: longitude('Target point longitude'),
        target_height: num('Target height, ellipsoidal (WGS84).', { min: 2, max: 10000, unit: 'm' }),
        security_takeoff_height: num('Safe take-off height relative to the dock.', { min: 20, max: 1500, unit: 'm' }),
        rth_mode: int('Return-to-home altitude mode.', { enum: { 0: 'smart height', 1: 'preset height' } }),
        rth_altitude: int('Return-to-home altitude relative to the dock.', { min: 2, max: 1500, unit: 'm' }),
        rc_lost_action: int('Action when the RC link is lost.', { enum: { 0: 'hover', 1: 'land', 2: 'return to home' } }),
        exit_wayline_when_rc_lost: int('Dock 1 only (deprecated).', { required: false, deprecated: true, enum: { 0: 'continue', 1: 'exit' } }),
        commander_mode_lost_action: int('Fly-to lost-link action.', { enum: { 0: 'continue the fly-to task', 1: 'exit it' } }),
        commander_flight_mode: int('Fly-to height mode.', { enum: { 0: 'smart height', 1: 'preset height' } }),
        commander_flight_height: num('Fly-to height relative to the dock.', { min: 2, max: 3000, unit: 'm' }),
        flight_id: str('Task UUID.'),
        max_speed: int('Maximum speed (required by DJI).', { min: 1, max: 15, unit: 'm/s' }),
        flight_safety_advance_check: int('Flight-safety pre-check (Dock 2/3).', { required: false, enum: { 0: 'off', 1: 'on' } }),
        simulate_mission: obj(
          'Simulator run.',
          { is_enable: int('Simulator on/off.', { enum: { 0: 'off', 1: 'on' } }), latitude: latitude(), longitude: longitude() },
          { required: false },
        ),
      },
      translate: (p) => ({ ...p, max_speed: p.max_speed ?? TAKEOFF_DEFAULT_MAX_SPEED }),
      notes:
        `Requiredness differs. DJI's reference server requires \`max_speed\`, which seed 004 makes optional: when it is omitted dockgate sends ${TAKEOFF_DEFAULT_MAX_SPEED} m/s, the value in DJI's examples. ` +
        'Seed 004 requires `exit_wayline_when_rc_lost` (only Dock 1 reads it; Dock 2/3 ignore it) and `flight_safety_advance_check` (optional for DJI, default 0): both are sent as given. `simulate_mission` is a DJI-only optional field and is passed through. Everything else is published unchanged.',
    },
    docks: 'D1 D2 D3',
    example: {
      target_latitude: 22.579231,
      target_longitude: 113.937458,
      target_height: 135.2,
      security_takeoff_height: 60,
      rth_mode: 1,
      rth_altitude: 100,
      rc_lost_action: 2,
      exit_wayline_when_rc_lost: 1,
      commander_mode_lost_action: 1,
      commander_flight_mode: 1,
      commander_flight_height: 80,
      flight_id: '0b6f2c4e-3a1d-4f7e-8c2b-9d5e1a7f3c60',
      max_speed: 12,
      flight_safety_advance_check: 0,
    },
    sources: [DOCK3_DRC + ' § 一键起飞', 'DEMO cloudapi/control/TakeoffToPointRequest.java', PROTOCOL_PROGRESS],
  },
];
