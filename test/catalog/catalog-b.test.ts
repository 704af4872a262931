/**
 * Catalog part B (domains drc, wayline, psdk, safety, firmware; device requests) against seed 004
 * (the public contract) and the DJI wire translations.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { drcCommands } from '../../spec/commands/drc.js';
import { firmwareCommands } from '../../spec/commands/firmware.js';
import { psdkCommands } from '../../spec/commands/psdk.js';
import { safetyCommands } from '../../spec/commands/safety.js';
import { waylineCommands } from '../../spec/commands/wayline.js';
import { deviceRequests, deviceRequestsByType } from '../../spec/requests.js';
import { DOMAINS, PayloadTranslationError, type CommandDef, type Domain, type Field } from '../../spec/types.js';

/** Verbatim copy of the product seed in the repository (override with DOCKGATE_SEED_004). */
const SEED_004 = process.env.DOCKGATE_SEED_004 ?? fileURLToPath(new URL('../../spec/seeds/004_ef5a29bc4aa32eb7.txt', import.meta.url));

interface SeedField {
  name: string;
  type: string;
  required: boolean;
  description: string;
}
interface SeedCommand {
  domain: Domain;
  name: string;
  /** Empty for `payload | object | yes | Empty object {}`. */
  fields: SeedField[];
}

/**
 * Seed 004 layout: a domain header is the domain name on two consecutive lines; a command is its
 * name on the line before `| Field | Type | Required | Description |`; rows are
 * `payload.x | type | yes/no | description |` (or `payload | object | yes | Empty object {} |`).
 */
function parseSeed004(text: string): SeedCommand[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const out: SeedCommand[] = [];
  let domain: Domain | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    if ((DOMAINS as readonly string[]).includes(line) && next === line) {
      domain = line as Domain;
      i++;
    } else if (next.startsWith('| Field |')) {
      if (!domain) throw new Error(`command ${line} before any domain header`);
      out.push({ domain, name: line, fields: [] });
    } else if (/^\|?\s*payload[\s.|]/.test(line)) {
      const cells = line.replace(/^\|/, '').split('|').map((c) => c.trim());
      const [path, type, req, description] = cells as [string, string, string, string];
      const cmd = out[out.length - 1]!;
      if (path === 'payload') continue; // empty payload `{}`
      cmd.fields.push({ name: path.slice('payload.'.length), type, required: req === 'yes', description });
    }
  }
  return out;
}

const seed = parseSeed004(readFileSync(SEED_004, 'utf8'));
const MINE: Record<string, CommandDef[]> = {
  drc: drcCommands,
  wayline: waylineCommands,
  psdk: psdkCommands,
  safety: safetyCommands,
  firmware: firmwareCommands,
};
const mineByType = new Map(Object.values(MINE).flat().map((c) => [c.command_type, c]));

function command(type: string): CommandDef {
  const c = mineByType.get(type);
  if (!c) throw new Error(`no command ${type}`);
  return c;
}

function translate(type: string, payload: Record<string, unknown>): Record<string, unknown> {
  const t = command(type).wire?.translate;
  if (!t) throw new Error(`${type} has no wire.translate`);
  return t(payload);
}

function translationError(type: string, payload: Record<string, unknown>): PayloadTranslationError {
  try {
    translate(type, payload);
  } catch (e) {
    expect(e).toBeInstanceOf(PayloadTranslationError);
    return e as PayloadTranslationError;
  }
  throw new Error(`${type}: expected a PayloadTranslationError`);
}

describe('seed 004 parser', () => {
  it('finds the 83 commands of the 9 domains', () => {
    expect(seed).toHaveLength(83);
    expect(new Set(seed.map((c) => c.domain))).toEqual(new Set(DOMAINS));
  });
});

describe.each(Object.entries(MINE))('domain %s', (domain, list) => {
  const seedCmds = seed.filter((c) => c.domain === domain);

  it('has exactly the seed 004 commands, in seed order', () => {
    expect(seedCmds.length).toBeGreaterThan(0);
    expect(list.map((c) => c.command_type)).toEqual(seedCmds.map((c) => c.name));
    for (const c of list) expect(c.domain).toBe(domain);
  });

  it.each(seedCmds.map((s) => [s.name, s] as const))('%s keeps every seed field with its type and required flag', (_name, s) => {
    const c = command(s.name);
    if (s.fields.length === 0) {
      expect(c.payload).toEqual({});
      return;
    }
    for (const f of s.fields) {
      const field = c.payload[f.name];
      expect(field, `${s.name}.${f.name}`).toBeDefined();
      expect(field!.type, `${s.name}.${f.name} type`).toBe(f.type);
      expect(field!.required, `${s.name}.${f.name} required`).toBe(f.required);
    }
    // Fields beyond the seed widen the contract only if optional: every seed payload stays valid.
    const seedNames = new Set(s.fields.map((f) => f.name));
    for (const [name, field] of Object.entries(c.payload)) {
      if (!seedNames.has(name)) expect(field.required, `${s.name}.${name} (not in seed) must be optional`).toBe(false);
    }
  });

  it.each(seedCmds.flatMap((s) => s.fields.map((f) => [`${s.name}.${f.name}`, s.name, f] as const)))(
    '%s keeps the seed code list and range (never narrower)',
    (_label, name, f) => {
      const field = command(name).payload[f.name]! as Field & { minimum?: number; maximum?: number; maxBytes?: number };
      const codes = [...f.description.matchAll(/(?:^|[\s(:,])(-?\d+)=/g)].map((m) => Number(m[1]));
      if (f.type === 'integer' && codes.length) {
        const values = (field as { enum?: { value: number }[] }).enum?.map((m) => m.value);
        expect(values, `${name}.${f.name} enum`).toBeDefined();
        for (const code of codes) expect(values).toContain(code);
      }
      const range = /\((-?\d+)\s*(?:-|to)\s*(-?\d+)/.exec(f.description);
      if (range && (f.type === 'integer' || f.type === 'number')) {
        const [lo, hi] = [Number(range[1]), Number(range[2])];
        if (field.minimum === undefined) expect(field.note ?? '').toMatch(/[Ww]idened/);
        else expect(field.minimum).toBeLessThanOrEqual(lo);
        if (field.maximum === undefined) expect(field.note ?? '').toMatch(/[Ww]idened/);
        else expect(field.maximum).toBeGreaterThanOrEqual(hi);
      }
      const minOnly = /\(min: (-?\d+)\)/.exec(f.description);
      if (minOnly) expect(field.minimum).toBeLessThanOrEqual(Number(minOnly[1]));
      const bytes = /max (\d+) bytes/.exec(f.description);
      if (bytes) expect(field.maxBytes).toBeGreaterThanOrEqual(Number(bytes[1]));
    },
  );

  it('has one of translate / untranslatable on every wire form', () => {
    for (const c of list.filter((x) => x.wire)) {
      expect(Boolean(c.wire!.translate) !== Boolean(c.wire!.untranslatable), c.command_type).toBe(true);
      expect(c.wire!.notes.length, c.command_type).toBeGreaterThan(40);
    }
  });
});

describe('protocol facts', () => {
  it('sends the four DRC methods on drc/down with their DJI reply behaviour', () => {
    const drc = Object.fromEntries(drcCommands.map((c) => [c.command_type, [c.transport, c.reply]]));
    expect(drc).toMatchObject({
      drone_control: ['drc/down', 'none'],
      drone_emergency_stop: ['drc/down', 'drc/up'],
      heart_beat: ['drc/down', 'drc/up'],
      stick_control: ['drc/down', 'none'],
      drc_mode_enter: ['services', 'services_reply'],
      takeoff_to_point: ['services', 'services_reply'],
    });
    const drcDown = drcCommands.filter((c) => c.transport === 'drc/down').map((c) => c.command_type);
    expect(drcDown.sort()).toEqual(['drone_control', 'drone_emergency_stop', 'heart_beat', 'stick_control']);
  });

  it('tracks fly-to and take-off by their task ids, wayline and OTA by bid', () => {
    expect(command('fly_to_point').progress).toMatchObject({
      event_method: 'fly_to_point_progress',
      correlate_by: { payload_field: 'fly_to_id', event_field: 'fly_to_id' },
      status_path: 'status',
      succeeded: ['wayline_ok'],
    });
    expect(command('takeoff_to_point').progress).toMatchObject({
      event_method: 'takeoff_to_point_progress',
      correlate_by: { payload_field: 'flight_id', event_field: 'flight_id' },
      status_path: 'status',
    });
    expect(command('flighttask_execute')).toMatchObject({
      bid_from: 'flight_id',
      progress: { event_method: 'flighttask_progress', correlate_by: 'bid', status_path: 'output.status' },
    });
    expect(command('flighttask_execute').progress!.failed).toContain('partially_done');
    expect(command('ota_create').progress).toMatchObject({ event_method: 'ota_progress', correlate_by: 'bid' });
  });
});

describe('wire translations', () => {
  it('heart_beat keeps seq and timestamp in data', () => {
    expect(translate('heart_beat', { seq: 7, timestamp: 1767225600000 })).toEqual({ timestamp: 1767225600000, seq: 7 });
  });

  it('takeoff_to_point fills the documented max_speed default only when omitted', () => {
    const { max_speed: _omit, ...withoutSpeed } = command('takeoff_to_point').example;
    const out = translate('takeoff_to_point', withoutSpeed);
    expect(out).toEqual({ ...withoutSpeed, max_speed: 12 });
    expect(translate('takeoff_to_point', { ...withoutSpeed, max_speed: 5 }).max_speed).toBe(5);
  });

  it('flighttask_create maps the seed shape onto DJI {flight_id, type, file{url, sign}}', () => {
    const payload = {
      flighttask_id: 'f-1',
      task_type: 'timed',
      execute_time: 1767229200000,
      wayline_type: 'mapping_2d',
      wayline_file: 'https://s.example.com/a.kmz',
      wayline_file_sign: 'abc123',
      out_of_control_action: 'hover',
      rth_mode: 1,
    };
    expect(translate('flighttask_create', payload)).toEqual({
      flight_id: 'f-1',
      type: 'wayline',
      file: { url: 'https://s.example.com/a.kmz', sign: 'abc123' },
    });
  });

  it('flighttask_create rejects a payload without the KMZ URL or MD5', () => {
    const base = { flighttask_id: 'f-1', task_type: 'immediate', wayline_type: 'wayline', out_of_control_action: 'hover' };
    const noUrl = translationError('flighttask_create', { ...base, wayline_file_sign: 'abc' });
    expect([noUrl.field, noUrl.rule]).toEqual(['payload.wayline_file', 'wire_required']);
    const noSign = translationError('flighttask_create', { ...base, wayline_file: 'https://s.example.com/a.kmz' });
    expect([noSign.field, noSign.rule]).toEqual(['payload.wayline_file_sign', 'wire_required']);
  });

  it('flighttask_prepare defaults wayline_precision_type to 1 and keeps a given one', () => {
    const base = { ...command('flighttask_prepare').example };
    delete base.wayline_precision_type;
    expect(translate('flighttask_prepare', base)).toEqual({ ...base, wayline_precision_type: 1 });
    expect(translate('flighttask_prepare', { ...base, wayline_precision_type: 0 }).wayline_precision_type).toBe(0);
  });

  it('flighttask_prepare rejects a conditional task without ready_conditions', () => {
    const base = { ...command('flighttask_prepare').example, task_type: 2 };
    const e = translationError('flighttask_prepare', base);
    expect([e.field, e.rule]).toEqual(['payload.ready_conditions', 'wire_required']);
    const ready = { battery_capacity: 60, begin_time: 1767229200000, end_time: 1767236400000 };
    expect(translate('flighttask_prepare', { ...base, ready_conditions: ready }).ready_conditions).toEqual(ready);
  });

  it.each(['custom_data_transmission_to_esdk', 'custom_data_transmission_to_psdk'])('%s sends the JSON text of data as value', (type) => {
    expect(translate(type, { payload_index: '65534-0-0', data: { cmd: 'start', n: 2 } })).toEqual({ value: '{"cmd":"start","n":2}' });
  });

  it.each(['custom_data_transmission_to_esdk', 'custom_data_transmission_to_psdk'])('%s enforces DJI value < 256 bytes (UTF-8)', (type) => {
    // `{"s":"…"}` adds 8 bytes around the string.
    const fits = { data: { s: 'x'.repeat(247) } };
    expect((translate(type, fits).value as string).length).toBe(255);
    const e = translationError(type, { data: { s: 'x'.repeat(248) } });
    expect([e.field, e.rule]).toEqual(['payload.data', 'wire_max_bytes']);
    // 124 × 'é' is 124 characters but 248 bytes: too long on the wire.
    expect(translationError(type, { data: { s: 'é'.repeat(124) } }).rule).toBe('wire_max_bytes');
  });

  it('speaker_play_volume_set drops the seed-only index', () => {
    expect(translate('speaker_play_volume_set', { psdk_index: 2, index: 5, play_volume: 40 })).toEqual({ psdk_index: 2, play_volume: 40 });
  });

  it('flight_areas_get is published unchanged and says why', () => {
    const w = command('flight_areas_get').wire!;
    expect(w.translate).toBeUndefined();
    expect(w.untranslatable).toMatch(/request/);
  });
});

describe('device requests', () => {
  it('lists the DJI dock-to-cloud requests with their reply form', () => {
    expect(deviceRequests.map((r) => r.request_type)).toEqual([
      'config',
      'airport_bind_status',
      'airport_organization_get',
      'airport_organization_bind',
      'storage_config_get',
      'flighttask_resource_get',
      'flighttask_progress_get',
      'flight_areas_get',
    ]);
    for (const r of deviceRequests) {
      const flat = r.request_type === 'config';
      expect([r.request_type, r.reply_form, r.auto_reply]).toEqual([r.request_type, flat ? 'flat' : 'wrapped', flat]);
      if (!flat) expect(Object.keys(r.reply)).toEqual(['result', 'output']);
      expect(deviceRequestsByType.get(r.request_type)).toBe(r);
    }
  });

  it('gives each request a DJI-shaped example (flight_areas_get: data null)', () => {
    expect(deviceRequestsByType.get('flight_areas_get')!.example).toBeNull();
    for (const r of deviceRequests.filter((x) => x.request_type !== 'flight_areas_get')) {
      expect(Object.keys(r.example ?? {}).sort(), r.request_type).toEqual(Object.keys(r.data).sort());
    }
  });
});
