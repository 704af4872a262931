/**
 * The add-a-command test (issue 2 §4): a command added to a copy of the catalog appears in the
 * spec, the examples, the client, the routes/validators and the docs HTML, after one in-memory
 * `generate()`; the real outputs do not have it (so the assertions can fail).
 */
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/generate.js';
import { catalog, redocDefinition, syntheticCommand } from './helpers.js';

const NAME = 'zz_added_by_test';

describe('adding a command to the catalog', async () => {
  const cat = await catalog();
  const files = await generate({ ...cat, commands: [...cat.commands, syntheticCommand(NAME)] });
  const text = (p: string) => {
    const f = files.find((x) => x.path === p);
    expect(f, `${p} generated`).toBeDefined();
    return typeof f!.content === 'string' ? f!.content : Buffer.from(f!.content).toString('utf8');
  };

  it('appears in the spec (variant, mapping, payload schema, example)', () => {
    const doc = JSON.parse(text('generated/openapi.json'));
    expect(doc.components.schemas.CreateCommandRequest.discriminator.mapping[NAME]).toBe(`#/components/schemas/CreateCommand_${NAME}`);
    expect(Object.keys(doc.components.schemas[`Payload_${NAME}`].properties)).toEqual(['mode', 'speed', 'lens', 'label', 'enabled', 'target', 'points']);
    expect(doc.paths['/api/v1/open/downlink/commands'].post.requestBody.content['application/json'].examples[NAME]).toBeDefined();
    expect(text('generated/openapi.yaml')).toContain(`CreateCommand_${NAME}:`);
    expect(JSON.parse(text('generated/examples.json')).commands[NAME].invalid.length).toBeGreaterThan(10);
  });

  it('appears in the client and in the routes/validators', () => {
    expect(text('generated/client/index.ts')).toContain(NAME);
    const server = files.filter((f) => f.path.startsWith('generated/server/')).map((f) => String(f.content)).join('\n');
    expect(server).toContain(NAME);
  });

  it('appears in the docs HTML with its samples', () => {
    const def = redocDefinition(text('docs/reference/index.html'));
    const tag = def.tags.find((t: any) => t.name === NAME);
    expect(tag).toBeDefined();
    for (const s of ['#### cURL', '#### TypeScript', '#### Go', `client.commands.${NAME}(`]) expect(tag.description).toContain(s);
    expect(def['x-tagGroups'].find((g: any) => g.name === 'Commands: device').tags).toContain(NAME);
  });

  it('is not in a generation without it', async () => {
    const plain = await generate(cat, { only: ['openapi', 'examples'] });
    for (const f of plain) expect(String(f.content)).not.toContain(NAME);
  });
});
