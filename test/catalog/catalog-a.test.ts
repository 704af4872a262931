/**
 * Catalog checks for the domains device, camera, live and file against seed 004 (the public
 * contract): same command names in seed order, every seed field with the same JSON type and
 * required flag, seed enums/ranges never narrowed, examples valid against our own fields, and the
 * wire translations with concrete input → output.
 *
 * The seed is read from spec/seeds (a verbatim copy of the product seeds; override with DOCKGATE_SEED_004).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cameraCommands } from '../../spec/commands/camera.js';
import { deviceCommands } from '../../spec/commands/device.js';
import { fileCommands } from '../../spec/commands/file.js';
import { liveCommands } from '../../spec/commands/live.js';
import { DOMAINS, PayloadTranslationError, type CommandDef, type Field } from '../../spec/types.js';

const SEED_PATH = process.env.DOCKGATE_SEED_004 ?? fileURLToPath(new URL('../../spec/seeds/004_ef5a29bc4aa32eb7.txt', import.meta.url));

interface SeedField {
  name: string;
  type: string;
  required: boolean;
  description: string;
}
interface SeedCommand {
  domain: string;
  name: string;
  /** The seed row is `payload | object | yes | Empty object {}`. */
  empty: boolean;
  fields: SeedField[];
}

/** Parses seed 004: domain headers are the domain name twice, then `name` + table rows. */
function parseSeed(text: string): SeedCommand[] {
  const lines = text.split('\n').map((l) => l.trim());
  const out: SeedCommand[] = [];
  let domain: string | undefined;
  let current: SeedCommand | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if ((DOMAINS as readonly string[]).includes(line) && lines[i + 1] === line) {
      domain = line;
      i++;
      continue;
    }
    if (domain && /^[a-z][a-z0-9_]*$/.test(line) && lines[i + 1]?.startsWith('| Field')) {
      current = { domain, name: line, empty: false, fields: [] };
      out.push(current);
      continue;
    }
    const row = /^\|?\s*payload(?:\.(\w+))?\s*\|\s*(\w+)\s*\|\s*(yes|no)\s*\|\s*(.*?)\s*\|?$/.exec(line);
    if (row && current) {
      if (row[1] === undefined) current.empty = true;
      else current.fields.push({ name: row[1], type: row[2], required: row[3] === 'yes', description: row[4] });
    }
  }
  return out;
}

/** Codes of a seed description: `0=idle, 1=cooling` or `Camera type: ir, wide, zoom`. */
function seedCodes(description: string): string[] {
  const pairs = [...description.matchAll(/(?:^|[\s:,(])([\w]+)=/g)].map((m) => m[1]);
  if (pairs.length > 0) return pairs;
  const list = /^Camera type:\s*([a-z]+(?:,\s*[a-z]+)+)/.exec(description);
  return list ? list[1].split(',').map((s) => s.trim()) : [];
}

/** First `(a-b` / `(a to b` range of a seed description. */
function seedRange(description: string): { min: number; max: number } | undefined {
  const m = /\((-?\d+(?:\.\d+)?)\s*(?:-|to)\s*(-?\d+(?:\.\d+)?)/.exec(description);
  return m ? { min: Number(m[1]), max: Number(m[2]) } : undefined;
}

/**
 * Test-only conformance of a value to one of our catalog fields (the real validators are
 * generated from the catalog; this only keeps the examples honest). Returns the problems found.
 */
function conform(f: Field, v: unknown, path: string): string[] {
  const bad = (m: string) => [`${path}: ${m}`];
  switch (f.type) {
    case 'string': {
      if (typeof v !== 'string') return bad('not a string');
      if (f.enum && !f.enum.some((e) => e.value === v)) return bad(`not in enum: ${v}`);
      if (f.pattern && !new RegExp(f.pattern).test(v)) return bad(`does not match ${f.pattern}`);
      if (f.minLength !== undefined && v.length < f.minLength) return bad('too short');
      if (f.maxLength !== undefined && v.length > f.maxLength) return bad('too long');
      if (f.maxBytes !== undefined && Buffer.byteLength(v, 'utf8') > f.maxBytes) return bad('too many bytes');
      return [];
    }
    case 'integer':
    case 'number': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return bad('not a number');
      if (f.type === 'integer' && !Number.isInteger(v)) return bad('not an integer');
      if (f.type === 'integer' && f.enum && !f.enum.some((e) => e.value === v)) return bad(`not in enum: ${v}`);
      if (f.minimum !== undefined && v < f.minimum) return bad(`below ${f.minimum}`);
      if (f.maximum !== undefined && v > f.maximum) return bad(`above ${f.maximum}`);
      return [];
    }
    case 'boolean':
      return typeof v === 'boolean' ? [] : bad('not a boolean');
    case 'array': {
      if (!Array.isArray(v)) return bad('not an array');
      if (f.minItems !== undefined && v.length < f.minItems) return bad('too few items');
      if (f.maxItems !== undefined && v.length > f.maxItems) return bad('too many items');
      return v.flatMap((item, i) => conform(f.items, item, `${path}[${i}]`));
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad('not an object');
      if (f.open) return [];
      return conformObject(f.properties ?? {}, v as Record<string, unknown>, path);
    }
  }
}

function conformObject(props: Record<string, Field>, v: Record<string, unknown>, path: string): string[] {
  const problems: string[] = [];
  for (const [k, f] of Object.entries(props)) {
    if (k in v) problems.push(...conform(f, v[k], `${path}.${k}`));
    else if (f.required) problems.push(`${path}.${k}: missing`);
  }
  for (const k of Object.keys(v)) if (!(k in props)) problems.push(`${path}.${k}: not allowed`);
  return problems;
}

const seed = parseSeed(readFileSync(SEED_PATH, 'utf8'));
const ours: Record<string, CommandDef[]> = {
  device: deviceCommands,
  camera: cameraCommands,
  live: liveCommands,
  file: fileCommands,
};

describe('seed 004 parser', () => {
  it('finds all 83 commands of the 9 domains', () => {
    expect(seed).toHaveLength(83);
    expect(new Set(seed.map((c) => c.domain))).toEqual(new Set(DOMAINS));
  });
});

describe.each(Object.entries(ours))('domain %s', (domain, list) => {
  const seedList = seed.filter((c) => c.domain === domain);

  it('has exactly the seed commands, in seed order', () => {
    expect(list.map((c) => c.command_type)).toEqual(seedList.map((c) => c.name));
    expect(list.every((c) => c.domain === domain)).toBe(true);
  });

  describe.each(seedList.map((s) => [s.name, s] as const))('%s', (name, s) => {
    const cmd = list.find((c) => c.command_type === name)!;

    it('keeps every seed field with the same type and required flag', () => {
      expect(cmd).toBeDefined();
      if (s.empty) {
        expect(cmd.payload).toEqual({});
        return;
      }
      for (const sf of s.fields) {
        const f = cmd.payload[sf.name];
        expect(f, `payload.${sf.name}`).toBeDefined();
        expect(f.type, `payload.${sf.name} type`).toBe(sf.type);
        expect(f.required, `payload.${sf.name} required`).toBe(sf.required);
        expect(f.description.length, `payload.${sf.name} description`).toBeGreaterThan(0);
        expect(f.description).not.toMatch(/Method payload field/);
      }
    });

    it('adds only optional fields beyond the seed, each with a "widened from seed" note', () => {
      const seedNames = new Set(s.fields.map((f) => f.name));
      for (const [k, f] of Object.entries(cmd.payload)) {
        if (seedNames.has(k)) continue;
        expect(f.required, `payload.${k}`).toBe(false);
        expect(f.note ?? '', `payload.${k} note`).toMatch(/widened from seed/i);
      }
    });

    it('never narrows a seed enum or range', () => {
      for (const sf of s.fields) {
        const f = cmd.payload[sf.name];
        const codes = seedCodes(sf.description);
        if (codes.length > 0) {
          expect(f.type === 'integer' || f.type === 'string', `payload.${sf.name}`).toBe(true);
          const values = (f.type === 'integer' || f.type === 'string' ? (f.enum ?? []) : []).map((e) => String(e.value));
          for (const c of codes) expect(values, `payload.${sf.name} code ${c}`).toContain(c);
        }
        const range = seedRange(sf.description);
        if (range && (f.type === 'integer' || f.type === 'number')) {
          expect(f.minimum, `payload.${sf.name} minimum`).toBeDefined();
          expect(f.maximum, `payload.${sf.name} maximum`).toBeDefined();
          expect(f.minimum!).toBeLessThanOrEqual(range.min);
          expect(f.maximum!).toBeGreaterThanOrEqual(range.max);
        }
      }
    });

    it('has a summary, description, docks, sources and a valid example', () => {
      expect(cmd.summary.length).toBeGreaterThan(0);
      expect(cmd.summary).not.toMatch(/\n/);
      expect(cmd.description.length).toBeGreaterThan(40);
      expect(cmd.docks).toMatch(/^D[123]( D[123])*$/);
      expect(cmd.sources.length).toBeGreaterThan(0);
      expect(conformObject(cmd.payload, cmd.example, 'payload')).toEqual([]);
      if (cmd.wire?.translate) {
        expect(conformObject(cmd.wire.data, cmd.wire.translate(structuredClone(cmd.example)), 'data')).toEqual([]);
      }
    });
  });
});

describe('protocol facts', () => {
  const all = Object.values(ours).flat();

  it('publishes every command of these domains on services and expects a services_reply', () => {
    for (const c of all) {
      expect(c.transport, c.command_type).toBe('services');
      expect(c.reply, c.command_type).toBe('services_reply');
    }
  });

  it('tracks progress for the remote-debug commands (same method, by bid) and fileupload_start only', () => {
    const remoteDebug = [
      'charge_close', 'charge_open', 'cover_close', 'cover_force_close', 'cover_open', 'device_format',
      'device_reboot', 'drone_close', 'drone_format', 'drone_open', 'putter_close', 'putter_open',
    ];
    const tracked = all.filter((c) => c.progress).map((c) => c.command_type);
    expect(tracked.sort()).toEqual([...remoteDebug, 'fileupload_start'].sort());
    for (const name of remoteDebug) {
      const p = all.find((c) => c.command_type === name)!.progress!;
      expect(p.event_method).toBe(name);
      expect(p.correlate_by).toBe('bid');
      expect(p.status_path).toBe('output.status');
      expect(p.succeeded).toEqual(['ok']);
    }
    // drone_open events carry no progress block on the DJI pages.
    expect(all.find((c) => c.command_type === 'drone_open')!.progress!.percent_path).toBeUndefined();
    const upload = all.find((c) => c.command_type === 'fileupload_start')!.progress!;
    expect(upload).toMatchObject({ event_method: 'fileupload_progress', correlate_by: 'bid', status_path: 'output.status', need_reply: false });
  });

  it('has a wire form only where the seed and DJI disagree on the wire', () => {
    expect(all.filter((c) => c.wire).map((c) => c.command_type)).toEqual(['camera_exposure_set']);
    for (const c of all.filter((c) => c.wire)) {
      expect(Boolean(c.wire!.translate) !== Boolean(c.wire!.untranslatable), c.command_type).toBe(true);
      expect(c.wire!.notes.length).toBeGreaterThan(20);
    }
  });
});

describe('camera_exposure_set wire translation', () => {
  const translate = cameraCommands.find((c) => c.command_type === 'camera_exposure_set')!.wire!.translate!;

  it('publishes the string code as the equal integer and leaves other fields unchanged', () => {
    const payload = { payload_index: '81-0-0', camera_type: 'zoom', exposure_value: '16' };
    expect(translate(payload)).toEqual({ payload_index: '81-0-0', camera_type: 'zoom', exposure_value: 16 });
    expect(payload.exposure_value).toBe('16');
    expect(translate({ payload_index: '39-0-7', camera_type: 'wide', exposure_value: '1' })).toEqual({
      payload_index: '39-0-7',
      camera_type: 'wide',
      exposure_value: 1,
    });
    expect(translate({ payload_index: '39-0-7', camera_type: 'wide', exposure_value: '31' }).exposure_value).toBe(31);
    expect(translate({ payload_index: '39-0-7', camera_type: 'wide', exposure_value: '255' }).exposure_value).toBe(255);
  });

  it('throws PayloadTranslationError naming the field for a value that is not a code', () => {
    for (const bad of ['32', '0', '016', '+5', '16.0', 'abc', 16]) {
      let err: unknown;
      try {
        translate({ payload_index: '39-0-7', camera_type: 'wide', exposure_value: bad });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(bad)).toBeInstanceOf(PayloadTranslationError);
      expect((err as PayloadTranslationError).field).toBe('payload.exposure_value');
      expect((err as PayloadTranslationError).rule).toBe('wire_integer_code');
    }
  });

  it('keeps the public enum and the wire enum the same set of codes', () => {
    const cmd = cameraCommands.find((c) => c.command_type === 'camera_exposure_set')!;
    const pub = cmd.payload.exposure_value;
    const wire = cmd.wire!.data.exposure_value;
    expect(pub.type).toBe('string');
    expect(wire.type).toBe('integer');
    const pubCodes = pub.type === 'string' ? pub.enum!.map((e) => Number(e.value)) : [];
    const wireCodes = wire.type === 'integer' ? wire.enum!.map((e) => e.value) : [];
    expect(wireCodes).toEqual(pubCodes);
    expect(pubCodes).toEqual([...Array.from({ length: 31 }, (_, i) => i + 1), 255]);
    expect(pub.type === 'string' && pub.enum!.find((e) => e.value === '2')!.meaning).toBe('-4.7 EV');
    expect(pub.type === 'string' && pub.enum!.find((e) => e.value === '16')!.meaning).toBe('0 EV');
    expect(pub.type === 'string' && pub.enum!.find((e) => e.value === '31')!.meaning).toBe('+5.0 EV');
  });
});
