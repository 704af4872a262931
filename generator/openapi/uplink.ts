/**
 * The component schemas derived from the uplink catalog (spec/uplink/): the properties a dock and an
 * aircraft report (`DockProperties`, `AircraftProperties`) and one item of an `hms` report
 * (`HmsAlarmReport`), plus the Markdown tables the fleet guide shows (generated blocks).
 *
 * These describe what a device SAID, relayed as received: every object stays open (properties
 * dockgate does not know are kept), and enums and ranges are documented (`x-enumDescriptions`,
 * description) but not enforced, because a newer firmware may report a value the catalog does not
 * list yet and the API must still serve it.
 */
import type { DeviceKind, UplinkCatalog } from '../../spec/uplink/index.js';
import { HMS_ITEM } from '../../spec/uplink/index.js';
import type { Field } from '../../spec/types.js';
import { fieldSchema, fieldDescription } from '../schema.js';
import { cell } from './markdown.js';

type JsonSchema = Record<string, unknown>;

/** A documented-not-enforced, open copy of a field's schema (see the module comment). */
export function relayedSchema(f: Field): JsonSchema {
  const walk = (s: JsonSchema): JsonSchema => {
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === 'enum' || k === 'minimum' || k === 'maximum' || k === 'maxLength' || k === 'minLength' || k === 'maxItems' || k === 'minItems' || k === 'required') continue;
      if (k === 'additionalProperties') continue;
      if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, JsonSchema>).map(([n, p]) => [n, walk(p)]));
      else if (k === 'items') out.items = walk(v as JsonSchema);
      else out[k] = v;
    }
    if (s.type === 'object') out.additionalProperties = true;
    return out;
  };
  return walk(fieldSchema(f));
}

function propertiesSchema(uplink: UplinkCatalog, kind: DeviceKind, description: string): JsonSchema {
  const props: Record<string, JsonSchema> = {};
  for (const p of uplink.properties.filter((x) => x.kind === kind)) {
    const s = relayedSchema(p.field);
    s.description = `${s.description as string}\n\nReported on \`${p.push}\` (group \`${p.group}\`).`;
    props[p.name] = s;
  }
  return { type: 'object', description, properties: props, additionalProperties: true };
}

/** The component schemas derived from the uplink catalog, in emitted order. */
export function uplinkSchemas(uplink: UplinkCatalog): Record<string, JsonSchema> {
  const hms = uplink.events.find((e) => e.method === 'hms');
  const item = hms?.data.list?.type === 'array' ? hms.data.list.items : HMS_ITEM;
  return {
    DockProperties: propertiesSchema(uplink, 'dock',
      'The latest properties of a dock, merged from its `osd` and `state` reports. Properties dockgate does not list are kept as reported.'),
    AircraftProperties: propertiesSchema(uplink, 'aircraft',
      'The latest properties of an aircraft, merged from its `osd` and `state` reports. Properties dockgate does not list are kept as reported.'),
    HmsAlarmReport: { ...relayedSchema(item), description: 'An HMS alarm as the dock reported it (one item of the `hms` event `data.list`).' },
  };
}

// ── Markdown for the guides ─────────────────────────────────────────────────────────────────

function typeText(f: Field): string {
  return f.type === 'array' ? `array of ${f.items.type}` : f.type;
}

/** A table of the properties of one kind: name, push, group, type, unit, meaning. */
export function propertiesTable(uplink: UplinkCatalog, kind: DeviceKind): string {
  const rows = uplink.properties
    .filter((p) => p.kind === kind)
    .map((p) => {
      const sub = p.field.type === 'object' && p.field.properties ? ` Fields: ${Object.keys(p.field.properties).map((n) => `\`${n}\``).join(', ')}.` : '';
      const values = (p.field.type === 'integer' || p.field.type === 'string') && p.field.enum ? ` ${p.field.enum.map((m) => `${m.value} ${m.meaning}`).join(', ')}.` : '';
      return `| \`${p.name}\` | ${p.push} | ${p.group} | ${typeText(p.field)} | ${p.field.unit ?? ''} | ${cell(p.field.description + values + sub)} |`;
    });
  return ['| property | push | group | type | unit | meaning |', '|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** A table of the known events: method, role, need_reply, data fields. */
export function eventsTable(uplink: UplinkCatalog): string {
  const rows = uplink.events.map((e) => {
    const data = Object.keys(e.data).length ? Object.keys(e.data).map((n) => `\`${n}\``).join(', ') : e.role === 'progress' ? `progress of ${e.commands!.map((c) => `\`${c}\``).join(', ')}` : 'not documented';
    return `| \`${e.method}\` | ${e.role} | ${e.need_reply ? 'yes' : 'no'} | ${cell(data)} |`;
  });
  return ['| method | role | `need_reply` | `data` |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** A table of the device models. */
export function modelsTable(uplink: UplinkCatalog): string {
  return ['| model key | name | kind |', '|---|---|---|', ...uplink.models.map((m) => `| \`${m.key}\` | ${m.name} | ${m.kind} |`)].join('\n') + '\n';
}

export { fieldDescription };
