/**
 * The OpenAPI document: valid 3.1 (redocly lint, recommended ruleset: 0 errors, 0 warnings), every
 * catalog command as a discriminated variant with every seed field (names, types, required flags,
 * constraints), every operation with its scope, parameters and documented error statuses.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AUTH_ERRORS, ERROR_CODES, OPERATIONS } from '../../spec/api.js';
import type { Field } from '../../spec/types.js';
import { buildContext } from '../../generator/generate.js';
import { runRedocly } from '../../generator/emitters/docs.js';
import { catalog, syntheticCommand } from './helpers.js';

const cat = await catalog();
const { openapi: doc } = buildContext(cat);
const schemas = doc.components.schemas as Record<string, any>;

/** Assert a schema carries exactly what the catalog field says. */
function expectField(f: Field, s: any, path: string): void {
  expect(s.type, `${path} type`).toBe(f.type);
  if (f.deprecated) expect(s.deprecated, `${path} deprecated`).toBe(true);
  switch (f.type) {
    case 'string':
      if (f.enum) expect(s.enum, `${path} enum`).toEqual(f.enum.map((m) => m.value));
      if (f.enum) for (const m of f.enum) expect(s['x-enumDescriptions'][String(m.value)]).toBe(m.meaning);
      if (f.maxBytes !== undefined) expect(s['x-max-bytes'], `${path} x-max-bytes`).toBe(f.maxBytes);
      if (f.maxLength !== undefined) expect(s.maxLength).toBe(f.maxLength);
      if (f.pattern !== undefined) expect(s.pattern).toBe(f.pattern);
      break;
    case 'integer':
    case 'number':
      if (f.type === 'integer' && f.enum) expect(s.enum, `${path} enum`).toEqual(f.enum.map((m) => m.value));
      if (f.type === 'integer' && f.enum) for (const m of f.enum) expect(s.description).toContain(m.meaning);
      expect(s.minimum, `${path} minimum`).toBe(f.minimum);
      expect(s.maximum, `${path} maximum`).toBe(f.maximum);
      break;
    case 'object':
      expect(s.additionalProperties, `${path} closed/open`).toBe(f.open === true);
      expectObject(f.properties ?? {}, s, path);
      break;
    case 'array':
      expect(s.maxItems, `${path} maxItems`).toBe(f.maxItems);
      expect(s.minItems, `${path} minItems`).toBe(f.minItems);
      expectField(f.items, s.items, `${path}[]`);
      break;
  }
  if (f.unit) expect(s.description, `${path} unit in description`).toContain(f.unit);
}

function expectObject(fields: Record<string, Field>, s: any, path: string): void {
  expect(Object.keys(s.properties ?? {}), `${path} property names`).toEqual(Object.keys(fields));
  expect(s.required ?? [], `${path} required`).toEqual(Object.keys(fields).filter((k) => fields[k]!.required));
  for (const [k, f] of Object.entries(fields)) expectField(f, s.properties[k], `${path}.${k}`);
}

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and lints clean with the recommended ruleset (0 errors, 0 warnings)', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const dir = await mkdtemp(join(tmpdir(), 'dockgate-lint-'));
    try {
      const file = join(dir, 'openapi.yaml');
      await writeFile(file, stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 }));
      const r = await runRedocly(['lint', file, '--config', join(import.meta.dirname, '../../redocly.yaml'), '--format', 'json']);
      const json = JSON.parse(r.output.slice(r.output.indexOf('{'), r.output.lastIndexOf('}') + 1));
      const problems = (json.problems ?? []).map((p: any) => `${p.severity} ${p.ruleId}: ${p.message} @ ${p.location?.[0]?.pointer}`);
      expect(problems).toEqual([]);
      expect(json.totals).toMatchObject({ errors: 0, warnings: 0 });
      expect(r.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('lint fails on a broken document (the lint check can fail)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dockgate-lint-'));
    try {
      const broken = structuredClone(doc) as any;
      broken.components.schemas.CreateCommandRequest.oneOf.push({ $ref: '#/components/schemas/NoSuchSchema' });
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(broken));
      const r = await runRedocly(['lint', file, '--config', join(import.meta.dirname, '../../redocly.yaml'), '--format', 'json']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('no-unresolved-refs');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has one discriminated variant per catalog command, with every payload field', () => {
    const union = schemas.CreateCommandRequest;
    expect(union.discriminator.propertyName).toBe('command_type');
    expect(union.oneOf).toHaveLength(cat.commands.length);
    const mapping = union.discriminator.mapping as Record<string, string>;
    expect(Object.keys(mapping)).toEqual(cat.commands.map((c) => c.command_type));
    const examples = doc.paths['/api/v1/open/downlink/commands']!.post.requestBody.content['application/json'].examples;
    for (const c of cat.commands) {
      const name = `CreateCommand_${c.command_type}`;
      expect(mapping[c.command_type]).toBe(`#/components/schemas/${name}`);
      const v = schemas[name];
      expect(v.properties.command_type.const).toBe(c.command_type);
      expect(v.required).toEqual(['vendor', 'device_id', 'command_type', 'payload', 'idempotency_key']);
      expect(v.additionalProperties).toBe(false);
      expect(v.allOf).toBeUndefined();
      expect(v.properties.payload.$ref).toBe(`#/components/schemas/Payload_${c.command_type}`);
      const p = schemas[`Payload_${c.command_type}`];
      expect(p.additionalProperties, `${c.command_type} payload closed`).toBe(false);
      expectObject(c.payload, p, c.command_type);
      expect(examples[c.command_type].value.command_type).toBe(c.command_type);
      expect(examples[c.command_type].value.payload).toEqual(c.example);
      expect(v['x-codeSamples'].map((s: any) => s.label)).toEqual(['cURL', 'TypeScript', 'Go']);
      expect(v['x-dji'].transport).toBe(c.transport);
      expect(v['x-dji'].reply).toBe(c.reply);
    }
  });

  it('documents each command on its own tag page, grouped by domain, with protocol facts, wire translation and samples', () => {
    const tags = new Map((doc.tags as any[]).map((t) => [t.name, t]));
    const grouped = new Set(doc['x-tagGroups'].flatMap((g) => g.tags));
    for (const t of tags.keys()) expect(grouped.has(t), `tag ${t} in a group (Redoc hides ungrouped tags)`).toBe(true);
    for (const c of cat.commands) {
      const t = tags.get(c.command_type);
      expect(t, c.command_type).toBeDefined();
      expect(t['x-traitTag']).toBe(true);
      const md: string = t.description;
      expect(md).toContain('### Payload');
      expect(md).toContain('### DJI protocol');
      expect(md).toContain(`thing/product/{gateway_sn}/${c.transport}`);
      if (c.progress) expect(md).toContain(`\`${c.progress.event_method}\` events`);
      if (c.wire) expect(md).toContain('### Wire translation');
      for (const s of ['#### cURL', '#### TypeScript', '#### Go']) expect(md).toContain(s);
      for (const k of Object.keys(c.payload)) expect(md).toContain(`\`${k}\``);
    }
  });

  it('has every operation with its scope, parameters and a response for every documented status', () => {
    for (const op of OPERATIONS) {
      const o = doc.paths[op.path]?.[op.method];
      expect(o, op.operationId).toBeDefined();
      expect(o.operationId).toBe(op.operationId);
      expect(o['x-required-scope']).toBe(op.scope);
      expect(o.description).toContain(op.scope);
      const success = Object.keys(op.responses)[0]!;
      expect(Object.keys(o.responses)).toContain(success);
      expect(o.responses[success].headers['X-Request-Id']).toBeDefined();
      for (const code of [...op.errors, ...AUTH_ERRORS]) {
        const r = o.responses[String(ERROR_CODES[code].status)];
        expect(r, `${op.operationId} ${code}`).toBeDefined();
        expect(r.content['application/json'].examples[code].value.code).toBe(code);
      }
    }
    const create = doc.paths['/api/v1/open/downlink/commands']!.post;
    expect(create.responses['202'].headers['Idempotent-Replayed']).toBeDefined();
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['ApiId', 'ApiTimestamp', 'ApiNonce', 'ApiSignature']);
    expect(doc.security).toEqual([{ ApiId: [], ApiTimestamp: [], ApiNonce: [], ApiSignature: [] }]);
    expect(String(doc.components.securitySchemes.ApiSignature!.description)).toContain('docs/signing.md');
    expect(String(doc.components.securitySchemes.ApiSignature!.description)).toContain('(/docs/guides/signing.html)');
  });

  it('is deterministic and rejects a duplicate command_type', () => {
    expect(JSON.stringify(buildContext(cat).openapi)).toBe(JSON.stringify(doc));
    const c = syntheticCommand();
    expect(() => buildContext({ ...cat, commands: [...cat.commands, c, c] })).toThrow(/duplicate command_type zz_synthetic_probe/);
  });
});
