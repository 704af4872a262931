/**
 * Fills the catalog-dependent places of the API definition (spec/api/catalog-values.ts): every
 * `{ $catalog: name }` value and every `{{name}}` in a string, by walking the definition. The tables
 * below are keyed by those names (never by an operation), so a new operation uses them as data.
 */
import type { ApiDefinition, CatalogTextName, CatalogValueName } from '../../spec/api.js';
import type { CommandDef, DeviceRequestDef } from '../../spec/types.js';
import type { GenerateInput } from '../context.js';
import type { CodeSample } from './samples.js';

/** What the fillers read: the input plus each command's code samples (built once per generation). */
export interface CatalogView extends GenerateInput {
  samples: Map<string, CodeSample[]>;
}

/** A representative valid create-command body for a command (its catalog example). */
export function exampleBody(c: CommandDef, api: Pick<ApiDefinition, 'examples'>): Record<string, unknown> {
  return { ...api.examples.createCommand, command_type: c.command_type, payload: c.example, idempotency_key: `req-${c.command_type}-001` };
}

/** `examples.command`, filled with `c` when there is one. */
function exampleCommand(c: CommandDef | undefined, api: ApiDefinition): Record<string, unknown> {
  const t = structuredClone(api.examples.command);
  if (!c) return t;
  return { ...t, command_type: c.command_type, payload: c.example, idempotency_key: `req-${c.command_type}-001`, progress: c.progress ? { ...api.examples.progress } : null };
}

/** `examples.deviceRequest`, filled with `r` when there is one. */
function exampleDeviceRequest(r: DeviceRequestDef | undefined, api: ApiDefinition): Record<string, unknown> {
  const t = structuredClone(api.examples.deviceRequest);
  if (!r) return t;
  return { ...t, request_type: r.request_type, inbound_payload: { ...t.inbound_payload, method: r.request_type, data: r.example ?? {} } };
}

export const CATALOG_VALUES: Record<CatalogValueName, (v: CatalogView) => unknown> = {
  createCommandExamples: (v) => Object.fromEntries(v.commands.map((c) => [c.command_type, { summary: c.summary, value: exampleBody(c, v.api) }])),
  createCommandSamples: (v) => {
    const first = v.commands.find((c) => Object.keys(c.payload).length) ?? v.commands[0];
    return first ? (v.samples.get(first.command_type) ?? []) : undefined;
  },
  exampleCommand: (v) => exampleCommand(v.commands[0], v.api),
  exampleProgressCommand: (v) => exampleCommand(v.commands.find((c) => c.progress) ?? v.commands[0], v.api),
  exampleDeviceRequest: (v) => exampleDeviceRequest(v.deviceRequests[0], v.api),
};

export const CATALOG_TEXT: Record<CatalogTextName, (v: CatalogView) => string> = {
  commandCount: (v) => String(v.commands.length),
  knownRequestTypes: (v) =>
    v.deviceRequests.length ? ` Known types: ${v.deviceRequests.map((r) => `\`${r.request_type}\``).join(', ')} (see "Device request types").` : '',
};

function isMarker(v: Record<string, unknown>): v is { $catalog: CatalogValueName } {
  return typeof v.$catalog === 'string' && Object.keys(v).length === 1;
}

/**
 * A copy of `value` with catalog markers and placeholders filled. Throws on an unknown name.
 * Object entries whose filled value is `undefined` are dropped (e.g. samples of an empty catalog).
 */
export function fillFromCatalog<T>(value: T, view: CatalogView): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.includes('{{')
        ? v.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
            const f = CATALOG_TEXT[name as CatalogTextName];
            if (!f) throw new Error(`api: unknown catalog text {{${name}}}`);
            return f(view);
          })
        : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (isMarker(o)) {
        const f = CATALOG_VALUES[o.$catalog];
        if (!f) throw new Error(`api: unknown catalog value ${o.$catalog}`);
        return f(view);
      }
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(o)) {
        const y = walk(x);
        if (y !== undefined) out[k] = y;
      }
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
