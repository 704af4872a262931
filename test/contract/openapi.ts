/**
 * The generated OpenAPI document as the contract: which operation a request hits, which response
 * statuses and error codes it documents, and a checker that validates a real response (status,
 * media type, headers, body) against it with Ajv (JSON Schema 2020-12, formats on). Everything
 * is read from `generated/openapi.json`, so a new operation or status brings its own checks.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

type Json = Record<string, any>;

export const OPENAPI_PATH = fileURLToPath(new URL('../../generated/openapi.json', import.meta.url));

/** One documented response of an operation. */
export interface DocumentedResponse {
  status: number;
  /** Error codes the document lists for this status (keys of its `examples`); empty for 2xx. */
  codes: string[];
  /** Declared response headers (name → schema). */
  headers: Record<string, Json>;
  mediaTypes: string[];
}

/** One operation of the document. */
export interface Operation {
  operationId: string;
  method: string;
  /** OpenAPI path template, e.g. `/api/v1/open/downlink/commands/{command_id}`. */
  path: string;
  re: RegExp;
  responses: Map<number, DocumentedResponse>;
  /** Success status (the 2xx one). */
  success: number;
  /** Scope the operation needs (`x-required-scope`). */
  scope: string;
}

/** Something a response does that the document does not describe. */
export interface Violation {
  operationId: string | null;
  method: string;
  path: string;
  status: number;
  problem: string;
}

/** What the checker saw: the operation, status and (for errors) code. */
export interface Observation {
  operationId: string;
  status: number;
  code: string | null;
  body: unknown;
}

function pointerEscape(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The document, its operations and compiled response validators. */
export class Contract {
  readonly doc: Json;
  readonly operations: Operation[] = [];
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(path: string = OPENAPI_PATH) {
    this.doc = JSON.parse(readFileSync(path, 'utf8'));
    // strict: false because the document carries OpenAPI keywords (example, discriminator, x-*).
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc, 'openapi.json');
    for (const [path, item] of Object.entries<Json>(this.doc.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        if (typeof op !== 'object' || op === null || !op.responses) continue;
        const responses = new Map<number, DocumentedResponse>();
        for (const [status, r] of Object.entries<Json>(op.responses)) {
          const content: Json = r.content ?? {};
          const examples = Object.values<Json>(content).flatMap((m) => Object.keys(m.examples ?? {}));
          const headers: Record<string, Json> = {};
          for (const [name, h] of Object.entries<Json>(r.headers ?? {})) headers[name] = this.deref(h);
          responses.set(Number(status), { status: Number(status), codes: Number(status) >= 400 ? examples : [], headers, mediaTypes: Object.keys(content) });
        }
        const re = new RegExp('^' + path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+') + '$');
        const success = [...responses.keys()].find((s) => s >= 200 && s < 300) ?? 200;
        this.operations.push({ operationId: op.operationId, method: method.toUpperCase(), path, re, responses, success, scope: String(op['x-required-scope'] ?? '') });
      }
    }
  }

  private deref(o: Json): Json {
    let cur = o;
    while (cur && typeof cur.$ref === 'string') {
      const parts = cur.$ref.replace(/^#\//, '').split('/').map((p: string) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
      cur = parts.reduce((acc: Json, k: string) => acc?.[k], this.doc);
    }
    return cur;
  }

  /** The operation a request hits, or undefined (routes outside the document, e.g. `/mock/v1`). */
  operationFor(method: string, pathname: string): Operation | undefined {
    const m = method.toUpperCase();
    return this.operations.find((o) => o.method === m && o.re.test(pathname));
  }

  private validator(op: Operation, status: number, mediaType: string): ValidateFunction {
    const key = `${op.operationId} ${status} ${mediaType}`;
    let v = this.validators.get(key);
    if (!v) {
      const ref = `openapi.json#/paths/${pointerEscape(op.path)}/${op.method.toLowerCase()}/responses/${status}/content/${pointerEscape(mediaType)}/schema`;
      v = this.ajv.getSchema(ref);
      if (!v) throw new Error(`no schema at ${ref}`);
      this.validators.set(key, v);
    }
    return v;
  }

  /**
   * Check one response against the document. Returns the observation (when the request hit a
   * documented operation) and every violation: undocumented status, media type or error code,
   * a body the schema rejects, a declared header with a value its schema rejects, a missing
   * `X-Request-Id`, an error body whose `request_id` differs from that header.
   */
  check(method: string, url: string, status: number, headers: Headers, bodyText: string): { observation: Observation | null; violations: Violation[] } {
    const pathname = new URL(url).pathname;
    const op = this.operationFor(method, pathname);
    const violations: Violation[] = [];
    const fail = (problem: string) => violations.push({ operationId: op?.operationId ?? null, method, path: pathname, status, problem });
    if (!op) return { observation: null, violations };
    const documented = op.responses.get(status);
    if (!documented) {
      fail(`status ${status} is not documented for ${op.operationId} (documented: ${[...op.responses.keys()].join(', ')}); body ${bodyText.slice(0, 300)}`);
      return { observation: { operationId: op.operationId, status, code: null, body: undefined }, violations };
    }
    const ct = (headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    let body: unknown;
    if (documented.mediaTypes.length > 0) {
      if (!documented.mediaTypes.includes(ct)) fail(`content-type ${JSON.stringify(ct)} is not one of ${documented.mediaTypes.join(', ')}`);
      // A stream never ends: its media type and headers are checked, its frames by the stream tests.
      if (ct !== 'text/event-stream') {
        try {
          body = JSON.parse(bodyText);
        } catch {
          fail(`body is not JSON: ${bodyText.slice(0, 200)}`);
        }
      }
      if (body !== undefined && documented.mediaTypes.includes(ct)) {
        const v = this.validator(op, status, ct);
        if (!v(body)) fail(`body does not match the ${status} schema: ${this.ajv.errorsText(v.errors, { separator: '; ' })}`);
      }
    } else if (bodyText.length > 0) {
      fail(`a body is sent but ${status} documents none`);
    }
    for (const [name, h] of Object.entries(documented.headers)) {
      const value = headers.get(name);
      if (value === null) {
        if (name.toLowerCase() === 'x-request-id' || h.required === true) fail(`header ${name} is missing`);
        continue;
      }
      if (h.schema) {
        const v = this.ajv.compile(h.schema);
        if (!v(value)) fail(`header ${name}: ${JSON.stringify(value)} ${this.ajv.errorsText(v.errors)}`);
      }
    }
    let code: string | null = null;
    if (status >= 400 && body && typeof body === 'object') {
      const b = body as { code?: unknown; request_id?: unknown };
      code = typeof b.code === 'string' ? b.code : null;
      if (code !== null && !documented.codes.includes(code)) fail(`error code ${code} is not documented for ${op.operationId} ${status} (documented: ${documented.codes.join(', ')})`);
      const rid = headers.get('x-request-id');
      if (rid !== null && b.request_id !== rid) fail(`request_id ${JSON.stringify(b.request_id)} differs from X-Request-Id ${JSON.stringify(rid)}`);
    }
    return { observation: { operationId: op.operationId, status, code, body }, violations };
  }

  /** Every (operation, status, code) the document describes; code null for 2xx. */
  documentedOutcomes(): { operationId: string; status: number; code: string | null }[] {
    const out: { operationId: string; status: number; code: string | null }[] = [];
    for (const op of this.operations) {
      for (const r of op.responses.values()) {
        if (r.codes.length === 0) out.push({ operationId: op.operationId, status: r.status, code: null });
        else for (const code of r.codes) out.push({ operationId: op.operationId, status: r.status, code });
      }
    }
    return out;
  }
}
