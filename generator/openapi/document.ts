/**
 * The OpenAPI 3.1 document (docs/internals/contracts.md "API shapes"), built once per generation
 * from the catalog and the API definition, and shared by every emitter through
 * `GenerateContext.openapi`. It is assembled from one builder per OpenAPI object: `paths.ts` /
 * `operation.ts`, `events.ts` (top-level `webhooks`), `components.ts` / `command-union.ts`, and the documentation tags of
 * `command-pages.ts`.
 */
import type { GenerateInput, OpenApiDocument } from '../context.js';
import { fillFromCatalog, exampleBody } from './catalog-values.js';
import { tagsAndGroups } from './command-pages.js';
import { components } from './components.js';
import { paths } from './paths.js';
import { webhooks } from './events.js';
import { commandOperationPath } from './command-union.js';
import { codeSamples } from './samples.js';
import { UPLINK } from '../../spec/uplink/index.js';

function checkCommands(input: GenerateInput): void {
  const seen = new Set<string>();
  for (const c of input.commands) {
    if (seen.has(c.command_type)) throw new Error(`catalog: duplicate command_type ${c.command_type}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(c.command_type)) throw new Error(`catalog: command_type ${JSON.stringify(c.command_type)} is not a valid component name`);
    seen.add(c.command_type);
  }
}

/**
 * Build the OpenAPI 3.1 document. Pure and deterministic: the same input gives a deep-equal
 * document (commands keep catalog order). Throws on a duplicate `command_type`, and on a definition
 * that names an unknown scope, header, error code or catalog value.
 */
export function buildOpenApi(input: GenerateInput & { hash: string }): OpenApiDocument {
  checkCommands(input);
  const target = { baseUrl: input.api.servers[0]?.url ?? '', path: commandOperationPath(input.api) };
  const samples = new Map(input.commands.map((c) => [c.command_type, codeSamples(c, exampleBody(c, input.api), target)]));
  const api = fillFromCatalog(input.api, { ...input, samples });
  return {
    openapi: '3.1.0',
    info: {
      title: api.info.title,
      version: api.info.version,
      summary: api.info.summary,
      description: api.introduction,
      license: api.info.license,
      'x-catalog-hash': input.hash,
    },
    servers: api.servers,
    security: [Object.fromEntries(Object.keys(api.securitySchemes).map((k) => [k, []]))],
    ...tagsAndGroups({ ...input, api }, samples),
    paths: paths(api),
    webhooks: webhooks(api),
    components: components(input.commands, api, samples, input.uplink ?? UPLINK),
  };
}
