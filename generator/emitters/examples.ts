/**
 * `generated/examples.json`: per command one valid create-command body (the catalog example) and
 * invalid bodies, one per constraint, each naming the `field` (dotted path from the body root, as
 * in `ValidationIssue.field`) and the `rule` an error must report. Used by the validator tests, the
 * docs and the mock.
 *
 * Invalid cases per field (issue 2 §3 / §4): required field missing, wrong type (strings such as
 * `"12"` for numbers so accidental type coercion is caught), below `minimum` / above `maximum`, not
 * in the enum, over `maxItems` / under `minItems`, over/under length, over `x-max-bytes` (with
 * 2-byte characters, so a char-counting check fails the test), pattern and format mismatches, and a
 * misspelt extra field in every closed object. Optional fields absent from the catalog example get
 * their constraint cases too (inserted with an invalid value). Plus envelope cases once (vendor,
 * unknown command_type, timeout range, ...), with the expected error `code`.
 */
import type { ApiDefinition } from '../../spec/api.js';
import type { CommandDef, Field } from '../../spec/types.js';
import { jsonWithHeader } from '../header.js';
import type { Emitter, GeneratedFile } from '../context.js';
import { exampleBody } from '../openapi/catalog-values.js';

type Seg = string | number;
type Json = unknown;

/** One invalid example. `field`/`rule` are what the validator must report (among possibly other issues). */
export interface InvalidExample {
  name: string;
  /** Full create-command body; the payload is `body.payload`. */
  body: Record<string, unknown>;
  field: string;
  rule: string;
}
export interface CommandExamples {
  valid: { name: string; body: Record<string, unknown> }[];
  invalid: InvalidExample[];
}
export interface EnvelopeExample {
  name: string;
  body: unknown;
  /** Expected error code: VALIDATION_FAILED, UNSUPPORTED_VENDOR or UNSUPPORTED_COMMAND. */
  code: 'VALIDATION_FAILED' | 'UNSUPPORTED_VENDOR' | 'UNSUPPORTED_COMMAND';
  field?: string;
  rule?: string;
}
export interface ExamplesFile {
  format: 'dockgate-examples/1';
  commands: Record<string, CommandExamples>;
  envelope: { invalid: EnvelopeExample[] };
}

/** `['payload', 'points', 0, 'latitude']` → `payload.points[0].latitude`. */
export function pathString(segs: Seg[]): string {
  let s = '';
  for (const x of segs) s += typeof x === 'number' ? `[${x}]` : s ? `.${x}` : x;
  return s;
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function setAt(root: Record<string, unknown>, segs: Seg[], value: Json): void {
  let cur: any = root;
  for (let i = 0; i < segs.length - 1; i++) cur = cur[segs[i]!];
  cur[segs[segs.length - 1]!] = value;
}

function deleteAt(root: Record<string, unknown>, segs: Seg[]): void {
  let cur: any = root;
  for (let i = 0; i < segs.length - 1; i++) cur = cur[segs[i]!];
  delete cur[segs[segs.length - 1] as string];
}

const PATTERN_CANDIDATES = ['39-0-7', '0', 'a', 'A1', 'abc-123', '1.0.0', '00000000-0000-4000-8000-000000000000'];

/** A minimal valid value for a field, or undefined when none can be derived (e.g. an unknown pattern). */
export function sampleValue(f: Field): Json | undefined {
  switch (f.type) {
    case 'string': {
      if (f.enum?.length) return f.enum[0]!.value;
      if (f.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      if (f.format === 'uri') return 'https://example.com/file';
      if (f.format === 'date-time') return '2026-04-22T12:00:00Z';
      const len = Math.max(f.minLength ?? 1, 1);
      const cands = f.pattern ? PATTERN_CANDIDATES : ['a'.repeat(len)];
      const ok = cands.find(
        (c) => (!f.pattern || new RegExp(f.pattern, 'u').test(c)) && c.length >= (f.minLength ?? 0) && c.length <= (f.maxLength ?? Infinity) && Buffer.byteLength(c) <= (f.maxBytes ?? Infinity),
      );
      return ok;
    }
    case 'integer':
    case 'number': {
      if (f.type === 'integer' && f.enum?.length) return f.enum[0]!.value;
      const lo = f.minimum ?? (f.maximum !== undefined ? Math.min(0, f.maximum) : 0);
      return f.type === 'integer' ? Math.ceil(lo) : lo;
    }
    case 'boolean':
      return false;
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, p] of Object.entries(f.properties ?? {})) {
        if (!p.required) continue;
        const v = sampleValue(p);
        if (v === undefined) return undefined;
        o[k] = v;
      }
      return o;
    }
    case 'array': {
      const n = f.minItems ?? 0;
      if (!n) return [];
      const item = sampleValue(f.items);
      return item === undefined ? undefined : Array.from({ length: n }, () => clone(item));
    }
  }
}

/** A value of the wrong JSON type for the field. Numbers/booleans get look-alike strings (catches coercion). */
function wrongType(f: Field): Json {
  switch (f.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return '12';
    case 'boolean':
      return 'true';
    case 'object':
      return 'not an object';
    case 'array':
      return 'not an array';
  }
}

function misspell(name: string, taken: Set<string>): string {
  const cands = [name.length > 3 ? name.slice(0, 1) + name.slice(2, 3) + name.slice(1, 2) + name.slice(3) : `${name}x`, `${name}_`, `${name}s`, 'unexpected_field'];
  return cands.find((c) => c !== name && !taken.has(c)) ?? `${name}_extra`;
}

interface Case {
  name: string;
  field: string;
  rule: string;
  apply: (payloadHolder: Record<string, unknown>) => void;
}

type Prep = (root: Record<string, unknown>) => void;
const noPrep: Prep = () => {};

/** Cases for the properties of an object whose value is `value` (or absent, then `prep` creates it). */
function objectCases(props: Record<string, Field>, open: boolean, value: Record<string, unknown>, segs: Seg[], prep: Prep, out: Case[]): void {
  for (const [name, f] of Object.entries(props)) {
    const here = [...segs, name];
    const v = value[name];
    if (f.required && v !== undefined) {
      out.push({ name: `${pathString(here)}: required field missing`, field: pathString(here), rule: 'required', apply: (r) => (prep(r), deleteAt(r, here)) });
    }
    fieldCases(f, v, here, prep, out);
  }
  if (!open) {
    const names = Object.keys(props);
    const extra = names.length ? misspell(names[0]!, new Set(names)) : 'unexpected_field';
    const here = [...segs, extra];
    const v = names.length ? (value[names[0]!] ?? sampleValue(props[names[0]!]!) ?? 1) : 1;
    out.push({ name: `${pathString(here)}: misspelt/unknown field`, field: pathString(here), rule: 'additionalProperties', apply: (r) => (prep(r), setAt(r, here, clone(v))) });
  }
}

function fieldCases(f: Field, v: Json, segs: Seg[], prep: Prep, out: Case[]): void {
  const p = pathString(segs);
  const set = (name: string, rule: string, value: Json) => out.push({ name: `${p}: ${name}`, field: p, rule, apply: (r) => (prep(r), setAt(r, segs, clone(value))) });
  set(`wrong type (${typeof wrongType(f) === 'string' ? 'string' : 'number'} instead of ${f.type})`, 'type', wrongType(f));
  switch (f.type) {
    case 'string': {
      if (f.enum?.length) {
        const values = new Set(f.enum.map((m) => m.value));
        let bad = 'not_a_listed_value';
        while (values.has(bad)) bad += '_';
        set(`not one of ${[...values].join(', ')}`, 'enum', bad);
        break; // other string constraints are moot for an enum
      }
      const base = typeof v === 'string' ? v : (sampleValue(f) as string | undefined);
      if (f.maxLength !== undefined) set(`longer than ${f.maxLength} characters`, 'maxLength', 'a'.repeat(f.maxLength + 1));
      if (f.minLength !== undefined && f.minLength > 0) set(`shorter than ${f.minLength} characters`, 'minLength', 'a'.repeat(f.minLength - 1));
      if (f.maxBytes !== undefined) {
        // 2-byte characters: fewer characters than bytes, so counting characters would let it pass.
        const n = Math.floor(f.maxBytes / 2) + 1;
        set(`more than ${f.maxBytes} UTF-8 bytes (${n} two-byte characters)`, 'x-max-bytes', 'é'.repeat(n));
      }
      if (f.pattern) {
        const re = new RegExp(f.pattern, 'u');
        const bad = ['not matching!', '', '#', '-'].find((c) => !re.test(c) && c.length >= (f.minLength ?? 0));
        if (bad !== undefined) set(`does not match ${f.pattern}`, 'pattern', bad);
      }
      if (f.format) set(`not a valid ${f.format}`, 'format', `not a ${f.format}`);
      void base;
      break;
    }
    case 'integer':
    case 'number': {
      if (f.type === 'integer' && f.enum?.length) {
        const values = f.enum.map((m) => m.value);
        set(`not one of ${values.join(', ')}`, 'enum', Math.max(...values) + 1);
      }
      if (f.minimum !== undefined) set(`below minimum ${f.minimum}`, 'minimum', f.minimum - 1);
      if (f.maximum !== undefined) set(`above maximum ${f.maximum}`, 'maximum', f.maximum + 1);
      break;
    }
    case 'boolean':
      break;
    case 'object': {
      if (f.open && !f.properties) break;
      let base = v as Record<string, unknown> | undefined;
      let childPrep = prep;
      if (base === undefined || base === null || typeof base !== 'object' || Array.isArray(base)) {
        const s = sampleValue(f) as Record<string, unknown> | undefined;
        if (!s) break;
        base = s;
        childPrep = (r) => (prep(r), setAt(r, segs, clone(s)));
      }
      objectCases(f.properties ?? {}, f.open === true, base, segs, childPrep, out);
      break;
    }
    case 'array': {
      const arr = Array.isArray(v) ? v : undefined;
      const item = arr?.[0] ?? sampleValue(f.items);
      if (f.maxItems !== undefined && item !== undefined) set(`more than ${f.maxItems} items`, 'maxItems', Array.from({ length: f.maxItems + 1 }, () => clone(item)));
      if (f.minItems !== undefined && f.minItems > 0) set(`fewer than ${f.minItems} items`, 'minItems', []);
      if (item !== undefined) {
        // Item constraints, checked on element 0 of a one-element (or the example's) array.
        const base = arr && arr.length ? arr : Array.from({ length: Math.max(f.minItems ?? 1, 1) }, () => clone(item));
        const itemPrep: Prep = arr && arr.length ? prep : (r) => (prep(r), setAt(r, segs, clone(base)));
        const sub: Case[] = [];
        fieldCases(f.items, base[0], [...segs, 0], itemPrep, sub);
        out.push(...sub);
      }
      break;
    }
  }
}

/** Valid and invalid examples of one command. */
export function commandExamples(c: CommandDef, api: ApiDefinition): CommandExamples {
  const body = exampleBody(c, api);
  const cases: Case[] = [];
  objectCases(c.payload, false, (body.payload ?? {}) as Record<string, unknown>, ['payload'], noPrep, cases);
  const seen = new Map<string, number>();
  const invalid: InvalidExample[] = cases.map((k) => {
    const b = clone(body);
    k.apply(b);
    const n = (seen.get(k.name) ?? 0) + 1;
    seen.set(k.name, n);
    return { name: n > 1 ? `${k.name} (${n})` : k.name, body: b, field: k.field, rule: k.rule };
  });
  return { valid: [{ name: 'catalog example', body }], invalid };
}

/** Envelope cases (not per command), built on the first command's example. */
export function envelopeExamples(first: CommandDef | undefined, api: ApiDefinition): EnvelopeExample[] {
  if (!first) return [];
  const b = exampleBody(first, api);
  const { timeoutSeconds } = api.limits;
  const withField = (k: string, v: unknown) => ({ ...clone(b), [k]: v });
  const without = (k: string) => {
    const x = clone(b);
    delete x[k];
    return x;
  };
  return [
    { name: 'body is an array', body: [b], code: 'VALIDATION_FAILED', field: '', rule: 'type' },
    { name: 'vendor is not dji', body: withField('vendor', 'autel'), code: 'UNSUPPORTED_VENDOR' },
    { name: 'command_type not in the catalog', body: withField('command_type', 'no_such_command'), code: 'UNSUPPORTED_COMMAND' },
    { name: 'vendor missing', body: without('vendor'), code: 'VALIDATION_FAILED', field: 'vendor', rule: 'required' },
    { name: 'device_id missing', body: without('device_id'), code: 'VALIDATION_FAILED', field: 'device_id', rule: 'required' },
    { name: 'device_id too long', body: withField('device_id', 'd'.repeat(129)), code: 'VALIDATION_FAILED', field: 'device_id', rule: 'maxLength' },
    { name: 'idempotency_key missing', body: without('idempotency_key'), code: 'VALIDATION_FAILED', field: 'idempotency_key', rule: 'required' },
    { name: 'idempotency_key empty', body: withField('idempotency_key', ''), code: 'VALIDATION_FAILED', field: 'idempotency_key', rule: 'minLength' },
    { name: 'payload missing', body: without('payload'), code: 'VALIDATION_FAILED', field: 'payload', rule: 'required' },
    { name: 'timeout_seconds above maximum', body: withField('timeout_seconds', timeoutSeconds.max + 1), code: 'VALIDATION_FAILED', field: 'timeout_seconds', rule: 'maximum' },
    { name: 'timeout_seconds below minimum', body: withField('timeout_seconds', timeoutSeconds.min - 1), code: 'VALIDATION_FAILED', field: 'timeout_seconds', rule: 'minimum' },
    { name: 'timeout_seconds not an integer', body: withField('timeout_seconds', 1.5), code: 'VALIDATION_FAILED', field: 'timeout_seconds', rule: 'type' },
    { name: 'unknown top-level field', body: withField('time_out_seconds', 30), code: 'VALIDATION_FAILED', field: 'time_out_seconds', rule: 'additionalProperties' },
  ];
}

/** The whole examples document for a catalog. */
export function buildExamples(commands: CommandDef[], api: ApiDefinition): ExamplesFile {
  return {
    format: 'dockgate-examples/1',
    commands: Object.fromEntries(commands.map((c) => [c.command_type, commandExamples(c, api)])),
    envelope: { invalid: envelopeExamples(commands[0], api) },
  };
}

/** Writes `generated/examples.json`. */
export const emit: Emitter = (ctx): GeneratedFile[] => [
  { path: 'generated/examples.json', content: jsonWithHeader(buildExamples(ctx.commands, ctx.api) as unknown as Record<string, unknown>, ctx.hash) },
];
