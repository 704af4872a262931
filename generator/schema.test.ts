/**
 * Given→want cases for the schema builder (generator/schema.ts): one catalog `Field` in, the exact
 * JSON Schema out, like openapi-typescript's transform tests. Pure logic, no generation.
 */
import { describe, expect, it } from 'vitest';
import type { CommandDef, Field } from '../spec/types.js';
import { fieldSchema, objectSchema, payloadSchema, typeLabel } from './schema.js';

const cases: { name: string; given: Field; want: Record<string, unknown> }[] = [
  {
    name: 'plain string',
    given: { type: 'string', description: 'Name', required: true },
    want: { type: 'string', description: 'Name' },
  },
  {
    name: 'string with length, byte limit, pattern and format',
    given: { type: 'string', description: 'Label', required: true, minLength: 1, maxLength: 8, maxBytes: 16, pattern: '^[a-z]+$', format: 'uri' },
    want: { type: 'string', description: 'Label', minLength: 1, maxLength: 8, 'x-max-bytes': 16, pattern: '^[a-z]+$', format: 'uri' },
  },
  {
    name: 'string enum keeps each meaning',
    given: { type: 'string', description: 'Lens', required: true, enum: [{ value: 'ir', meaning: 'infrared' }, { value: 'wide', meaning: 'wide-angle' }] },
    want: {
      type: 'string',
      description: 'Lens\n\nValues:\n\n- `ir`: infrared\n- `wide`: wide-angle',
      enum: ['ir', 'wide'],
      'x-enumDescriptions': { ir: 'infrared', wide: 'wide-angle' },
    },
  },
  {
    name: 'integer enum with range',
    given: { type: 'integer', description: 'Mode', required: true, enum: [{ value: 0, meaning: 'off' }, { value: 1, meaning: 'on' }], minimum: 0, maximum: 1 },
    want: {
      type: 'integer',
      description: 'Mode\n\nValues:\n\n- `0`: off\n- `1`: on',
      enum: [0, 1],
      'x-enumDescriptions': { '0': 'off', '1': 'on' },
      minimum: 0,
      maximum: 1,
    },
  },
  {
    name: 'number with unit and note',
    given: { type: 'number', description: 'Speed', required: true, minimum: 0, maximum: 15, unit: 'm/s', note: 'Ground speed.' },
    want: { type: 'number', description: 'Speed\n\nUnit: m/s.\n\nGround speed.', minimum: 0, maximum: 15, 'x-unit': 'm/s' },
  },
  {
    name: 'deprecated boolean',
    given: { type: 'boolean', description: 'Old flag', required: false, deprecated: true },
    want: { type: 'boolean', description: 'Old flag', deprecated: true },
  },
  {
    name: 'closed object with required and optional properties',
    given: {
      type: 'object',
      description: 'Target',
      required: true,
      properties: { height: { type: 'number', description: 'Height', required: true }, name: { type: 'string', description: 'Name', required: false } },
    },
    want: {
      type: 'object',
      description: 'Target',
      required: ['height'],
      properties: { height: { type: 'number', description: 'Height' }, name: { type: 'string', description: 'Name' } },
      additionalProperties: false,
    },
  },
  {
    name: 'open object without properties',
    given: { type: 'object', description: 'Extra', required: false, open: true },
    want: { type: 'object', description: 'Extra', additionalProperties: true },
  },
  {
    name: 'array of objects with item limits',
    given: {
      type: 'array',
      description: 'Points',
      required: true,
      minItems: 1,
      maxItems: 2,
      items: { type: 'object', description: 'Point', required: true, properties: { x: { type: 'integer', description: 'X', required: true, minimum: -5, maximum: 5 } } },
    },
    want: {
      type: 'array',
      description: 'Points',
      items: {
        type: 'object',
        description: 'Point',
        required: ['x'],
        properties: { x: { type: 'integer', description: 'X', minimum: -5, maximum: 5 } },
        additionalProperties: false,
      },
      minItems: 1,
      maxItems: 2,
    },
  },
];

describe('fieldSchema: catalog field → JSON Schema', () => {
  for (const c of cases) {
    it(c.name, () => {
      // Serialised, so key order (the emitted order) is part of the assertion.
      expect(JSON.stringify(fieldSchema(c.given))).toBe(JSON.stringify(c.want));
    });
  }
});

describe('objectSchema and payloadSchema', () => {
  it('an empty object is closed and has no required/properties keys', () => {
    expect(objectSchema({}, { description: 'Nothing' })).toEqual({ type: 'object', description: 'Nothing', additionalProperties: false });
  });

  it('a payload is titled, described by the summary, and marked deprecated with its command', () => {
    const cmd = {
      command_type: 'zz_probe',
      summary: 'Probe the dock.',
      deprecated: true,
      payload: { on: { type: 'boolean', description: 'On', required: true } },
    } as unknown as CommandDef;
    expect(JSON.stringify(payloadSchema(cmd))).toBe(
      JSON.stringify({
        type: 'object',
        title: 'zz_probe payload',
        description: 'Payload of `zz_probe`: Probe the dock.',
        required: ['on'],
        properties: { on: { type: 'boolean', description: 'On' } },
        additionalProperties: false,
        deprecated: true,
      }),
    );
    expect(payloadSchema({ ...cmd, deprecated: false, payload: {} }).description).toBe('Payload of `zz_probe`: an empty object `{}`.');
  });
});

describe('typeLabel: the docs table type column', () => {
  const given: [Field, string][] = [
    [{ type: 'integer', description: '', required: true, minimum: 0, maximum: 100 }, 'integer (0 to 100)'],
    [{ type: 'string', description: '', required: true, format: 'uuid' }, 'string (uuid)'],
    [{ type: 'string', description: '', required: true, maxLength: 8, maxBytes: 16 }, 'string (length 0–8, ≤ 16 bytes)'],
    [{ type: 'array', description: '', required: true, items: { type: 'object', description: '', required: true }, maxItems: 1 }, 'array<object> (0–1 items)'],
    [{ type: 'object', description: '', required: true, open: true }, 'object (open)'],
  ];
  for (const [f, want] of given) it(want, () => expect(typeLabel(f)).toBe(want));
});
