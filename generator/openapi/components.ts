/**
 * `components`: the schemas (the create-command union over the catalog first, then the schemas
 * derived from the uplink catalog (uplink.ts), then the definition's shapes, then the event
 * variants and their union), the security schemes (one apiKey per signing header) and the response headers.
 */
import type { ApiDefinition } from '../../spec/api.js';
import type { CommandDef } from '../../spec/types.js';
import type { OpenApiDocument } from '../context.js';
import { commandUnionSchemas } from './command-union.js';
import { eventSchemas } from './events.js';
import type { CodeSample } from './samples.js';
import type { UplinkCatalog } from '../../spec/uplink/index.js';
import { uplinkSchemas } from './uplink.js';

/** `components` of the document; `api` is already filled from the catalog. */
export function components(commands: CommandDef[], api: ApiDefinition, samples: Map<string, CodeSample[]>, uplink: UplinkCatalog): OpenApiDocument['components'] {
  const union = commandUnionSchemas(commands, api.commandUnion, samples);
  const derived = uplinkSchemas(uplink);
  const events = eventSchemas(api);
  for (const name of Object.keys(api.shapes)) {
    if (name in union) throw new Error(`api: shape ${name} clashes with a create-command component`);
    if (name in derived) throw new Error(`api: shape ${name} clashes with a component derived from the uplink catalog`);
    if (name in events) throw new Error(`api: shape ${name} clashes with an event component`);
  }
  return {
    schemas: { ...union, ...derived, ...api.shapes, ...events },
    securitySchemes: { ...api.securitySchemes },
    headers: { ...api.responseHeaders },
  };
}
