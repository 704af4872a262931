/**
 * A small, typed view of the OpenAPI document for the TypeScript-surface emitters (validators,
 * client, routes): the operations with their parameters, body and success response, and the
 * create-command discriminated union with one entry per command.
 *
 * Reads only the document (`ctx.openapi`), so the surfaces follow whatever generator/openapi/
 * built. Local `$ref`s (`#/components/...`) are resolved; anything else is an error naming the
 * operation, because the generator never emits external refs.
 */

/** Plain JSON object (schema, operation, parameter...). */
export type Json = Record<string, unknown>;

/** The part of an OpenAPI 3.1 document these emitters read. */
export interface OpenApiLike {
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Json>; [k: string]: unknown };
  [k: string]: unknown;
}

export interface ParamInfo {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  /** The parameter schema as written (may be a `$ref`). */
  schema: Json;
  description?: string;
}

/** A request body or response schema: `$ref` target name when it is a component ref. */
export interface SchemaUse {
  schema: Json;
  /** Component name when the schema is `{ $ref: '#/components/schemas/<name>' }`. */
  component?: string;
}

/** One command variant of the create-command union. */
export interface VariantInfo {
  /** Discriminator value (`command_type`). */
  value: string;
  /** Component name of the variant, e.g. `CreateCommand_cover_open`. */
  component: string;
  /** JSON pointer (within the document) of the variant's payload schema. */
  payloadPointer: string;
  /** Component name of the payload when the variant refs it, e.g. `Payload_cover_open`. */
  payloadComponent?: string;
}

/** A body schema that is a `oneOf` with a `discriminator` (the create-command body). */
export interface UnionInfo {
  component?: string;
  propertyName: string;
  variants: VariantInfo[];
  /** `const` every variant gives `vendor`, when they all agree (drives UNSUPPORTED_VENDOR). */
  vendorConst?: string;
}

export interface OperationInfo {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, e.g. `/api/v1/open/downlink/commands/{command_id}`. */
  path: string;
  /** Hono path, e.g. `/api/v1/open/downlink/commands/:command_id`. */
  honoPath: string;
  summary: string;
  description: string;
  /** `x-required-scope` of the operation. */
  scope: string;
  pathParams: ParamInfo[];
  queryParams: ParamInfo[];
  body?: SchemaUse & { required: boolean; union?: UnionInfo };
  /** Lowest 2xx status and its JSON schema. */
  /** `stream`: the success answer is `text/event-stream` (Server-Sent Events), not JSON. */
  success: { status: number; body?: SchemaUse; stream?: boolean };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Resolve a local `$ref` (one level at a time, until a non-ref object). Throws on dangling refs. */
export function deref(doc: OpenApiLike, v: unknown, where: string): Json {
  let cur = v as Json;
  for (let hops = 0; cur && typeof cur.$ref === 'string'; hops++) {
    if (hops > 32) throw new Error(`${where}: $ref cycle at ${String(cur.$ref)}`);
    cur = resolvePointer(doc, cur.$ref as string, where);
  }
  if (!cur || typeof cur !== 'object') throw new Error(`${where}: expected an object`);
  return cur;
}

/** Value at a local `#/...` JSON pointer of `doc`. */
export function resolvePointer(doc: OpenApiLike, ref: string, where: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`${where}: only local $refs are supported, got ${ref}`);
  let cur: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    cur = cur && typeof cur === 'object' ? (cur as Json)[key] : undefined;
    if (cur === undefined) throw new Error(`${where}: dangling $ref ${ref}`);
  }
  return cur as Json;
}

/** Component name of `{ $ref: '#/components/schemas/<name>' }`, else undefined. */
export function componentName(schema: unknown): string | undefined {
  const ref = (schema as Json | undefined)?.$ref;
  if (typeof ref !== 'string') return undefined;
  const m = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
  return m ? decodeURIComponent(m[1]!).replace(/~1/g, '/').replace(/~0/g, '~') : undefined;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `#/components/schemas/<name>` (escaped). */
export function schemaPointer(name: string): string {
  return `#/components/schemas/${escapePointer(name)}`;
}

function jsonSchemaOf(doc: OpenApiLike, content: unknown, where: string): Json | undefined {
  const media = (content as Json | undefined)?.['application/json'] as Json | undefined;
  if (!media) return undefined;
  if (!media.schema) throw new Error(`${where}: application/json without schema`);
  return media.schema as Json;
}

function unionOf(doc: OpenApiLike, schema: Json, where: string): UnionInfo | undefined {
  const s = deref(doc, schema, where);
  const disc = s.discriminator as Json | undefined;
  if (!Array.isArray(s.oneOf) || !disc || typeof disc.propertyName !== 'string') return undefined;
  const propertyName = disc.propertyName;
  const variants: VariantInfo[] = [];
  const vendors = new Set<unknown>();
  for (const [i, branch] of (s.oneOf as Json[]).entries()) {
    const component = componentName(branch);
    if (!component) throw new Error(`${where}: oneOf[${i}] must be a $ref to a component (flat variants)`);
    const v = deref(doc, branch, `${where} oneOf[${i}]`);
    const props = (v.properties ?? {}) as Record<string, Json>;
    const tag = props[propertyName] ? deref(doc, props[propertyName], `${component}.${propertyName}`) : undefined;
    const value = tag?.const ?? (Array.isArray(tag?.enum) && (tag!.enum as unknown[]).length === 1 ? (tag!.enum as unknown[])[0] : undefined);
    if (typeof value !== 'string') throw new Error(`${component}: ${propertyName} must be a string const`);
    const payload = props.payload;
    if (!payload) throw new Error(`${component}: no payload property`);
    const payloadComponent = componentName(payload);
    vendors.add(props.vendor ? deref(doc, props.vendor, `${component}.vendor`).const : undefined);
    variants.push({
      value,
      component,
      payloadComponent,
      payloadPointer: payloadComponent ? schemaPointer(payloadComponent) : `${schemaPointer(component)}/properties/payload`,
    });
  }
  const seen = new Set<string>();
  for (const v of variants) {
    if (seen.has(v.value)) throw new Error(`${where}: duplicate ${propertyName} ${v.value}`);
    seen.add(v.value);
  }
  const [only] = [...vendors];
  return {
    component: componentName(schema),
    propertyName,
    variants,
    vendorConst: vendors.size === 1 && typeof only === 'string' ? only : undefined,
  };
}

/** Every operation of the document, in path order then method order. */
export function operationsOf(doc: OpenApiLike): OperationInfo[] {
  const out: OperationInfo[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    const shared = (item.parameters ?? []) as unknown[];
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const operationId = op.operationId;
      if (typeof operationId !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(operationId)) {
        throw new Error(`${where}: operationId must be a JS identifier, got ${String(operationId)}`);
      }
      const scope = op['x-required-scope'];
      if (typeof scope !== 'string') throw new Error(`${operationId}: missing x-required-scope`);
      const byKey = new Map<string, ParamInfo>();
      for (const p of [...shared, ...((op.parameters ?? []) as unknown[])]) {
        const d = deref(doc, p, `${operationId} parameter`);
        if (d.in !== 'path' && d.in !== 'query') continue; // headers (signing) are handled by middleware
        const schema = (d.schema ?? {}) as Json;
        byKey.set(`${d.in}:${String(d.name)}`, {
          name: String(d.name),
          in: d.in,
          required: d.in === 'path' ? true : d.required === true,
          schema,
          description: typeof d.description === 'string' ? d.description : undefined,
        });
      }
      const params = [...byKey.values()];
      const pathParams = params.filter((p) => p.in === 'path');
      // Path params in template order, so positional client arguments follow the URL.
      const order = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const name of order) {
        if (!pathParams.some((p) => p.name === name)) throw new Error(`${operationId}: path parameter {${name}} is not declared`);
      }
      pathParams.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
      let body: OperationInfo['body'];
      if (op.requestBody) {
        const rb = deref(doc, op.requestBody, `${operationId} requestBody`);
        const schema = jsonSchemaOf(doc, rb.content, `${operationId} requestBody`);
        if (schema) {
          body = { schema, component: componentName(schema), required: rb.required === true, union: unionOf(doc, schema, `${operationId} requestBody`) };
        }
      }
      const statuses = Object.keys((op.responses ?? {}) as Json)
        .filter((s) => /^2\d\d$/.test(s))
        .map(Number)
        .sort((a, b) => a - b);
      if (!statuses.length) throw new Error(`${operationId}: no 2xx response`);
      const status = statuses[0]!;
      const resp = deref(doc, (op.responses as Json)[String(status)], `${operationId} response ${status}`);
      const rs = jsonSchemaOf(doc, resp.content, `${operationId} response ${status}`);
      out.push({
        operationId,
        method,
        path,
        honoPath: path.replace(/\{([^}]+)\}/g, ':$1'),
        summary: typeof op.summary === 'string' ? op.summary : operationId,
        description: typeof op.description === 'string' ? op.description : '',
        scope,
        pathParams,
        queryParams: params.filter((p) => p.in === 'query'),
        body,
        success: { status, body: rs ? { schema: rs, component: componentName(rs) } : undefined, stream: Boolean((resp.content as Json | undefined)?.['text/event-stream']) },
      });
    }
  }
  return out;
}

/** `createCommand` → `CreateCommand`. */
export function pascal(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Whether `s` can be written as a bare property name / identifier. */
export function isIdentifier(s: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(s);
}

/** A single-quoted TS/JS string literal for `s`. */
export function lit(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** A TS property key for `s`: bare when an identifier, quoted otherwise. */
export function propKey(s: string): string {
  return isIdentifier(s) ? s : lit(s);
}

/** Text safe inside a `/** … *\/` JSDoc block. */
export function docText(s: string): string {
  return s.replace(/\*\//g, '*\\/').trim();
}

/** A named TS type alias over generated/types.ts (`Command`, `ListCommandsQuery`...). */
export interface NamedType {
  name: string;
  type: string;
  docs: string;
}

/** The operation's body type name (component name, or `<OperationId>Body`). */
export function bodyTypeName(op: OperationInfo): string | undefined {
  return op.body ? (op.body.component ?? `${pascal(op.operationId)}Body`) : undefined;
}

/** The operation's 2xx body type name (component name, or `<OperationId>Response`). */
export function successTypeName(op: OperationInfo): string | undefined {
  return op.success.body ? (op.success.body.component ?? `${pascal(op.operationId)}Response`) : undefined;
}

/**
 * Names for the request/response types of every operation, over `components`/`operations` of
 * generated/types.ts: body and success schemas by component name (`CreateCommandRequest`,
 * `Command`...), error bodies (`ErrorResponse`), `<OperationId>Query` and `<OperationId>Params`.
 */
export function namedTypes(doc: OpenApiLike, ops: OperationInfo[]): NamedType[] {
  const out = new Map<string, NamedType>();
  const add = (t: NamedType) => {
    if (!out.has(t.name)) out.set(t.name, t);
  };
  const opRef = (op: OperationInfo) => `operations[${lit(op.operationId)}]`;
  const errors = new Set<string>();
  for (const op of ops) {
    const bodyName = bodyTypeName(op);
    if (op.body && bodyName) {
      const rb = `${opRef(op)}['requestBody']`;
      add({
        name: bodyName,
        type: op.body.component
          ? `components['schemas'][${lit(op.body.component)}]`
          : `${op.body.required ? rb : `NonNullable<${rb}>`}['content']['application/json']`,
        docs: `Request body of \`${op.operationId}\`.`,
      });
    }
    const okName = successTypeName(op);
    if (op.success.body && okName) {
      add({
        name: okName,
        type: op.success.body.component
          ? `components['schemas'][${lit(op.success.body.component)}]`
          : `${opRef(op)}['responses'][${op.success.status}]['content']['application/json']`,
        docs: `${op.success.status} response body of \`${op.operationId}\`.`,
      });
    }
    if (op.queryParams.length) {
      add({ name: `${pascal(op.operationId)}Query`, type: `NonNullable<${opRef(op)}['parameters']['query']>`, docs: `Query parameters of \`${op.operationId}\`.` });
    }
    if (op.pathParams.length) {
      add({ name: `${pascal(op.operationId)}Params`, type: `${opRef(op)}['parameters']['path']`, docs: `Path parameters of \`${op.operationId}\`.` });
    }
    const raw = (doc.paths?.[op.path]?.[op.method] as Json | undefined)?.responses as Json | undefined;
    for (const [status, r] of Object.entries(raw ?? {})) {
      if (/^2/.test(status)) continue;
      const resp = deref(doc, r, `${op.operationId} response ${status}`);
      const schema = (resp.content as Json | undefined)?.['application/json'] as Json | undefined;
      const name = componentName(schema?.schema);
      if (name) errors.add(name);
    }
  }
  for (const name of errors) add({ name, type: `components['schemas'][${lit(name)}]`, docs: 'Error response body.' });
  return [...out.values()];
}
