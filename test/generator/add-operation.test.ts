/**
 * The add-an-operation test (issue 10 item 1): an operation and a query filter added to a COPY of
 * the API definition (spec/api/) appear in the OpenAPI document, the validators, the routes, the
 * client and the docs HTML after one in-memory `generate()`, with no generator change. The real
 * definition has neither (so the assertions can fail).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { generate, hashCatalog } from '../../generator/generate.js';
import { query, ref, type ApiDefinition, type OperationDef } from '../../spec/api.js';
import { catalog, redocDefinition } from './helpers.js';
import { surfaceTree } from './surface-tree.js';

const OP = 'listZzProbes';
const PATH = '/api/v1/open/zz-probes';
const FILTER = 'zz_since';

/** A copy of `api` with a new list operation (and its page shape) and a new filter on `listCommands`. */
function extended(api: ApiDefinition): ApiDefinition {
  const copy = structuredClone(api);
  const probes: OperationDef = {
    operationId: OP,
    method: 'get',
    path: PATH,
    summary: 'List probes',
    description: 'Probes added by the add-an-operation test.',
    scope: 'open:command:read',
    tag: 'Downlink commands',
    parameters: [query('zz_kind', 'Only probes of this kind.', { type: 'string', enum: ['a', 'b'] })],
    responses: { 200: { description: 'A page of probes.', content: { schema: ref('ZzProbeList'), example: { items: [], next_cursor: null } } } },
    errors: ['VALIDATION_FAILED'],
  };
  copy.operations.push(probes);
  copy.shapes.ZzProbeList = {
    type: 'object',
    required: ['items', 'next_cursor'],
    properties: { items: { type: 'array', items: { type: 'string' } }, next_cursor: { type: ['string', 'null'] } },
    additionalProperties: false,
  };
  copy.operations
    .find((o) => o.operationId === 'listCommands')!
    .parameters!.push(query(FILTER, 'Only commands accepted at or after this Unix time.', { type: 'integer', minimum: 0, maximum: 10 }));
  return copy;
}

describe('adding an operation and a query filter to the API definition', async () => {
  const cat = await catalog();
  const input = { ...cat, api: extended(cat.api) };
  const tree = await surfaceTree(input);
  afterAll(() => tree.remove());

  it('appear in the OpenAPI document', () => {
    const doc = JSON.parse(tree.text('generated/openapi.json'));
    const op = doc.paths[PATH].get;
    expect(op.operationId).toBe(OP);
    expect(op['x-required-scope']).toBe('open:command:read');
    expect(op.parameters.map((p: any) => p.name)).toEqual(['zz_kind']);
    expect(Object.keys(op.responses)).toEqual(['200', '400', '401', '403', '500']);
    expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ZzProbeList' });
    expect(doc.components.schemas.ZzProbeList).toBeDefined();
    const list = doc.paths['/api/v1/open/downlink/commands'].get;
    expect(list.parameters.find((p: any) => p.name === FILTER).schema).toEqual({ type: 'integer', minimum: 0, maximum: 10 });
    expect(tree.text('generated/types.ts')).toContain(FILTER);
  });

  it('appear in the validators, which enforce the new constraints', async () => {
    const v = await tree.load('generated/server/validators.js');
    expect(v.validateListCommandsQuery({ [FILTER]: '3' })).toEqual({ ok: true, value: { [FILTER]: 3 } });
    expect(v.validateListCommandsQuery({ [FILTER]: '11' })).toMatchObject({ ok: false, issues: [{ field: FILTER, rule: 'maximum' }] });
    expect(v.validateListZzProbesQuery({ zz_kind: 'a' })).toEqual({ ok: true, value: { zz_kind: 'a' } });
    expect(v.validateListZzProbesQuery({ zz_kind: 'c' })).toMatchObject({ ok: false, issues: [{ field: 'zz_kind', rule: 'enum' }] });
  });

  it('appear in the routes and the client', () => {
    const routes = tree.text('generated/server/routes.ts');
    expect(routes).toContain(OP);
    expect(routes).toContain('/api/v1/open/zz-probes');
    const client = tree.text('generated/client/index.ts');
    expect(client).toContain(OP);
    expect(client).toContain(PATH);
  });

  it('appear in the docs HTML', async () => {
    const files = await generate(input, { only: ['docs'] });
    const def = redocDefinition(String(files[0]!.content));
    expect(def.paths[PATH].get.operationId).toBe(OP);
    expect(def.paths['/api/v1/open/downlink/commands'].get.parameters.map((p: any) => p.name)).toContain(FILTER);
  });

  it('change the hash every generated header carries', () => {
    expect(hashCatalog(input)).not.toBe(hashCatalog(cat));
  });

  it('are not in the repository definition', async () => {
    const plain = await generate(cat, { only: ['openapi'] });
    for (const f of plain) {
      expect(String(f.content)).not.toContain(OP);
      expect(String(f.content)).not.toContain(FILTER);
    }
  });
});
