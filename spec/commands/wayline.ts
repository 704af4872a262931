/**
 * Domain `wayline`: wayline (KMZ) task lifecycle and return to home (seed 004 § wayline;
 * docs/dji/commands.md#wayline; docs/dji/envelope.md for `bid = flight_id`).
 */
import { arr, bool, djiOnlyConstraint, int, latitude, longitude, num, obj, openObj, str } from '../fields.js';
import { PayloadTranslationError, type CommandDef } from '../types.js';
import { WAYLINE_FLIGHT_LIMITS } from '../job-limits.js';

const DOCK3_WAYLINE = 'DJI Dock 3 wayline page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/wayline.html';
const DEMO_WAYLINE = 'DEMO cloudapi/wayline/api/AbstractWaylineService.java';

/** `wayline_precision_type` that dockgate sends for `flighttask_prepare` when the caller omits it. */
export const PREPARE_DEFAULT_WAYLINE_PRECISION_TYPE = 1;

const TASK_ID_NOTE =
  "DJI's reference server rejects ids containing any of `< > : \" / \\ | ? * . _`; a UUID always fits. Not enforced by the schema (seed 004 states no constraint).";

/** Sentence for the seed `flighttask_create` fields that DJI's `flighttask_create` has no place for. */
const NOT_SENT = 'Not sent to the dock: DJI `flighttask_create` has no such field (set it with `flighttask_prepare`).';

/** `simulate_mission` of `flighttask_prepare` (Dock 3 adds `altitude`). */
function simulateMission(o: { required: boolean; note?: string }) {
  return obj(
    'Run the task in the aircraft simulator for indoor debugging. Remove the propellers first: the dock cover closes on them.',
    {
      is_enable: int('Simulator for this task.', { enum: { 0: 'off', 1: 'on' } }),
      latitude: latitude('Simulated take-off latitude'),
      longitude: longitude('Simulated take-off longitude'),
      altitude: num('Simulated take-off altitude (Dock 3 only).', { required: false, min: -9999.9, max: 9999.9, unit: 'm' }),
    },
    o,
  );
}

/** The shared nested shapes of `flighttask_prepare` (used by the public payload and the wire form). */
const prepareShapes = {
  break_point: obj(
    'Resume from a breakpoint, e.g. the `ext.break_point` of an earlier `flighttask_progress` event: the task starts from that position.',
    {
      index: int('Breakpoint index.', { min: 0 }),
      state: int('Where the breakpoint lies.', { enum: { 0: 'on a segment between waypoints', 1: 'on a waypoint' } }),
      progress: num('Progress along the current segment, 0–1.', { min: 0, max: 1 }),
      wayline_id: int('Id of the wayline the breakpoint belongs to.'),
    },
    { required: false },
  ),
  executable_conditions: obj(
    'Extra pre-checks made when the task is executed; if any is not met, execution fails.',
    { storage_capacity: int('Minimum free storage the dock or aircraft must have.', { min: 0, unit: 'MB' }) },
    { required: false },
  ),
  file: obj('Wayline file (KMZ).', {
    url: str('Download URL of the KMZ file, reachable from the dock.', { format: 'uri' }),
    fingerprint: str('MD5 of the file content (hex); the dock checks the download against it (mismatch: 314005).'),
  }),
  ready_conditions: obj(
    'Conditions of a conditional task (`task_type` 2): the dock checks them periodically and sends the event `flighttask_ready` once all hold; `flighttask_execute` checks them again. Ignored for other task types.',
    {
      battery_capacity: int('Aircraft battery level the task needs: the battery must be above this when the task starts.', { min: 0, max: 100, unit: '%' }),
      begin_time: int('Start of the window in which the task may start, Unix epoch milliseconds (13 digits).', { unit: 'ms' }),
      end_time: int('End of that window, Unix epoch milliseconds (13 digits).', { unit: 'ms' }),
    },
    { required: false, note: 'Required on the wire when `task_type` is 2: dockgate rejects a conditional task without it (400).' },
  ),
};

export const waylineCommands: CommandDef[] = [
  {
    command_type: 'flight_setup_abort',
    domain: 'wayline',
    summary: 'Abort a task that is still being prepared for take-off (Dock 1)',
    description:
      'Cancels a wayline or fly-to task during its preparation, after the take-off command but before RTK has converged (the home-point-setting step, Dock 1 `current_step` 21). `flighttask_undo` only cancels tasks that have not started; once the aircraft has taken off use `return_home`. ' +
      'The `services_reply` carries only `result` (326108: not possible in the current state; 326109: aircraft already took off); the task state continues on `flighttask_progress`. Only documented on the Dock 1 page.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1',
    example: {},
    sources: ['DJI Dock 1 wayline page, https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock1/wayline.html § 取消准备中的任务'],
  },
  {
    command_type: 'flighttask_create',
    domain: 'wayline',
    summary: 'Create a wayline task from a KMZ file (deprecated)',
    description:
      'Deprecated by DJI on every dock page, replaced by `flighttask_prepare` + `flighttask_execute`. Sends a wayline task (a KMZ file) to the dock. ' +
      "DJI's `data` is only `{flight_id, type: \"wayline\", file: {url, sign}}`, so dockgate translates the seed payload (see the wire notes): `flighttask_id` → `flight_id`, `wayline_file` + `wayline_file_sign` → `file`; the scheduling and safety fields have no place in DJI's `flighttask_create` and are not sent. " +
      'The `services_reply` carries only `result`; execution state is reported by `flighttask_progress` events, which DJI does not tie to this command reliably, so dockgate completes it on the reply.',
    payload: {
      flighttask_id: str('Task id, sent to the dock as DJI `flight_id` (use a UUID).', { note: TASK_ID_NOTE }),
      execute_time: int(`Planned execution time (timestamp). ${NOT_SENT}`, { required: false }),
      task_type: str(`Task type. ${NOT_SENT}`, {
        enum: { immediate: 'run at once', timed: 'run at `execute_time`', conditional: 'run when `ready_conditions` hold' },
      }),
      wayline_type: str('Kind of wayline in the KMZ. Not sent to the dock: DJI `type` is always `wayline`, whatever the KMZ template.', {
        enum: { wayline: 'waypoint route', mapping_2d: '2D mapping (orthophoto)', mapping_3d: '3D mapping (oblique)', mapping_strip: 'strip (corridor) mapping' },
      }),
      wayline_file: str('Download URL of the KMZ wayline file, sent as DJI `file.url`. Required on the wire: a payload without it is rejected (400).', {
        required: false,
      }),
      wayline_file_sign: str('MD5 of the KMZ file (hex), sent as DJI `file.sign`; the dock checks the download against it. Required on the wire: a payload without it is rejected (400).', {
        required: false,
        note: 'Not in seed 004: added because DJI requires `file.sign` and the seed has no field for it.',
      }),
      execute_times: int(`Number of executions. ${NOT_SENT}`, { required: false }),
      out_of_control_action: str(`Action when the RC link is lost. ${NOT_SENT}`, {
        enum: { continue: 'continue the task', execute_go_home: 'return to home', hover: 'hover' },
      }),
      rth_altitude: num(`Return-to-home altitude. ${NOT_SENT}`, { required: false, unit: 'm' }),
      task_name: str('Task name for the caller’s records. Not sent to the dock.', { required: false }),
      ready_conditions: openObj(`Ready conditions of a conditional task. ${NOT_SENT} Shape not documented by DJI for this method; any properties accepted.`, {
        required: false,
      }),
      executable_conditions: openObj(`Execution pre-checks. ${NOT_SENT} Shape not documented by DJI for this method; any properties accepted.`, {
        required: false,
      }),
      simulate_mission: openObj(`Simulator settings. ${NOT_SENT} Shape not documented by DJI for this method; any properties accepted.`, {
        required: false,
      }),
      break_point: openObj(`Breakpoint to resume from. ${NOT_SENT} Shape not documented by DJI for this method; any properties accepted.`, {
        required: false,
      }),
      rth_mode: int(`Return-to-home altitude mode. ${NOT_SENT}`, { required: false, enum: { 0: 'smart height', 1: 'preset height' } }),
      exit_wayline_when_rc_lost: int(`Wayline behaviour when the RC link is lost. ${NOT_SENT}`, {
        required: false,
        enum: { 0: 'continue the wayline', 1: 'exit the wayline' },
      }),
      wayline_precision_type: int(`Wayline precision. ${NOT_SENT}`, { required: false, enum: { 0: 'GPS', 1: 'RTK' } }),
      flight_safety_advance_check: bool(`Flight-safety pre-check. ${NOT_SENT}`, { required: false }),
    },
    transport: 'services',
    reply: 'services_reply',
    deprecated: true,
    wire: {
      data: {
        flight_id: str('Task id.'),
        type: str('Task type; only `wayline`.', { enum: { wayline: 'wayline task' } }),
        file: obj('Wayline file.', { url: str('KMZ download URL.'), sign: str('MD5 of the file.') }),
      },
      translate: (p) => {
        if (typeof p.wayline_file !== 'string') {
          throw new PayloadTranslationError('payload.wayline_file', 'wire_required', 'DJI flighttask_create needs the KMZ URL (`file.url`): set `wayline_file`.');
        }
        if (typeof p.wayline_file_sign !== 'string') {
          throw new PayloadTranslationError(
            'payload.wayline_file_sign',
            'wire_required',
            'DJI flighttask_create needs the KMZ MD5 (`file.sign`): set `wayline_file_sign`.',
          );
        }
        return { flight_id: p.flighttask_id, type: 'wayline', file: { url: p.wayline_file, sign: p.wayline_file_sign } };
      },
      notes:
        'The seed 004 shape is unrelated to DJI’s deprecated `flighttask_create`, whose `data` is `{flight_id, type: "wayline", file: {url, sign}}`. dockgate sends `flight_id` = `flighttask_id`, `type` = `wayline` (DJI accepts no other value, for any KMZ template), `file.url` = `wayline_file` and `file.sign` = `wayline_file_sign` (an optional field added to the seed shape, because DJI requires the MD5); a payload lacking either file field is rejected with 400 (`wire_required`). ' +
        'Not sent, because DJI only accepts them in `flighttask_prepare`: `execute_time`, `task_type`, `wayline_type`, `execute_times`, `out_of_control_action`, `rth_altitude`, `task_name`, `ready_conditions`, `executable_conditions`, `simulate_mission`, `break_point`, `rth_mode`, `exit_wayline_when_rc_lost`, `wayline_precision_type`, `flight_safety_advance_check`. Prefer `flighttask_prepare` + `flighttask_execute`.',
    },
    docks: 'D1 D2 D3',
    example: {
      flighttask_id: '6a1f9d2e-84b3-4c0a-9f57-3e2d1c0b8a71',
      task_type: 'immediate',
      wayline_type: 'wayline',
      wayline_file: 'https://storage.example.com/waylines/roof-inspection.kmz',
      wayline_file_sign: '9e107d9d372bb6826bd81d3542a419d6',
      out_of_control_action: 'execute_go_home',
      task_name: 'Roof inspection',
    },
    sources: [DOCK3_WAYLINE + ' § 创建航线任务（废弃）', 'DEMO cloudapi/wayline/FlighttaskCreateRequest.java, FlighttaskCreateFile.java'],
  },
  {
    command_type: 'flighttask_execute',
    domain: 'wayline',
    summary: 'Execute a prepared wayline task',
    description:
      'Starts the task sent earlier with `flighttask_prepare` (same `flight_id`); for a conditional task the dock first checks that its `ready_conditions` hold. dockgate publishes this command with `bid = flight_id`, as DJI’s reference server does. ' +
      'The `services_reply` only accepts the start; progress arrives as `flighttask_progress` events with that `bid`: `output.status`, `output.progress.percent` and `current_step`, plus `ext` (waypoint index, `wayline_mission_state`, media count, `track_id`, breakpoint). ' +
      '`ok` → SUCCEEDED; `failed`, `rejected`, `canceled`, `timeout` and `partially_done` → FAILED (DJI’s reference server treats every end state other than `ok` as failed); `paused` is not terminal. A whole mission usually outlasts the 300 s `timeout_seconds` limit: send `timeout_seconds: 0` to complete on delivery, or expect TIMED_OUT while the flight goes on. ' +
      'During the task the dock may ask for the wayline file again with the device request `flighttask_resource_get`, and sends `return_home_info`, `device_exit_homing_notify` and `obstacle_avoidance_notify` events. Leapfrog (two-dock) missions add `multi_dock_task` (Dock 2/3).',
    payload: {
      flight_id: str('Task id given to `flighttask_prepare`; also used as the message `bid`.', { note: TASK_ID_NOTE }),
      multi_dock_task: obj(
        'Leapfrog task parameters (take off from one dock, land at another; Dock 2/3). Omit for a normal task. Everything except `dock_infos[].dock_type` can be read from the device properties the docks and aircraft report.',
        {
          wireless_link_topo: obj('Video-link pairing topology.', {
            secret_code: arr('Link encryption code, from the aircraft properties.', int('Code byte.'), { minItems: 28, maxItems: 28 }),
            center_node: obj('Aircraft pairing info, from the aircraft properties.', {
              sdr_id: int('Scrambling code.'),
              sn: str('Aircraft SN.'),
            }),
            leaf_nodes: arr(
              'Pairing info of the docks (or remote controllers).',
              obj('Dock or RC pairing info.', {
                sdr_id: int('Scrambling code.'),
                sn: str('Dock or RC SN.'),
                control_source_index: int('Control source index.', { min: 1, max: 2 }),
              }),
            ),
          }),
          dock_infos: arr(
            'The two docks of the task.',
            obj('One dock of the leapfrog task.', {
              dock_type: str('Role of this dock in the task.', { enum: { takeoff: 'take-off dock', landing: 'landing dock' } }),
              latitude: latitude('Dock latitude'),
              longitude: longitude('Dock longitude'),
              height: num('Dock ellipsoidal height.', { unit: 'm' }),
              heading: num('Dock heading.', { min: -180, max: 180, unit: 'degrees' }),
              home_position_is_valid: int('Whether the dock home point is valid.', { enum: { 0: 'invalid', 1: 'valid' } }),
              index: int('Dock index, unique within the task (best kept stable per dock).', { min: 1, max: 31 }),
              sn: str('Dock SN.'),
              rtcm_info: obj('RTK calibration source of the dock.', {
                mount_point: str('Network-RTK mount point.'),
                port: str('Network-RTK port (a string).'),
                host: str('Network-RTK host.'),
                rtcm_device_type: int('Device type.', { enum: { 1: 'dock' } }),
                source_type: int('Calibration type.', {
                  enum: { 0: 'not calibrated', 1: 'self-converged calibration', 2: 'manual calibration', 3: 'network RTK calibration' },
                }),
              }),
              alternate_land_point: obj('Alternate landing point of the dock.', {
                longitude: longitude('Alternate landing point longitude'),
                latitude: latitude('Alternate landing point latitude'),
                height: num('Alternate landing point height (Dock 2 table and Dock 3 example; missing from the Dock 3 table).', { required: false, unit: 'm' }),
                safe_land_height: num('Safe transfer height to the alternate landing point.', { unit: 'm' }),
                is_configured: int('Whether an alternate landing point is set.', { enum: { 0: 'not set', 1: 'set' } }),
              }),
            }),
            { minItems: 2, maxItems: 2 },
          ),
        },
        { required: false, note: 'DJI marks no requiredness inside `multi_dock_task`; every property appears in its example and is required here except `alternate_land_point.height`.' },
      ),
    },
    transport: 'services',
    reply: 'services_reply',
    bid_from: 'flight_id',
    progress: {
      event_method: 'flighttask_progress',
      correlate_by: 'bid',
      status_path: 'output.status',
      percent_path: 'output.progress.percent',
      step_path: 'output.progress.current_step',
      succeeded: ['ok'],
      failed: ['failed', 'rejected', 'canceled', 'timeout', 'partially_done'],
      need_reply: false,
      limits: WAYLINE_FLIGHT_LIMITS,
    },
    docks: 'D1 D2 D3',
    example: { flight_id: '6a1f9d2e-84b3-4c0a-9f57-3e2d1c0b8a71' },
    sources: [DOCK3_WAYLINE + ' § 执行任务, § 上报航线任务进度', 'DEMO cloudapi/wayline/FlighttaskExecuteRequest.java', DEMO_WAYLINE, 'DEMO sample wayline/service/impl/SDKWaylineService.java'],
  },
  {
    command_type: 'flighttask_pause',
    domain: 'wayline',
    summary: 'Pause the running wayline task',
    description:
      'Pauses the running wayline task; the aircraft hovers on the route. The `services_reply` carries only `result`; the pause shows in the running task’s `flighttask_progress` (`status` `paused`, `wayline_mission_state` 7). Resume with `flighttask_recovery`.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_WAYLINE + ' § 航线暂停', DEMO_WAYLINE],
  },
  {
    command_type: 'flighttask_prepare',
    domain: 'wayline',
    summary: 'Send a wayline task to the dock ahead of execution',
    description:
      'Sends a wayline task to the dock: the dock downloads and checks the KMZ `file`, stores the task parameters and waits for `flighttask_execute` with the same `flight_id`. `task_type` (DJI codes): 0 = immediate and 1 = timed, both starting at `execute_time`; 2 = conditional, which may start once its `ready_conditions` hold within their window (the dock then sends the event `flighttask_ready` with the ready flight ids). ' +
      'The `services_reply` carries only `result` (e.g. 314001 distribution failed, 314003 bad wayline file, 314005 MD5 mismatch); no progress events follow until the task is executed. dockgate publishes it with `bid = flight_id`, as DJI’s reference server does. ' +
      'If the docks cannot reach the Internet, give them a reachable NTP server through the `config` device request, or tasks will not run on time.',
    payload: {
      break_point: prepareShapes.break_point,
      executable_conditions: prepareShapes.executable_conditions,
      execute_time: int('Start time, Unix epoch milliseconds (13 digits). DJI needs it for immediate (0) and timed (1) tasks and treats it as optional for conditional (2) ones.', {
        unit: 'ms',
      }),
      exit_wayline_when_rc_lost: int('Wayline behaviour when the RC link is lost: 0 = continue the wayline, 1 = exit the wayline and perform `out_of_control_action`. Keep it consistent with the KMZ file.', {
        note: djiOnlyConstraint('the values 0 and 1'),
      }),
      file: prepareShapes.file,
      flight_id: str('Task id (use a UUID); reused by `flighttask_execute`, `flighttask_undo`, the `flighttask_progress` events and the device request `flighttask_resource_get`. Also used as the message `bid`.', {
        note: TASK_ID_NOTE,
      }),
      out_of_control_action: int('Action when the RC link is lost: 0 = return to home, 1 = hover, 2 = land. DJI currently always sends 0; the dock maps these codes to the flight controller’s own ones.', {
        note: djiOnlyConstraint('the values 0–2'),
      }),
      ready_conditions: prepareShapes.ready_conditions,
      rth_altitude: int('Return-to-home altitude; on a breakpoint resume it also replaces the KMZ take-off security height.', {
        unit: 'm',
        note: djiOnlyConstraint('20–1500 m'),
      }),
      simulate_mission: simulateMission({ required: false }),
      task_type: int('Task type: 0 = immediate, 1 = timed, 2 = conditional. Immediate tasks get the highest media-upload priority.', {
        note: djiOnlyConstraint('the values 0–2'),
      }),
      rth_mode: int('Return-to-home altitude mode: 0 = smart height (the aircraft plans the return altitude), 1 = preset height (`rth_altitude`). DJI docks currently support only 1.', {
        note: djiOnlyConstraint('the values 0 and 1 (optional for DJI, default 1)'),
      }),
      wayline_precision_type: int(
        'Wayline precision (Dock 2/3): 0 = GPS task, starts without waiting for RTK; 1 = high-precision RTK task, after take-off the aircraft waits in the air for RTK convergence (the task cannot be paused meanwhile). DJI recommends 1 by default.',
        {
          required: false,
          enum: { 0: 'GPS task', 1: 'high-precision RTK task' },
          note: `Not in seed 004; DJI's reference server requires it. When omitted dockgate sends ${PREPARE_DEFAULT_WAYLINE_PRECISION_TYPE}.`,
        },
      ),
      flight_safety_advance_check: int(
        'Flight-safety pre-check (Dock 2/3): when on, the aircraft compares its geofence and work-area files with the cloud before the task and fetches newer ones.',
        { required: false, enum: { 0: 'off', 1: 'on' }, note: 'Not in seed 004: DJI-only optional field (default 0), passed through.' },
      ),
    },
    transport: 'services',
    reply: 'services_reply',
    bid_from: 'flight_id',
    wire: {
      data: {
        flight_id: str('Task id.'),
        execute_time: int('Start time, epoch ms; required when task_type is 0 or 1.', { required: false, unit: 'ms' }),
        task_type: int('Task type.', { enum: { 0: 'immediate', 1: 'timed', 2: 'conditional' } }),
        file: prepareShapes.file,
        ready_conditions: prepareShapes.ready_conditions,
        executable_conditions: prepareShapes.executable_conditions,
        break_point: prepareShapes.break_point,
        rth_altitude: int('Return-to-home altitude.', { min: 20, max: 1500, unit: 'm' }),
        rth_mode: int('Return-to-home altitude mode (default 1).', { required: false, enum: { 0: 'smart height', 1: 'preset height' } }),
        out_of_control_action: int('RC-lost action.', { enum: { 0: 'return to home', 1: 'hover', 2: 'land' } }),
        exit_wayline_when_rc_lost: int('Wayline RC-lost behaviour.', { enum: { 0: 'continue the wayline', 1: 'exit the wayline' } }),
        wayline_precision_type: int('Wayline precision (Dock 2/3).', { enum: { 0: 'GPS task', 1: 'high-precision RTK task' } }),
        simulate_mission: simulateMission({ required: false }),
        flight_safety_advance_check: int('Flight-safety pre-check (Dock 2/3).', { required: false, enum: { 0: 'off', 1: 'on' } }),
      },
      translate: (p) => {
        if (p.task_type === 2 && p.ready_conditions === undefined) {
          throw new PayloadTranslationError(
            'payload.ready_conditions',
            'wire_required',
            'DJI requires `ready_conditions` for a conditional task (`task_type` 2).',
          );
        }
        return { ...p, wayline_precision_type: p.wayline_precision_type ?? PREPARE_DEFAULT_WAYLINE_PRECISION_TYPE };
      },
      notes:
        'Requiredness differs. Seed 004 requires `execute_time` (DJI: only for task types 0 and 1) and `rth_mode` (DJI: optional, default 1); those payloads are valid for DJI as they are. ' +
        `DJI expects \`wayline_precision_type\` (Dock 2/3; @NotNull in its reference server), which seed 004 lacks: it is accepted as an optional field and, when omitted, dockgate sends ${PREPARE_DEFAULT_WAYLINE_PRECISION_TYPE} (high-precision RTK, DJI's recommended default). ` +
        'DJI requires `ready_conditions` for a conditional task (`task_type` 2), which the seed makes optional: such a payload without it is rejected with 400 (`wire_required`). `flight_safety_advance_check` is a DJI-only optional field, passed through. DJI’s `wayline_type` appears only on the old generic page and in the reference server, not on the Dock 1/2/3 pages, and is not sent.',
    },
    docks: 'D1 D2 D3',
    example: {
      flight_id: '6a1f9d2e-84b3-4c0a-9f57-3e2d1c0b8a71',
      execute_time: 1767229200000,
      task_type: 1,
      file: { url: 'https://storage.example.com/waylines/roof-inspection.kmz', fingerprint: '9e107d9d372bb6826bd81d3542a419d6' },
      rth_altitude: 100,
      rth_mode: 1,
      out_of_control_action: 0,
      exit_wayline_when_rc_lost: 1,
      executable_conditions: { storage_capacity: 1024 },
      wayline_precision_type: 1,
    },
    sources: [DOCK3_WAYLINE + ' § 下发任务', 'DEMO cloudapi/wayline/FlighttaskPrepareRequest.java (+ FlighttaskFile, ReadyConditions, ExecutableConditions, FlighttaskBreakPoint, SimulateMission)', DEMO_WAYLINE],
  },
  {
    command_type: 'flighttask_recovery',
    domain: 'wayline',
    summary: 'Resume the paused wayline task',
    description:
      'Resumes the wayline task paused with `flighttask_pause`. The `services_reply` carries only `result`; the resume shows in the task’s `flighttask_progress` (`wayline_mission_state` 8).',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_WAYLINE + ' § 航线恢复', DEMO_WAYLINE],
  },
  {
    command_type: 'flighttask_undo',
    domain: 'wayline',
    summary: 'Cancel prepared tasks that have not started',
    description:
      'Cancels tasks sent with `flighttask_prepare` that have not started yet (e.g. timed or conditional tasks). The `services_reply` carries only `result`. A running task cannot be undone: use `return_home`; a task still being prepared after the take-off command can be aborted with `flight_setup_abort` (Dock 1).',
    payload: {
      flight_ids: arr('Ids of the tasks to cancel.', str('Task id given to `flighttask_prepare`.'), { minItems: 1 }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: { flight_ids: ['6a1f9d2e-84b3-4c0a-9f57-3e2d1c0b8a71'] },
    sources: [DOCK3_WAYLINE + ' § 取消任务', 'DEMO cloudapi/wayline/FlighttaskUndoRequest.java'],
  },
  {
    command_type: 'return_home',
    domain: 'wayline',
    summary: 'Return the aircraft to the dock',
    description:
      'One-key return to home: the aircraft leaves its current task, flies back to the dock and lands. The `services_reply` carries `result` and `output.status`. ' +
      'The return is then reported by `return_home_info` events (planned path; leapfrog fields on Dock 2/3), by `flighttask_progress` when a wayline task was running, and by `device_exit_homing_notify` if the aircraft abandons the return (e.g. stick input, obstacles). None of these carries a terminal status tied to this command, so dockgate completes it on the reply. Cancel with `return_home_cancel`.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_WAYLINE + ' § 一键返航, § 返航信息', DEMO_WAYLINE],
  },
  {
    command_type: 'return_home_cancel',
    domain: 'wayline',
    summary: 'Cancel the return to home',
    description:
      'Cancels a running return to home; the aircraft hovers where it is (it already left wayline mode when the return started). The `services_reply` carries only `result`.',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    docks: 'D1 D2 D3',
    example: {},
    sources: [DOCK3_WAYLINE + ' § 取消返航', DEMO_WAYLINE],
  },
];
