/**
 * `components`: the schemas (the create-command union over the catalog first, then the
 * definition's shapes, then the event variants and their union), the security schemes (one apiKey per signing header) and the response headers.
 */
import type { ApiDefinition } from '../../spec/api.js';
import type { CommandDef } from '../../spec/types.js';
import type { OpenApiDocument } from '../context.js';
import { commandUnionSchemas } from './command-union.js';
import { eventSchemas } from './events.js';
import type { CodeSample } from './samples.js';

/** `components` of the document; `api` is already filled from the catalog. */
export function components(commands: CommandDef[], api: ApiDefinition, samples: Map<string, CodeSample[]>): OpenApiDocument['components'] {
  const union = commandUnionSchemas(commands, api.commandUnion, samples);
  const events = eventSchemas(api);
  for (const name of Object.keys(api.shapes)) {
    if (name in union) throw new Error(`api: shape ${name} clashes with a create-command component`);
    if (name in events) throw new Error(`api: shape ${name} clashes with an event component`);
  }
  return {
    schemas: { ...union, ...api.shapes, ...events },
    securitySchemes: { ...api.securitySchemes },
    headers: { ...api.responseHeaders },
  };
}
