/** Unit tests of the catalog fill (pure logic): markers and placeholders in, catalog values out. */
import { describe, expect, it } from 'vitest';
import { API } from '../../spec/api.js';
import type { CommandDef } from '../../spec/types.js';
import { fillFromCatalog, type CatalogView } from './catalog-values.js';

const cmd = (command_type: string, extra: Partial<CommandDef> = {}) =>
  ({ command_type, summary: `${command_type} summary`, payload: {}, example: { n: 1 }, ...extra }) as unknown as CommandDef;

const view = (commands: CommandDef[]): CatalogView => ({ commands, deviceRequests: [], api: API, samples: new Map() });

describe('fillFromCatalog', () => {
  it('replaces {{name}} in strings and leaves other braces alone', () => {
    expect(fillFromCatalog({ a: 'one of {{commandCount}} on `{gateway_sn}`', b: ['{{knownRequestTypes}}x'] }, view([cmd('a'), cmd('b')]))).toEqual({
      a: 'one of 2 on `{gateway_sn}`',
      b: ['x'],
    });
  });

  it('replaces a { $catalog } value, filling the example template with the chosen command', () => {
    const progress = { event_method: 'e' } as CommandDef['progress'];
    const out = fillFromCatalog({ ex: { $catalog: 'exampleProgressCommand' } }, view([cmd('a'), cmd('b', { progress })])) as { ex: Record<string, unknown> };
    expect(out.ex).toMatchObject({ command_type: 'b', payload: { n: 1 }, idempotency_key: 'req-b-001', progress: API.examples.progress });
    expect(Object.keys(out.ex)).toEqual(Object.keys(API.examples.command));
  });

  it('drops a key whose catalog value is undefined (no samples in an empty catalog)', () => {
    expect(fillFromCatalog({ s: { $catalog: 'createCommandSamples' }, k: 1 }, view([]))).toEqual({ k: 1 });
  });

  it('rejects unknown names', () => {
    expect(() => fillFromCatalog('{{nope}}', view([]))).toThrow(/unknown catalog text \{\{nope\}\}/);
    expect(() => fillFromCatalog({ $catalog: 'nope' }, view([]))).toThrow(/unknown catalog value nope/);
  });

  it('returns a copy: the definition is never changed', () => {
    const def = { a: ['{{commandCount}}'] };
    fillFromCatalog(def, view([cmd('a')]));
    expect(def).toEqual({ a: ['{{commandCount}}'] });
  });
});
