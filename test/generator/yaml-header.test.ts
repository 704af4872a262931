/** The YAML writer round-trips (through the `yaml` parser) and the header helpers behave. */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildContext } from '../../generator/generate.js';
import { canonicalJson, catalogHash, hasGeneratedHeader, headerText, jsonWithHeader, withHeader } from '../../generator/header.js';
import { toYaml } from '../../generator/yaml.js';
import { catalog } from './helpers.js';

describe('toYaml', () => {
  it('round-trips the OpenAPI document', async () => {
    const { openapi } = buildContext(await catalog());
    expect(parse(toYaml(openapi as any))).toEqual(JSON.parse(JSON.stringify(openapi)));
  });

  it('round-trips strings YAML would misread as other types or syntax', () => {
    const tricky: Record<string, unknown> = {
      yes: 'yes', no: 'No', nul: 'null', tilde: '~', num: '1.0', hex: '0x1F', dot5: '.5', exp: '1e3', neg: '-1',
      lead: ' lead', trail: 'trail ', colon: 'a: b', hash: 'a #b', dash: '- x', q: '?q', at: '@a', bang: '!b', pct: '%p', star: '*s', amp: '&a',
      pipe: '|p', gt: '>g', tick: '`t', quote: "it's", dq: 'say "hi"', empty: '', multi: 'one\ntwo', multiTrail: 'one\ntwo\n', multiBlank: 'a\n\nb',
      multiTrail2: 'a\n\n', crlf: 'a\r\nb', uline: 'x\u2028y', unicode: 'café ünï 中文', tab: 'a\tb', indented: '  x\ny', leadNl: '\n  x\ny', wsLine: 'a\n   \nb', tabFirst: '\tx\ny', brace: '{a}', bracket: '[a]',
      nested: { '/p/{id}': { get: [1, 'two', { three: [] }, [], {}, [[null, true, false]]] } }, 'key with: colon': 1, '': 'empty key', '1': 'numeric key', 'true': 'bool key',
      big: 12345678901234, float: -0.25,
    };
    expect(parse(toYaml(tricky))).toEqual(tricky);
  });

  it('rejects values JSON cannot carry', () => {
    expect(() => toYaml({ f: () => 1 } as any)).toThrow(/cannot serialise function/);
    expect(() => toYaml({ n: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('header', () => {
  it('uses the comment syntax of each file type and is recognised', () => {
    const h = headerText('abcdef0123456789');
    expect(withHeader('a.ts', 'x', 'abcdef0123456789')).toBe(`// ${h}\nx`);
    expect(withHeader('a.d.ts', 'x', 'abcdef0123456789')).toBe(`// ${h}\nx`);
    expect(withHeader('a.yaml', 'x', 'abcdef0123456789')).toBe(`# ${h}\nx`);
    expect(withHeader('a.html', '<!DOCTYPE html>\n<html>', 'abcdef0123456789')).toBe(`<!DOCTYPE html>\n<!-- ${h} -->\n<html>`);
    expect(() => withHeader('a.json', '{}', 'x')).toThrow(/jsonWithHeader/);
    const j = jsonWithHeader({ a: 1 }, 'abcdef0123456789');
    expect(Object.keys(JSON.parse(j))).toEqual(['x-generated', 'a']);
    for (const t of [withHeader('a.ts', 'x', 'h'), withHeader('a.yaml', 'x', 'h'), j]) expect(hasGeneratedHeader(t)).toBe(true);
    expect(hasGeneratedHeader('// hand written')).toBe(false);
  });

  it('hashes canonically: key order does not matter, translate source does', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: undefined }] })).toBe('{"a":[1,{"d":2}],"b":1}');
    expect(catalogHash({ a: 1, b: 2 })).toBe(catalogHash({ b: 2, a: 1 }));
    expect(catalogHash({ t: (p: any) => p })).not.toBe(catalogHash({ t: (p: any) => ({ ...p }) }));
    expect(catalogHash({ a: 1 })).toMatch(/^[0-9a-f]{16}$/);
  });
});
