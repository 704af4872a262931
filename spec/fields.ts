/**
 * Small builders for catalog fields, so a 83-command catalog stays readable.
 * Each returns plain data (a `Field`); fields are required unless `{ required: false }` is given,
 * because seed 004 marks almost every payload field required.
 *
 * Example: `int('Air conditioner mode', { enum: { 0: 'idle', 1: 'cooling' } })`.
 */
import type {
  ArrayField,
  BooleanField,
  EnumMember,
  Field,
  IntegerField,
  NumberField,
  ObjectField,
  StringField,
} from './types.js';

type Common = { required?: boolean; unit?: string; deprecated?: boolean; note?: string };

function common(o: Common | undefined): { required: boolean; unit?: string; deprecated?: boolean; note?: string } {
  const out: { required: boolean; unit?: string; deprecated?: boolean; note?: string } = { required: o?.required ?? true };
  if (o?.unit !== undefined) out.unit = o.unit;
  if (o?.deprecated !== undefined) out.deprecated = o.deprecated;
  if (o?.note !== undefined) out.note = o.note;
  return out;
}

function members<T extends string | number>(rec: Record<string, string>, asNumber: boolean): EnumMember<T>[] {
  return Object.entries(rec).map(([k, meaning]) => ({ value: (asNumber ? Number(k) : k) as T, meaning }));
}

/** Integer field. `enum` maps each code to its meaning (`{0: 'idle', 1: 'cooling'}`). */
export function int(
  description: string,
  o?: Common & { min?: number; max?: number; enum?: Record<number, string> },
): IntegerField {
  const f: IntegerField = { type: 'integer', description, ...common(o) };
  if (o?.min !== undefined) f.minimum = o.min;
  if (o?.max !== undefined) f.maximum = o.max;
  if (o?.enum) f.enum = members<number>(o.enum as Record<string, string>, true);
  return f;
}

/** Number (float) field with optional inclusive range. */
export function num(description: string, o?: Common & { min?: number; max?: number }): NumberField {
  const f: NumberField = { type: 'number', description, ...common(o) };
  if (o?.min !== undefined) f.minimum = o.min;
  if (o?.max !== undefined) f.maximum = o.max;
  return f;
}

/** String field. `enum` maps each value to its meaning (`{ir: 'infrared', wide: 'wide-angle'}`). */
export function str(
  description: string,
  o?: Common & {
    enum?: Record<string, string>;
    minLength?: number;
    maxLength?: number;
    maxBytes?: number;
    pattern?: string;
    format?: StringField['format'];
  },
): StringField {
  const f: StringField = { type: 'string', description, ...common(o) };
  if (o?.enum) f.enum = members<string>(o.enum, false);
  if (o?.minLength !== undefined) f.minLength = o.minLength;
  if (o?.maxLength !== undefined) f.maxLength = o.maxLength;
  if (o?.maxBytes !== undefined) f.maxBytes = o.maxBytes;
  if (o?.pattern !== undefined) f.pattern = o.pattern;
  if (o?.format !== undefined) f.format = o.format;
  return f;
}

export function bool(description: string, o?: Common): BooleanField {
  return { type: 'boolean', description, ...common(o) };
}

/** Closed object with known properties. */
export function obj(description: string, properties: Record<string, Field>, o?: Common): ObjectField {
  return { type: 'object', description, properties, ...common(o) };
}

/**
 * Open object: the DJI reference does not give its shape, so any properties are accepted.
 * The description must say that the shape is not documented.
 */
export function openObj(description: string, o?: Common): ObjectField {
  return { type: 'object', description, open: true, ...common(o) };
}

export function arr(description: string, items: Field, o?: Common & { minItems?: number; maxItems?: number }): ArrayField {
  const f: ArrayField = { type: 'array', description, items, ...common(o) };
  if (o?.minItems !== undefined) f.minItems = o.minItems;
  if (o?.maxItems !== undefined) f.maxItems = o.maxItems;
  return f;
}

/** Shared field: DJI camera/payload enumeration value `{type}-{subtype}-{gimbalindex}`, e.g. `39-0-7`. */
export function payloadIndex(description = 'Camera enumeration value'): StringField {
  // Not enforced as a pattern: the seed allows any string here, and the public contract may not
  // be narrower than the seed. DJI's form is given in the description and the note.
  return str(`${description}: DJI writes it \`{type}-{subtype}-{gimbalindex}\`, e.g. \`39-0-7\`.`, {
    note: 'DJI form `{type}-{subtype}-{gimbalindex}` (docs/dji/commands.md); not enforced because seed 004 allows any string.',
  });
}

/** Remote-debug progress (cover_open, drone_open, …): events with the command's own method, by bid. */
export function remoteDebugProgress(method: string, limits: import('./types.js').JobLimits): import('./types.js').ProgressSpec {
  return {
    event_method: method,
    correlate_by: 'bid',
    status_path: 'output.status',
    percent_path: 'output.progress.percent',
    step_path: 'output.progress.step_key',
    succeeded: ['ok'],
    failed: ['failed', 'rejected', 'canceled', 'timeout'],
    // DJI Dock 3 cmd-page examples carry no `need_reply` on remote-debug progress events; the
    // gateway answers any event that does set it anyway.
    need_reply: false,
    limits,
  };
}

export type { Field };

/** Latitude in degrees, −90…90 (WGS84), as DJI uses for targets, points and docks. */
export function latitude(description = 'Latitude', o?: Common): NumberField {
  return num(`${description} (WGS84, degrees; south negative).`, { min: -90, max: 90, unit: 'degrees', ...o });
}

/** Longitude in degrees, −180…180 (WGS84). */
export function longitude(description = 'Longitude', o?: Common): NumberField {
  return num(`${description} (WGS84, degrees; west negative).`, { min: -180, max: 180, unit: 'degrees', ...o });
}

/**
 * `note` text for a seed field on which DJI documents a constraint that seed 004 does not state:
 * the constraint is shown, not enforced, so every payload the seed allows stays valid.
 */
export function djiOnlyConstraint(constraint: string): string {
  return `DJI documents ${constraint}; not enforced by the schema because seed 004 states no constraint (values outside it may be rejected by the dock).`;
}
