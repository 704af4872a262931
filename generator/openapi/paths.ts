/** `paths`: one Path Item per operation path, one Operation Object per method (definition order). */
import type { ApiDefinition } from '../../spec/api.js';
import type { OpenApiDocument } from '../context.js';
import { operation } from './operation.js';

/** The Paths Object. Throws when two operations share a method and path or an operationId, or name an unknown tag. */
export function paths(api: ApiDefinition): OpenApiDocument['paths'] {
  const out: OpenApiDocument['paths'] = {};
  const ids = new Set<string>();
  const tags = new Set(api.tags.map((t) => t.name));
  for (const op of api.operations) {
    if (ids.has(op.operationId)) throw new Error(`api: duplicate operationId ${op.operationId}`);
    ids.add(op.operationId);
    if (!tags.has(op.tag)) throw new Error(`api: ${op.operationId} has tag ${op.tag}, which is not in api.tags`);
    const item = (out[op.path] ??= {});
    if (item[op.method]) throw new Error(`api: two operations for ${op.method.toUpperCase()} ${op.path}`);
    item[op.method] = operation(op, api);
  }
  return out;
}
