/**
 * The ahead-of-time validators (generated/server/validators.js) against generated/examples.json:
 * every command's valid example passes, every invalid one fails with an issue naming the expected
 * field and rule; plus the create-command precedence, query coercion and issue wording of
 * docs/internals/contracts.md. Uses a fresh in-memory generation of the current catalog (surface-tree.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExamplesFile } from '../../generator/emitters/examples.js';
import { catalog, syntheticCommand } from './helpers.js';
import { REPO, surfaceTree, type SurfaceTree } from './surface-tree.js';

type Issue = { field: string; rule: string; message: string };
type Result = { ok: true; value: any } | { ok: false; code: string; issues: Issue[] };
type Validators = Record<string, (...a: any[]) => Result> & { commandTypes: readonly string[] };

let tree: SurfaceTree;
let v: Validators;
let examples: ExamplesFile;
const PROBE = 'zz_validator_probe';

beforeAll(async () => {
  const cat = await catalog();
  // The synthetic command carries every constraint kind even while the catalog is incomplete.
  tree = await surfaceTree({ ...cat, commands: [...cat.commands, syntheticCommand(PROBE)] });
  v = await tree.load<Validators>('generated/server/validators.js');
  examples = JSON.parse(tree.text('generated/examples.json'));
}, 180_000);
afterAll(() => tree?.remove());

const fmt = (r: Result) => (r.ok ? 'ok' : `${r.code} ${JSON.stringify(r.issues)}`);

describe('examples.json through the generated validators', () => {
  it('covers every catalog command', () => {
    expect(Object.keys(examples.commands).sort()).toEqual([...v.commandTypes].sort());
    expect(v.commandTypes).toContain(PROBE);
  });

  it('accepts every valid example', () => {
    const failures: string[] = [];
    for (const [type, c] of Object.entries(examples.commands)) {
      expect(c.valid.length, type).toBeGreaterThan(0);
      for (const e of c.valid) {
        const r = v.validateCreateCommandBody(e.body);
        if (!r.ok) failures.push(`${type} / ${e.name}: ${fmt(r)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('rejects every invalid example with an issue naming its field and rule', () => {
    const failures: string[] = [];
    let n = 0;
    for (const [type, c] of Object.entries(examples.commands)) {
      for (const e of c.invalid) {
        n++;
        const r = v.validateCreateCommandBody(e.body);
        if (r.ok) failures.push(`${type} / ${e.name}: accepted`);
        else if (r.code !== 'VALIDATION_FAILED') failures.push(`${type} / ${e.name}: code ${r.code}`);
        else if (!r.issues.some((i) => i.field === e.field && i.rule === e.rule)) failures.push(`${type} / ${e.name}: want ${e.field} ${e.rule}, got ${fmt(r)}`);
        else if (!r.issues.every((i) => i.message.length > 0 && (i.field === '' || i.message.startsWith(i.field)))) failures.push(`${type} / ${e.name}: message ${fmt(r)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(n).toBeGreaterThan(50);
  });

  it('answers the envelope examples with their code, field and rule', () => {
    const failures: string[] = [];
    for (const e of examples.envelope.invalid) {
      const r = v.validateCreateCommandBody(e.body);
      if (r.ok) failures.push(`${e.name}: accepted`);
      else if (r.code !== e.code) failures.push(`${e.name}: want ${e.code}, got ${fmt(r)}`);
      else if (e.field !== undefined && !r.issues.some((i) => i.field === e.field && (e.rule === undefined || i.rule === e.rule))) failures.push(`${e.name}: want ${e.field} ${e.rule}, got ${fmt(r)}`);
    }
    expect(failures).toEqual([]);
  });

  it('validates a payload alone (validatePayload) with payload-prefixed fields', () => {
    for (const [type, c] of Object.entries(examples.commands)) {
      const body = c.valid[0]!.body as { payload: unknown };
      expect(v.validatePayload(type, body.payload).ok, type).toBe(true);
    }
    const bad = v.validatePayload(PROBE, { mode: 7, speed: 3, lens: 'ir', target: { height: 10 }, points: [{ x: 1 }] });
    expect(bad).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', issues: [{ field: 'payload.mode', rule: 'enum', message: 'payload.mode must be one of 0, 1' }] });
    expect(v.validatePayload('no_such_command', {})).toMatchObject({ ok: false, code: 'UNSUPPORTED_COMMAND' });
  });
});

describe('create-command precedence and issues (docs/internals/contracts.md)', () => {
  const body = (over: Record<string, unknown> = {}) => ({
    vendor: 'dji',
    device_id: 'dock-1',
    command_type: PROBE,
    payload: { mode: 1, speed: 3.5, lens: 'ir', target: { height: 10 }, points: [{ x: 1 }] },
    idempotency_key: 'k-1',
    ...over,
  });

  it('rejects a non-object body with field "" before anything else', () => {
    for (const b of [null, 'x', 42, [body()]]) {
      expect(v.validateCreateCommandBody(b)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', issues: [{ field: '', rule: 'type' }] });
    }
  });

  it('puts UNSUPPORTED_VENDOR before UNSUPPORTED_COMMAND before VALIDATION_FAILED', () => {
    const r1 = v.validateCreateCommandBody(body({ vendor: 'autel', command_type: 'nope', device_id: 5 }));
    expect(r1).toMatchObject({ ok: false, code: 'UNSUPPORTED_VENDOR', issues: [{ field: 'vendor' }] });
    const r2 = v.validateCreateCommandBody(body({ command_type: 'nope', device_id: 5 }));
    expect(r2).toMatchObject({ ok: false, code: 'UNSUPPORTED_COMMAND', issues: [{ field: 'command_type', message: 'command_type nope is not in the catalog' }] });
    // vendor absent is a plain missing field, not an unsupported vendor
    const { vendor: _omit, ...noVendor } = body();
    expect(v.validateCreateCommandBody(noVendor)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', issues: [{ field: 'vendor', rule: 'required' }] });
  });

  it('reports every issue of envelope and payload at once, with dotted paths', () => {
    const r = v.validateCreateCommandBody(
      body({ device_id: 'dock/#1', timeout_seconds: 301, payload: { mode: 1, speed: 99, lens: 'zoom', target: { height: 10, colour: 'red' }, points: [{ x: 1 }, { x: 9 }, { x: 0 }] } }),
    );
    expect(r.ok).toBe(false);
    const got = (r as Extract<Result, { ok: false }>).issues.map((i) => `${i.field}:${i.rule}`).sort();
    expect(got).toEqual(
      [
        'device_id:pattern',
        'timeout_seconds:maximum',
        'payload.speed:maximum',
        'payload.lens:enum',
        'payload.target.colour:additionalProperties',
        'payload.points:maxItems',
        'payload.points[1].x:maximum',
      ].sort(),
    );
    const msg = Object.fromEntries((r as Extract<Result, { ok: false }>).issues.map((i) => [i.field, i.message]));
    expect(msg['payload.lens']).toBe('payload.lens must be one of ir, wide');
    expect(msg['payload.speed']).toBe('payload.speed must be <= 15');
    expect(msg['payload.target.colour']).toBe('payload.target.colour is not a known field');
  });

  it('reports the envelope when command_type is missing or not a string', () => {
    const { command_type: _c, ...noType } = body({ device_id: 7 });
    const r = v.validateCreateCommandBody(noType) as Extract<Result, { ok: false }>;
    expect(r.code).toBe('VALIDATION_FAILED');
    expect(r.issues.map((i) => `${i.field}:${i.rule}`)).toEqual(expect.arrayContaining(['command_type:required', 'device_id:type']));
    expect(v.validateCreateCommandBody(body({ command_type: 12 }))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', issues: [{ field: 'command_type', rule: 'type' }] });
  });

  it('counts x-max-bytes in UTF-8 bytes, not characters', () => {
    const payload = (label: string) => ({ ...body().payload, label });
    expect(v.validateCreateCommandBody(body({ payload: payload('a'.repeat(16)) })).ok).toBe(true);
    // 8 characters, 24 bytes: over the 16-byte limit although under 16 characters
    const r = v.validateCreateCommandBody(body({ payload: payload('€'.repeat(8)) }));
    expect(r).toMatchObject({ ok: false, issues: [{ field: 'payload.label', rule: 'x-max-bytes', message: 'payload.label must be at most 16 bytes (UTF-8)' }] });
  });

  it('does not coerce body types and does not mutate the body', () => {
    const b = body({ timeout_seconds: '30' });
    const before = JSON.stringify(b);
    expect(v.validateCreateCommandBody(b)).toMatchObject({ ok: false, issues: [{ field: 'timeout_seconds', rule: 'type' }] });
    expect(JSON.stringify(b)).toBe(before);
    expect(v.validateCreateCommandBody(JSON.parse('{"__proto__": {"x": 1}, "vendor": "dji"}'))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });
});

describe('query and path parameters', () => {
  it('coerces integers, keeps strings, and rejects unknown or repeated parameters', () => {
    expect(v.validateListCommandsQuery({ limit: '20', device_id: 'dock-1' })).toEqual({ ok: true, value: { limit: 20, device_id: 'dock-1' } });
    expect(v.validateListCommandsQuery({ limit: ['20'] })).toEqual({ ok: true, value: { limit: 20 } });
    expect(v.validateListCommandsQuery({})).toEqual({ ok: true, value: {} });
    expect(v.validateListCommandsQuery({ limit: '0' })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', issues: [{ field: 'limit', rule: 'minimum' }] });
    expect(v.validateListCommandsQuery({ limit: 'ten' })).toMatchObject({ ok: false, issues: [{ field: 'limit', rule: 'type', message: 'limit must be of type integer' }] });
    expect(v.validateListCommandsQuery({ limit: ['1', '2'] })).toMatchObject({ ok: false, issues: [{ field: 'limit', rule: 'type' }] });
    expect(v.validateListCommandsQuery({ devce_id: 'x' })).toMatchObject({ ok: false, issues: [{ field: 'devce_id', rule: 'additionalProperties' }] });
    expect(v.validateListCommandsQuery({ status: 'DONE' })).toMatchObject({ ok: false, issues: [{ field: 'status', rule: 'enum' }] });
    expect(v.validateGetCommandQuery({ wait_seconds: '31' })).toMatchObject({ ok: false, issues: [{ field: 'wait_seconds', rule: 'maximum', message: 'wait_seconds must be <= 30' }] });
    expect(v.validateGetCommandQuery({ wait_seconds: '5' })).toEqual({ ok: true, value: { wait_seconds: 5 } });
  });

  it('checks path parameters', () => {
    const id = '0b0f5f3e-7c1a-4d4e-9a55-7f1e2d3c4b5a';
    expect(v.validateGetCommandParams({ command_id: id })).toEqual({ ok: true, value: { command_id: id } });
    expect(v.validateGetCommandParams({ command_id: 'nope' })).toMatchObject({ ok: false, issues: [{ field: 'command_id', rule: 'format' }] });
  });

  it('checks the reply body', () => {
    expect(v.validateReplyDeviceRequestBody({ reply_code: '0' }).ok).toBe(true);
    expect(v.validateReplyDeviceRequestBody([])).toMatchObject({ ok: false, issues: [{ field: '', rule: 'type' }] });
    expect(v.validateReplyDeviceRequestBody({ reply_code: '' })).toMatchObject({ ok: false, issues: [{ field: 'reply_code', rule: 'minLength' }] });
    expect(v.validateReplyDeviceRequestBody({})).toMatchObject({ ok: false, issues: [{ field: 'reply_code', rule: 'required', message: 'reply_code is required' }] });
  });
});

describe('how the validators are built', () => {
  it("uses only Ajv's public API (no ajv/dist/compile internals, so any ajv ^8 works)", () => {
    const offenders = readdirSync(join(REPO, 'generator'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts') && /ajv\/dist\/compile\//.test(readFileSync(join(REPO, 'generator', f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('keeps the runtime out of the generated module: it imports server/validation and defines no helpers', () => {
    const js = tree.text('generated/server/validators.js');
    expect(js).toContain("from '../../server/validation/index.js'");
    // Only Ajv's validateN functions and one-line exported entry points are defined.
    const own = [...js.matchAll(/^(?:export )?function (\w+)/gm)].map((m) => m[1]!).filter((n) => !/^validate\d+$/.test(n));
    for (const name of own) expect(name, name).toMatch(/^validate[A-Z]\w*$/);
    expect(js).not.toMatch(/function (toIssues?|fieldPath|validateUnion|validateParams)\b/);
  });
});
