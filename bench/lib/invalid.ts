/**
 * The fixed set of invalid create-command requests shown to the mock and to Prism. Each is a
 * valid catalog example with one thing broken; the name says what. A server "rejects" one when
 * it answers 4xx (the mock: 400/415 with our error envelope; Prism: its 4xx for a request that
 * violates the spec). Bodies are raw strings so non-JSON and wrong media types can be sent too.
 */

export interface InvalidCase {
  name: string;
  /** What is wrong, for the results table. */
  what: string;
  body: string;
  contentType?: string;
}

const base = (over: Record<string, unknown>, drop: string[] = []): string => {
  const b: Record<string, unknown> = {
    vendor: 'dji',
    device_id: 'BENCHDOCK00',
    command_type: 'air_conditioner_mode_switch',
    payload: { action: 1 },
    idempotency_key: 'bench-invalid',
    ...over,
  };
  for (const d of drop) delete b[d];
  return JSON.stringify(b);
};

const flyTo = (points: unknown[], extra: Record<string, unknown> = {}) =>
  base({ command_type: 'fly_to_point', payload: { fly_to_id: '4d8f3c3a-6f0e-4e7b-9a51-2c1d2b7f9e10', max_speed: 12, points, ...extra } });
const point = { latitude: 22.579231, longitude: 113.937458, height: 120.5 };

export const INVALID_CASES: InvalidCase[] = [
  { name: 'bad_enum', what: 'air_conditioner_mode_switch payload.action = 7 (enum 0–3)', body: base({ payload: { action: 7 } }) },
  { name: 'missing_payload_field', what: 'camera_mode_switch without payload.camera_mode', body: base({ command_type: 'camera_mode_switch', payload: { payload_index: '81-0-0' } }) },
  { name: 'missing_envelope_field', what: 'no device_id', body: base({}, ['device_id']) },
  { name: 'missing_idempotency_key', what: 'no idempotency_key', body: base({}, ['idempotency_key']) },
  { name: 'extra_payload_field', what: 'payload.speed beside payload.action (payload is closed)', body: base({ payload: { action: 1, speed: 3 } }) },
  { name: 'extra_envelope_field', what: 'top-level priority: 1 (body is closed)', body: base({ priority: 1 }) },
  { name: 'out_of_range', what: 'speaker_play_volume_set payload.play_volume = 150 (0–100)', body: base({ command_type: 'speaker_play_volume_set', payload: { psdk_index: 2, index: 0, play_volume: 150 } }) },
  { name: 'nested_out_of_range', what: 'fly_to_point payload.points[0].latitude = 91', body: flyTo([{ ...point, latitude: 91 }]) },
  { name: 'wrong_type', what: 'fly_to_point payload.max_speed = "12" (string for integer)', body: flyTo([point], { max_speed: '12' }) },
  { name: 'not_integer', what: 'air_conditioner_mode_switch payload.action = 1.5', body: base({ payload: { action: 1.5 } }) },
  { name: 'too_many_items', what: 'fly_to_point with 2 points (maxItems 1)', body: flyTo([point, point]) },
  { name: 'pattern', what: 'live_set_quality payload.video_id = "nope" (pattern a/b/c)', body: base({ command_type: 'live_set_quality', payload: { video_id: 'nope', video_quality: 3 } }) },
  { name: 'max_bytes', what: 'custom_data_transmission_to_psdk payload.data of 400 bytes (DJI limit 255)', body: base({ command_type: 'custom_data_transmission_to_psdk', payload: { payload_index: '65534-0-0', data: { text: 'x'.repeat(390) } } }) },
  { name: 'unknown_command_type', what: 'command_type = "self_destruct"', body: base({ command_type: 'self_destruct', payload: {} }) },
  { name: 'bad_vendor', what: 'vendor = "acme"', body: base({ vendor: 'acme' }) },
  { name: 'timeout_out_of_range', what: 'timeout_seconds = 301 (0–300)', body: base({ timeout_seconds: 301 }) },
  { name: 'empty_idempotency_key', what: 'idempotency_key = "" (1–255 chars)', body: base({ idempotency_key: '' }) },
  { name: 'payload_not_object', what: 'payload = [1]', body: base({ payload: [1] }) },
  { name: 'body_not_object', what: 'body = [] (JSON, not an object)', body: '[]' },
  { name: 'non_json', what: 'body is not JSON', body: '{"vendor": "dji", ' },
  { name: 'wrong_content_type', what: 'valid JSON sent as text/plain', body: base({}), contentType: 'text/plain' },
];
