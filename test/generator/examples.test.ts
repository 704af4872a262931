/**
 * generated/examples.json content: the valid example of every command passes its variant schema and
 * every invalid example fails it with an error on the stated field and rule (checked with a plain
 * Ajv 2020 over the document here; engineer B's test does the same with the generated validators).
 */
import { describe, expect, it } from 'vitest';
import { buildContext } from '../../generator/generate.js';
import { buildExamples, commandExamples } from '../../generator/emitters/examples.js';
import { ajvFor, catalog, issueField, syntheticCommand } from './helpers.js';

const cat = await catalog();
const withSynthetic = { ...cat, commands: [...cat.commands, syntheticCommand()] };
const { openapi } = buildContext(withSynthetic);
const validator = ajvFor(openapi);
const examples = buildExamples(withSynthetic.commands, cat.api);

describe('examples', () => {
  it('has a valid example per command that passes its variant schema', () => {
    expect(Object.keys(examples.commands)).toEqual(withSynthetic.commands.map((c) => c.command_type));
    for (const c of withSynthetic.commands) {
      const v = validator(`CreateCommand_${c.command_type}`);
      const ex = examples.commands[c.command_type]!;
      expect(ex.valid[0]!.body.payload).toEqual(c.example);
      const ok = v(ex.valid[0]!.body);
      expect(ok, `${c.command_type}: ${JSON.stringify(v.errors)}`).toBe(true);
    }
  });

  it('every invalid example fails with an error naming its field and rule', () => {
    let n = 0;
    for (const c of withSynthetic.commands) {
      const v = validator(`CreateCommand_${c.command_type}`);
      for (const bad of examples.commands[c.command_type]!.invalid) {
        n++;
        expect(v(bad.body), `${c.command_type} / ${bad.name} should fail`).toBe(false);
        const got = (v.errors ?? []).map((e: any) => `${issueField(e)} ${e.keyword}`);
        expect(got, `${c.command_type} / ${bad.name}`).toContain(`${bad.field} ${bad.rule}`);
      }
    }
    expect(n).toBeGreaterThan(withSynthetic.commands.length);
  });

  it('covers every constraint kind of the synthetic command', () => {
    const ex = commandExamples(syntheticCommand(), cat.api);
    const got = new Set(ex.invalid.map((i) => `${i.field} ${i.rule}`));
    for (const want of [
      'payload.mode required', 'payload.mode enum', 'payload.mode type',
      'payload.speed minimum', 'payload.speed maximum',
      'payload.lens enum',
      'payload.label x-max-bytes', 'payload.enabled type',
      'payload.target.height required', 'payload.target.height minimum', 'payload.target.name maxLength',
      'payload.points maxItems', 'payload.points minItems', 'payload.points[0].x maximum',
      'payload.points[0].x type',
    ]) expect(got, want).toContain(want);
    expect([...got].some((g) => g.startsWith('payload.') && g.endsWith(' additionalProperties'))).toBe(true);
    expect([...got].some((g) => g.startsWith('payload.target.') && g.endsWith(' additionalProperties'))).toBe(true);
    // x-max-bytes uses 2-byte characters: under the limit in characters, over it in bytes.
    const mb = ex.invalid.find((i) => i.rule === 'x-max-bytes')!;
    const label = (mb.body.payload as any).label as string;
    expect(label.length).toBeLessThanOrEqual(16);
    expect(Buffer.byteLength(label)).toBeGreaterThan(16);
  });

  it('has envelope cases with the expected error code', () => {
    const codes = examples.envelope.invalid.map((e) => e.code);
    expect(codes).toContain('UNSUPPORTED_VENDOR');
    expect(codes).toContain('UNSUPPORTED_COMMAND');
    for (const e of examples.envelope.invalid.filter((x) => x.code === 'VALIDATION_FAILED' && x.field)) {
      const v = validator(`CreateCommand_${cat.commands[0]!.command_type}`);
      expect(v(e.body), e.name).toBe(false);
      expect((v.errors ?? []).map((x: any) => `${issueField(x)} ${x.keyword}`), e.name).toContain(`${e.field} ${e.rule}`);
    }
  });
});
