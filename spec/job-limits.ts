/**
 * The limits on progress-tracked jobs once the dock has accepted them (`ProgressSpec.limits`,
 * docs/lifecycle.md § "Long jobs"). Each catalog entry with `progress` names one of these; the
 * values are data, chosen from DJI's published behaviour (the pages below; docs/dji/
 * events-and-progress.md summarises them), and deliberately generous: they only end a job whose
 * dock has stopped reporting. A dock that is still talking ends its job itself, since DJI's job
 * statuses include `timeout`, `failed` and `canceled`.
 *
 * - `silence_seconds`: the longest gap between two progress events that a healthy dock can leave.
 * - `max_duration_seconds`: the longest a job of that kind can physically run, counted from
 *   delivery.
 */
import type { JobLimits } from './types.js';

const D3 = 'https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3';

const minutes = (m: number) => m * 60;

/**
 * Cover, putter, charging, aircraft power: mechanical remote-debug jobs the DJI Dock 3 cmd page
 * (`${D3}/cmd.html`) reports with `output.progress.percent` and `step_key` while they run. They
 * take seconds to a minute or two.
 */
export const REMOTE_DEBUG_LIMITS: JobLimits = {
  silence_seconds: 120,
  max_duration_seconds: minutes(10),
  why:
    `Mechanical remote-debug jobs (cover, putter, charging, aircraft power) take seconds to a minute or two and are reported step by step with a percent (DJI Dock 3 cmd page, ${D3}/cmd.html). ` +
    'Two minutes without an event is far beyond any step; ten minutes bounds even a cover that is retried against wind or ice.',
};

/** `device_reboot`: the dock goes off the broker while it restarts, so its events pause for minutes. */
export const REBOOT_LIMITS: JobLimits = {
  silence_seconds: minutes(10),
  max_duration_seconds: minutes(20),
  why:
    `device_reboot reports progress like the other remote-debug jobs (DJI Dock 3 cmd page, ${D3}/cmd.html), but a restarting dock drops its MQTT connection, so its events can only resume once it has reconnected, minutes later. ` +
    'Ten minutes of silence covers a restart with a slow network attach; twenty minutes bounds the whole reboot.',
};

/** `device_format`, `drone_format`: storage formatting, minutes on a full card. */
export const FORMAT_LIMITS: JobLimits = {
  silence_seconds: minutes(5),
  max_duration_seconds: minutes(30),
  why:
    `Formatting the dock's or the aircraft's storage is a remote-debug job reported with a percent (DJI Dock 3 cmd page, ${D3}/cmd.html); on a full card a step can take minutes. ` +
    'Five minutes without an event, thirty minutes in all.',
};

/**
 * `flighttask_execute`: a wayline flight. `flighttask_progress` runs from take-off preparation
 * through the flight, return and landing (DJI Dock 3 wayline page); one battery carries tens of
 * minutes of flight, and a task can be paused (`flighttask_pause`) and resumed.
 */
export const WAYLINE_FLIGHT_LIMITS: JobLimits = {
  silence_seconds: minutes(5),
  max_duration_seconds: minutes(4 * 60),
  why:
    `flighttask_progress is pushed throughout a wayline task, from preparation through flight, return and landing (DJI Dock 3 wayline page, ${D3}/wayline.html, § 上报航线任务进度); ` +
    'an aircraft flies tens of minutes on one battery, and a task may be paused and resumed (§ 航线暂停, § 航线恢复). ' +
    'Five minutes of silence allows for a link drop while the aircraft returns on its own; four hours bounds a paused and resumed task with landing and media upload.',
};

/** `fly_to_point`, `takeoff_to_point`: one flight to a target, within one battery. */
export const POINT_FLIGHT_LIMITS: JobLimits = {
  silence_seconds: minutes(3),
  max_duration_seconds: minutes(60),
  why:
    `fly_to_point_progress / takeoff_to_point_progress are pushed while the aircraft flies to the target (DJI Dock 3 drc page, ${D3}/drc.html); the flight ends within one battery (tens of minutes). ` +
    'Three minutes of silence allows for a short link drop; one hour bounds a flight that a battery can carry.',
};

/** `ota_create`: firmware download (hundreds of MB) then installation with device restarts. */
export const OTA_LIMITS: JobLimits = {
  silence_seconds: minutes(15),
  max_duration_seconds: minutes(2 * 60),
  why:
    `ota_progress reports download_firmware then upgrade_firmware (DJI Dock 3 firmware page, ${D3}/firmware.html); packages run to hundreds of MB (the catalog example's file_size is 653 MB) over the dock's network, and a device that restarts to install drops off MQTT meanwhile. ` +
    'Fifteen minutes of silence covers a restart during installation; two hours bounds a slow download plus installation.',
};

/** `fileupload_start`: log files uploaded from dock and aircraft to object storage. */
export const LOG_UPLOAD_LIMITS: JobLimits = {
  silence_seconds: minutes(10),
  max_duration_seconds: minutes(2 * 60),
  why:
    `fileupload_progress reports each file's upload to object storage (DJI Dock 3 log page, ${D3}/log.html); log archives reach hundreds of MB over a dock's 4G or wired uplink. ` +
    'Ten minutes of silence between reports, two hours in all.',
};

/** `speaker_*_play_start`: download of the audio or text, then playback on the PSDK speaker. */
export const SPEAKER_LIMITS: JobLimits = {
  silence_seconds: minutes(2),
  max_duration_seconds: minutes(30),
  why:
    `The speaker progress events report the download and playback of the audio or text (DJI Dock 3 psdk page, ${D3}/psdk.html); a clip lasts seconds to minutes. ` +
    'Two minutes of silence, thirty minutes in all.',
};
