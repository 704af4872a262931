/**
 * One Operation Object from an `OperationDef` (already filled from the catalog): summary, description
 * with the required scope, parameters, request body, code samples, success responses and one
 * response per documented error status (`ErrorResponse` with a named example per code).
 */
import type { ApiDefinition, MediaDef, OperationDef, ResponseDef } from '../../spec/api.js';

type Json = Record<string, unknown>;

const headerRef = (name: string) => ({ $ref: `#/components/headers/${name}` });
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function headers(api: ApiDefinition, names: string[] = []): Json {
  const out: Json = {};
  for (const n of [...api.commonResponseHeaders, ...names]) {
    if (!api.responseHeaders[n]) throw new Error(`api: unknown response header ${n}`);
    out[n] = headerRef(n);
  }
  return out;
}

function media(m: MediaDef): Json {
  const out: Json = { schema: m.schema };
  if (m.example !== undefined) out.example = m.example;
  if (m.examples !== undefined) out.examples = m.examples;
  return { [m.mediaType ?? 'application/json']: out };
}

function response(r: ResponseDef, api: ApiDefinition): Json {
  const out: Json = { description: r.description, headers: headers(api, r.headers) };
  if (r.content) out.content = media(r.content);
  return out;
}

function errorExample(code: string, api: ApiDefinition): Json {
  const v: Json = { code, message: api.errorCodes[code]!.message.replace(/`/g, ''), request_id: api.exampleRequestId };
  const details = api.errorExampleDetails[code];
  if (details) v.details = details;
  return v;
}

/** One response per error status: the operation's codes, then the common ones, grouped by status. */
function errorResponses(op: OperationDef, api: ApiDefinition): Json {
  const byStatus = new Map<number, string[]>();
  for (const c of [...op.errors, ...api.commonErrors]) {
    const e = api.errorCodes[c];
    if (!e) throw new Error(`api: ${op.operationId} documents unknown error code ${c}`);
    const list = byStatus.get(e.status) ?? [];
    if (!list.includes(c)) list.push(c);
    byStatus.set(e.status, list);
  }
  const out: Json = {};
  for (const s of [...byStatus.keys()].sort((a, b) => a - b)) {
    const cs = byStatus.get(s)!;
    out[String(s)] = {
      description: cs.map((c) => `\`${c}\`: ${api.errorCodes[c]!.message}`).join(' '),
      headers: headers(api),
      content: {
        'application/json': {
          schema: schemaRef(api.errorShape),
          examples: Object.fromEntries(cs.map((c) => [c, { summary: c, value: errorExample(c, api) }])),
        },
      },
    };
  }
  return out;
}

/** The Operation Object of `op`. Throws on an unknown scope, header or error code. */
export function operation(op: OperationDef, api: ApiDefinition): Json {
  const scopeText = api.scopes[op.scope];
  if (scopeText === undefined) throw new Error(`api: ${op.operationId} needs unknown scope ${op.scope}`);
  const description = [op.description, `**Required scope:** \`${op.scope}\` — ${scopeText}`, op.details].filter((x) => x !== undefined).join('\n\n');
  const o: Json = { operationId: op.operationId, summary: op.summary, description, tags: [op.tag], 'x-required-scope': op.scope };
  if (op.parameters?.length) o.parameters = op.parameters.map((p) => ({ name: p.name, in: p.in, required: p.required, description: p.description, schema: p.schema }));
  if (op.requestBody) o.requestBody = { required: op.requestBody.required, content: media(op.requestBody.content) };
  if (op.codeSamples !== undefined) o['x-codeSamples'] = op.codeSamples;
  const ok: Json = {};
  for (const [status, r] of Object.entries(op.responses)) ok[status] = response(r!, api);
  if (!Object.keys(ok).length) throw new Error(`api: ${op.operationId} has no success response`);
  o.responses = { ...ok, ...errorResponses(op, api) };
  return o;
}
