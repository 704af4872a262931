/**
 * The `osd` / `state` properties dockgate understands, for docks and aircraft (docs/dji/telemetry.md).
 * Every report is partial (only the properties being reported), so the server merges them into one
 * snapshot per device; properties not listed here are kept as reported, under group `other`.
 *
 * Sources: DJI Cloud API "Device properties" pages of Dock 3 and Dock 2 (push mode 0 = `osd`, 1 =
 * `state`), and the M4D / M3D aircraft property pages (links in docs/dji/telemetry.md).
 */
import { arr, int, latitude, longitude, num, obj, str } from '../fields.js';
import type { Field } from '../types.js';
import type { DeviceKind, PropertyGroup, PushMode, UplinkProperty } from './types.js';

const BASE = 'https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt';
/** DJI page: Dock 3 device properties. */
export const DOCK3_PROPERTIES = `${BASE}/dock/dock3/properties.html`;
/** DJI page: Dock 2 device properties. */
export const DOCK2_PROPERTIES = `${BASE}/dock/dock2/properties.html`;
/** DJI page: M4D / M4TD aircraft properties (Dock 3). */
export const M4D_PROPERTIES = `${BASE}/aircraft/m4d-properties.html`;
/** DJI page: M3D / M3TD aircraft properties (Dock 2). */
export const M3D_PROPERTIES = `${BASE}/aircraft/m3d-properties.html`;

const opt = { required: false } as const;
const DOCK_SRC = [DOCK3_PROPERTIES, DOCK2_PROPERTIES];
const AIRCRAFT_SRC = [M4D_PROPERTIES, M3D_PROPERTIES];

function p(kind: DeviceKind, name: string, push: PushMode, group: PropertyGroup, field: Field): UplinkProperty {
  return { name, kind, push, group, field: { ...field, required: false }, sources: kind === 'dock' ? DOCK_SRC : AIRCRAFT_SRC };
}
const dock = (name: string, push: PushMode, group: PropertyGroup, field: Field) => p('dock', name, push, group, field);
const aircraft = (name: string, push: PushMode, group: PropertyGroup, field: Field) => p('aircraft', name, push, group, field);

const onOff = { 0: 'off', 1: 'on' };

/** Dock properties (Dock 2 / Dock 3 pages). */
export const DOCK_PROPERTIES: UplinkProperty[] = [
  dock('mode_code', 'osd', 'mode', int('Dock state.', { enum: { 0: 'idle', 1: 'on-site debugging', 2: 'remote debugging', 3: 'firmware upgrading', 4: 'working', 5: 'awaiting calibration' } })),
  dock('flighttask_step_code', 'osd', 'mode', int('Dock task state.', {
    enum: { 0: 'preparing the task', 1: 'flying the task', 2: 'post-flight recovery', 3: 'custom flight area updating', 4: 'terrain obstacle updating', 5: 'task idle', 255: 'aircraft abnormal', 256: 'unknown' },
  })),
  dock('cover_state', 'osd', 'cover', int('Dock cover.', { enum: { 0: 'closed', 1: 'open', 2: 'half-open', 3: 'abnormal' } })),
  dock('drone_in_dock', 'osd', 'cover', int('Whether the aircraft is in the dock.', { enum: { 0: 'outside the dock', 1: 'inside the dock' } })),
  dock('drone_charge_state', 'osd', 'charge', obj('Aircraft charging in the dock.', {
    state: int('Charging state.', { enum: { 0: 'idle', 1: 'charging' }, ...opt }),
    capacity_percent: int('Battery level.', { min: 0, max: 100, unit: '%', ...opt }),
  })),
  dock('sub_device', 'osd', 'topology', obj('The aircraft on the dock pad.', {
    device_sn: str('Aircraft SN.', opt),
    device_model_key: str('Aircraft model key `{domain}-{type}-{sub_type}`.', opt),
    device_online_status: int('Aircraft powered on.', { enum: { 0: 'powered off', 1: 'powered on' }, ...opt }),
    device_paired: int('Aircraft paired with the dock.', { enum: { 0: 'not paired', 1: 'paired' }, ...opt }),
  })),
  dock('emergency_stop_state', 'osd', 'safety', int('Emergency stop button.', { enum: { 0: 'released', 1: 'pressed' } })),
  dock('rainfall', 'osd', 'environment', int('Rainfall.', { enum: { 0: 'none', 1: 'light', 2: 'moderate', 3: 'heavy' } })),
  dock('wind_speed', 'osd', 'environment', num('Wind speed at the dock.', { unit: 'm/s' })),
  dock('environment_temperature', 'osd', 'environment', num('Outside temperature.', { unit: '°C' })),
  dock('temperature', 'osd', 'environment', num('Cabin temperature.', { unit: '°C' })),
  dock('humidity', 'osd', 'environment', num('Cabin relative humidity.', { min: 0, max: 100, unit: '%RH' })),
  dock('network_state', 'osd', 'network', obj('Dock network link.', {
    type: int('Network type.', { enum: { 1: '4G', 2: 'Ethernet' }, ...opt }),
    quality: int('Network quality.', { enum: { 0: 'no signal', 1: 'bad', 2: 'poor', 3: 'fair', 4: 'good', 5: 'excellent' }, ...opt }),
    rate: num('Network rate.', { unit: 'KB/s', ...opt }),
  })),
  dock('media_file_detail', 'osd', 'media', obj('Media upload.', { remain_upload: int('Media files waiting to be uploaded.', opt) })),
  dock('job_number', 'osd', 'mode', int('Jobs run by the dock so far.', { unit: 'count' })),
  dock('storage', 'osd', 'storage', obj('Dock storage.', { total: int('Total capacity.', { unit: 'KB', ...opt }), used: int('Used capacity.', { unit: 'KB', ...opt }) })),
  dock('latitude', 'osd', 'position', latitude('Dock latitude')),
  dock('longitude', 'osd', 'position', longitude('Dock longitude')),
  dock('height', 'osd', 'position', num('Dock ellipsoid height.', { unit: 'm' })),
  dock('heading', 'osd', 'position', num('Dock heading.', { min: -180, max: 180, unit: 'degrees' })),
  dock('alarm_state', 'osd', 'safety', int('Dock sound and light alarm.', { enum: onOff })),
  dock('drc_state', 'osd', 'mode', int('DRC link state.', { enum: { 0: 'not connected', 1: 'connecting', 2: 'connected' } })),
  dock('firmware_version', 'state', 'firmware', str('Dock firmware version.', { maxLength: 64 })),
  dock('firmware_upgrade_status', 'state', 'firmware', int('Firmware upgrade.', { enum: { 0: 'not upgrading', 1: 'upgrading' } })),
  dock('compatible_status', 'state', 'firmware', int('Firmware consistency.', { enum: { 0: 'no consistency upgrade needed', 1: 'consistency upgrade needed' } })),
];

const AIRCRAFT_MODES: Record<number, string> = {
  0: 'standby', 1: 'take-off preparation', 2: 'take-off ready', 3: 'manual flight', 4: 'automatic take-off', 5: 'wayline flight',
  6: 'panoramic photo', 7: 'intelligent tracking', 8: 'ADS-B avoidance', 9: 'automatic return to home', 10: 'automatic landing',
  11: 'forced landing', 12: 'three-blade landing', 13: 'upgrading', 14: 'not connected', 15: 'APAS', 16: 'virtual stick', 17: 'live flight controls',
};

/** Aircraft properties (M4D / M3D pages). */
export const AIRCRAFT_PROPERTIES: UplinkProperty[] = [
  aircraft('mode_code', 'osd', 'mode', int('Aircraft flight mode.', { enum: AIRCRAFT_MODES })),
  aircraft('latitude', 'osd', 'position', latitude('Aircraft latitude')),
  aircraft('longitude', 'osd', 'position', longitude('Aircraft longitude')),
  aircraft('height', 'osd', 'position', num('Aircraft ellipsoid height.', { unit: 'm' })),
  aircraft('elevation', 'osd', 'position', num('Height relative to the take-off point.', { unit: 'm' })),
  aircraft('horizontal_speed', 'osd', 'flight', num('Horizontal speed.', { unit: 'm/s' })),
  aircraft('vertical_speed', 'osd', 'flight', num('Vertical speed.', { unit: 'm/s' })),
  aircraft('attitude_head', 'osd', 'flight', num('Heading (yaw), relative to true north.', { min: -180, max: 180, unit: 'degrees' })),
  aircraft('attitude_pitch', 'osd', 'flight', num('Pitch.', { unit: 'degrees' })),
  aircraft('attitude_roll', 'osd', 'flight', num('Roll.', { unit: 'degrees' })),
  aircraft('home_distance', 'osd', 'flight', num('Distance to the home point.', { unit: 'm' })),
  aircraft('wind_speed', 'osd', 'environment', num('Wind speed estimated by the aircraft.', { unit: '0.1 m/s', note: 'DJI reports it in tenths of m/s on the aircraft pages.' })),
  aircraft('wind_direction', 'osd', 'environment', int('Wind direction.', {
    enum: { 1: 'north', 2: 'north-east', 3: 'east', 4: 'south-east', 5: 'south', 6: 'south-west', 7: 'west', 8: 'north-west' },
  })),
  aircraft('battery', 'osd', 'battery', obj('Aircraft battery.', {
    capacity_percent: int('Overall battery level.', { min: 0, max: 100, unit: '%', ...opt }),
    remain_flight_time: int('Remaining flight time.', { unit: 's', ...opt }),
    return_home_power: int('Battery level needed to return home.', { min: 0, max: 100, unit: '%', ...opt }),
    landing_power: int('Battery level at which the aircraft lands.', { min: 0, max: 100, unit: '%', ...opt }),
    batteries: arr('Each battery.', {
      type: 'object', description: 'One battery (further fields as DJI reports them are kept).', required: false, open: true,
    }, opt),
  })),
  aircraft('track_id', 'osd', 'flight', str('Track ID of the current flight.')),
  aircraft('total_flight_time', 'osd', 'flight', num('Accumulated flight time.', { unit: 's' })),
  aircraft('total_flight_distance', 'osd', 'flight', num('Accumulated flight distance.', { unit: 'm' })),
  aircraft('position_state', 'osd', 'position', obj('Satellite positioning.', {
    gps_number: int('GPS satellites.', opt),
    rtk_number: int('RTK satellites.', opt),
    is_fixed: int('RTK fix.', { enum: { 0: 'not started', 1: 'fixing', 2: 'fixed', 3: 'fix failed' }, ...opt }),
    quality: int('Positioning quality.', { enum: { 1: 'level 1', 2: 'level 2', 3: 'level 3', 4: 'level 4', 5: 'level 5', 10: 'RTK fixed' }, ...opt }),
  })),
  aircraft('firmware_version', 'state', 'firmware', str('Aircraft firmware version.', { maxLength: 64 })),
];

/** Every property, docks first. */
export const UPLINK_PROPERTIES: UplinkProperty[] = [...DOCK_PROPERTIES, ...AIRCRAFT_PROPERTIES];
