/**
 * Unit tests of the validation runtime (pure logic): Ajv validators compiled here from small
 * schemas stand in for the generated ones. The generated validators over the real catalog are
 * tested in test/generator/validators.test.ts.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { fieldPath, toIssues, validateBody, validateParams, validatePayloadOf, validateUnion, type CommandUnion, type CompiledValidator } from './index.js';

const ajv = new Ajv2020({ strict: false, allErrors: true, messages: false });
const coercing = new Ajv2020({ strict: false, allErrors: true, messages: false, coerceTypes: true });
const compile = (schema: object, a = ajv) => a.compile(schema) as unknown as CompiledValidator;

const envelope = (tag: object) =>
  compile({
    type: 'object',
    required: ['vendor', 'device_id', 'command_type', 'payload'],
    properties: { vendor: { const: 'dji' }, device_id: { type: 'string', minLength: 1 }, command_type: tag, payload: true },
    additionalProperties: false,
  });
const payload = compile({
  type: 'object',
  required: ['mode'],
  properties: { mode: { type: 'integer', enum: [0, 1] }, points: { type: 'array', items: { type: 'object', properties: { x: { type: 'number', maximum: 5 } } } } },
  additionalProperties: false,
});
const union: CommandUnion = {
  propertyName: 'command_type',
  vendorConst: 'dji',
  table: new Map([['probe', [envelope({ type: 'string' }), payload] as const]]),
  fallback: envelope({ type: 'string' }),
};
const body = (over: Record<string, unknown> = {}) => ({ vendor: 'dji', device_id: 'd', command_type: 'probe', payload: { mode: 1 }, ...over });

describe('fieldPath', () => {
  it('turns JSON pointers into dotted paths with indexes and escapes', () => {
    expect(fieldPath('', '')).toBe('');
    expect(fieldPath('payload', '/points/0/x')).toBe('payload.points[0].x');
    expect(fieldPath('', '/a~1b/c~0d', 'e')).toBe('a/b.c~d.e');
    expect(fieldPath('', '', 'timeout_seconds')).toBe('timeout_seconds');
  });
});

describe('toIssues', () => {
  const err = (o: Partial<ErrorObject>): ErrorObject => ({ instancePath: '', schemaPath: '#', keyword: 'type', params: {}, ...o });

  it('names missing and unknown properties as fields and writes a message starting with the field', () => {
    expect(
      toIssues(
        [
          err({ keyword: 'required', params: { missingProperty: 'mode' } }),
          err({ keyword: 'additionalProperties', params: { additionalProperty: 'moed' } }),
          err({ keyword: 'maxItems', instancePath: '/points', params: { limit: 1 } }),
          err({ keyword: 'x-max-bytes', instancePath: '/label', params: { limit: 8 } }),
        ],
        'payload',
        'payload',
      ),
    ).toEqual([
      { field: 'payload.mode', rule: 'required', message: 'payload.mode is required' },
      { field: 'payload.moed', rule: 'additionalProperties', message: 'payload.moed is not a known field' },
      { field: 'payload.points', rule: 'maxItems', message: 'payload.points must have at most 1 item' },
      { field: 'payload.label', rule: 'x-max-bytes', message: 'payload.label must be at most 8 bytes (UTF-8)' },
    ]);
  });

  it('uses the label for the root and drops duplicates and `if` wrappers', () => {
    const root = err({ keyword: 'type', params: { type: 'object' } });
    expect(toIssues([root, root, err({ keyword: 'if', params: { failingKeyword: 'then' } })], '', 'request body')).toEqual([
      { field: '', rule: 'type', message: 'request body must be of type object' },
    ]);
  });

  it('folds a oneOf of consts into one enum issue, and a oneOf of types into one type issue', () => {
    const v = compile({ type: 'object', properties: { a: { oneOf: [{ const: 1 }, { const: 'x' }] }, b: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } });
    expect(v({ a: 2, b: true })).toBe(false);
    expect(toIssues(v.errors, '', 'body')).toEqual([
      { field: 'a', rule: 'enum', message: 'a must be one of 1, x' },
      { field: 'b', rule: 'type', message: 'b must be of type string or integer' },
    ]);
  });

  it('keeps the branch errors of a oneOf whose branches differ elsewhere', () => {
    const v = compile({ oneOf: [{ type: 'object', required: ['a'] }, { type: 'object', required: ['b'] }] });
    expect(v({})).toBe(false);
    expect(toIssues(v.errors, '', 'body').map((i) => `${i.field}:${i.rule}`)).toEqual(['a:required', 'b:required']);
  });
});

describe('validateUnion (create-command precedence)', () => {
  it('accepts a valid body and returns it unchanged', () => {
    const b = body();
    expect(validateUnion(b, union)).toEqual({ ok: true, value: b });
  });

  it('rejects a non-object before anything else', () => {
    for (const b of [null, [], 'x', 3]) {
      expect(validateUnion(b, union)).toEqual({ ok: false, code: 'VALIDATION_FAILED', issues: [{ field: '', rule: 'type', message: 'The request body must be a JSON object' }] });
    }
  });

  it('orders UNSUPPORTED_VENDOR, UNSUPPORTED_COMMAND, VALIDATION_FAILED', () => {
    expect(validateUnion(body({ vendor: 'autel', command_type: 'nope' }), union)).toMatchObject({
      code: 'UNSUPPORTED_VENDOR',
      issues: [{ field: 'vendor', rule: 'const', message: 'vendor autel is not supported; the only vendor is dji' }],
    });
    expect(validateUnion(body({ command_type: 'nope', device_id: '' }), union)).toMatchObject({
      code: 'UNSUPPORTED_COMMAND',
      issues: [{ field: 'command_type', rule: 'enum', message: 'command_type nope is not in the catalog' }],
    });
    const r = validateUnion(body({ device_id: '', payload: { mode: 3, points: [{ x: 9 }] } }), union);
    expect(r.ok ? [] : r.issues.map((i) => `${i.field}:${i.rule}`)).toEqual(['device_id:minLength', 'payload.mode:enum', 'payload.points[0].x:maximum']);
  });

  it('reports the envelope when the discriminator is missing, or the discriminator itself', () => {
    const { command_type: _omit, ...untagged } = body();
    expect(validateUnion(untagged, union)).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ field: 'command_type', rule: 'required' }] });
    const r = validateUnion(body({ command_type: 5, device_id: '' }), union);
    expect(r.ok ? [] : r.issues.map((i) => `${i.field}:${i.rule}`)).toEqual(['device_id:minLength', 'command_type:type']);
    const { command_type: _c, ...rest } = body();
    expect(validateUnion(rest, { ...union, fallback: compile({}) })).toMatchObject({ issues: [{ field: 'command_type', rule: 'required', message: 'command_type is required' }] });
  });
});

describe('validatePayloadOf, validateBody, validateParams', () => {
  it('validates a payload alone with a prefix, and rejects an unknown command', () => {
    expect(validatePayloadOf(union, 'probe', { mode: 7 })).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', issues: [{ field: 'payload.mode', message: 'payload.mode must be one of 0, 1' }] });
    expect(validatePayloadOf(union, 'probe', { mode: 7 }, 'data')).toMatchObject({ issues: [{ field: 'data.mode' }] });
    expect(validatePayloadOf(union, 'nope', {})).toMatchObject({ ok: false, code: 'UNSUPPORTED_COMMAND', issues: [{ field: 'command_type' }] });
  });

  it('checks a plain body only when it is an object', () => {
    const v = compile({ type: 'object', required: ['reply_code'] });
    expect(validateBody(v, [])).toMatchObject({ ok: false, issues: [{ field: '', rule: 'type' }] });
    expect(validateBody(v, {})).toMatchObject({ ok: false, issues: [{ field: 'reply_code', rule: 'required' }] });
    expect(validateBody(v, { reply_code: '0' })).toEqual({ ok: true, value: { reply_code: '0' } });
  });

  it('copies parameters, unwraps single values, keeps repeated ones, and does not touch the input', () => {
    const v = compile({ type: 'object', properties: { limit: { type: 'integer' }, tag: { type: 'string' } }, additionalProperties: false }, coercing);
    const input = { limit: ['10'], tag: undefined };
    expect(validateParams(v, input, 'query')).toEqual({ ok: true, value: { limit: 10 } });
    expect(input).toEqual({ limit: ['10'], tag: undefined });
    expect(validateParams(v, { tag: ['a', 'b'] }, 'query')).toMatchObject({ ok: false, issues: [{ field: 'tag', rule: 'type' }] });
    expect(validateParams(v, JSON.parse('{"__proto__": "x"}'), 'query')).toMatchObject({ ok: false, issues: [{ field: '__proto__', rule: 'additionalProperties' }] });
    expect(validateParams(v, undefined, 'query')).toEqual({ ok: true, value: {} });
  });
});
