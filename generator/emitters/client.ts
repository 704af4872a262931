/**
 * Emits `generated/client/index.ts`, the typed partner client (built with ts-morph):
 *
 * - `createDockgateClient({ baseUrl, apiId, apiKey, fetch? })` on openapi-fetch, with a signing
 *   middleware (`spec/signing.ts`, the server's own implementation) over the exact bytes sent;
 * - one method per operation (`createCommand`, `getCommand`, `listDeviceRequests`...) returning
 *   `{ data, error, response }` like openapi-fetch;
 * - `client.commands.<command_type>({ device_id, payload, idempotency_key?, timeout_seconds? })`:
 *   one typed helper per command, so a partner writes the name once and gets payload completion
 *   and type errors (an idempotency key is generated when omitted);
 * - `waitForCommand(command_id, { timeoutMs })`: long-polls `wait_seconds` until a terminal status.
 */
import { StructureKind, VariableDeclarationKind, type StatementStructures, type WriterFunction } from 'ts-morph';
import { TERMINAL_STATUSES } from '../../spec/api.js';
import { withHeader } from '../header.js';
import {
  bodyTypeName,
  deref,
  docText,
  lit,
  namedTypes,
  operationsOf,
  propKey,
  successTypeName,
  type OperationInfo,
} from './operations.js';
import type { GenerateContext, GeneratedFile } from '../context.js';
import { printFile } from './ts-print.js';

export const CLIENT_PATH = 'generated/client/index.ts';

interface Param {
  name: string;
  type: string;
  optional: boolean;
}

/** Positional parameters of an operation method: path params, then body, then query. */
function methodParams(op: OperationInfo): Param[] {
  const out: Param[] = op.pathParams.map((p) => ({ name: p.name, type: 'string', optional: false }));
  if (op.body) out.push({ name: 'body', type: bodyTypeName(op)!, optional: !op.body.required });
  if (op.queryParams.length) out.push({ name: 'query', type: `${op.operationId.charAt(0).toUpperCase()}${op.operationId.slice(1)}Query`, optional: !op.queryParams.some((p) => p.required) });
  return out;
}

function callWriter(op: OperationInfo): string {
  const init: string[] = [];
  const params: string[] = [];
  if (op.pathParams.length) params.push(`path: { ${op.pathParams.map((p) => p.name).join(', ')} }`);
  if (op.queryParams.length) params.push('query');
  if (params.length) init.push(`params: { ${params.join(', ')} }`);
  if (op.body) init.push('body');
  return `result(await raw.${op.method.toUpperCase()}(${lit(op.path)}, { ${init.join(', ')} }))`;
}

function commandDoc(ctx: GenerateContext, value: string): string[] {
  const c = ctx.commands?.find((x) => x.command_type === value);
  if (!c) return [docText(`Create a \`${value}\` command.`)];
  const lines = [`${c.summary.replace(/\.$/, '')}.`, '', `Domain \`${c.domain}\`; DJI method \`${c.command_type}\`. Resolves with the 202 body (\`command_id\`); follow with \`waitForCommand\`.`];
  if (c.description) lines.push('', c.description);
  if (c.deprecated) lines.push('', '@deprecated Deprecated by DJI (still accepted).');
  return [docText(lines.join('\n'))];
}

function clientFile(ctx: GenerateContext): string {
  const ops = operationsOf(ctx.openapi);
  const named = namedTypes(ctx.openapi, ops);
  const create = ops.find((o) => o.body?.union);
  const union = create?.body?.union;
  const createBody = create ? bodyTypeName(create)! : undefined;
  const createOk = create ? successTypeName(create) : undefined;
  const getCommand = ops.find((o) => o.operationId === 'getCommand' && o.queryParams.some((p) => p.name === 'wait_seconds'));
  const waitParam = getCommand?.queryParams.find((p) => p.name === 'wait_seconds');
  const waitMax = waitParam ? Number(deref(ctx.openapi, waitParam.schema, 'wait_seconds').maximum ?? 30) : 30;
  const errorType = named.some((t) => t.name === 'ErrorResponse') ? 'ErrorResponse' : 'unknown';

  const statements: (string | WriterFunction | StatementStructures)[] = [
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'node:crypto', namedImports: ['randomUUID'] },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'openapi-fetch', defaultImport: 'createClient', namedImports: [{ name: 'Client', isTypeOnly: true }, { name: 'Middleware', isTypeOnly: true }] },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../../spec/signing.js', namedImports: ['signRequest'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedImports: ['components', 'operations', 'paths'] },
    { kind: StructureKind.ExportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedExports: ['components', 'operations', 'paths'] },
    ...named.map((t): StatementStructures => ({ kind: StructureKind.TypeAlias, isExported: true, name: t.name, type: t.type, docs: [t.docs] })),
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'ApiResult',
      typeParameters: ['T'],
      docs: ['Outcome of a call, as openapi-fetch gives it: `data` on 2xx, else `error` (the `{code, message, request_id, details?}` envelope).'],
      type: `{ data: T; error?: undefined; response: Response } | { data?: undefined; error: ${errorType}; response: Response }`,
    },
    {
      kind: StructureKind.Class,
      isExported: true,
      name: 'DockgateApiError',
      extends: 'Error',
      docs: ['Thrown by helpers that return data directly (`waitForCommand`) when the API answers with an error.'],
      ctors: [
        {
          parameters: [
            { name: 'status', type: 'number', isReadonly: true },
            { name: 'error', type: errorType, isReadonly: true },
          ],
          statements: [
            `super(${errorType === 'unknown' ? '`HTTP ${status}`' : "`${error?.code ?? 'HTTP_' + status}: ${error?.message ?? 'request failed'}`"});`,
            "this.name = 'DockgateApiError';",
          ],
        },
      ],
    },
    {
      kind: StructureKind.Interface,
      isExported: true,
      name: 'DockgateClientOptions',
      properties: [
        { name: 'baseUrl', type: 'string', docs: ['Gateway base URL, e.g. `http://127.0.0.1:8080` (the API paths start with `/api/v1/open`).'] },
        { name: 'apiId', type: 'string', docs: ['`X-Api-Id` of the credential.'] },
        { name: 'apiKey', type: 'string', docs: ['Secret HMAC key; never sent, only used to sign.'] },
        { name: 'fetch', type: '(request: Request) => Promise<Response>', hasQuestionToken: true, docs: ['Custom fetch (tests, proxies); default `globalThis.fetch`.'] },
        { name: 'headers', type: 'Record<string, string>', hasQuestionToken: true, docs: ['Extra headers on every request (not part of the signature).'] },
        {
          name: 'middleware',
          type: 'Middleware[]',
          hasQuestionToken: true,
          docs: ['openapi-fetch middleware run before signing (so changes they make to path, query or body are signed). Middleware added later with `raw.use()` runs after signing and must not change them.'],
        },
      ],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'signingMiddleware',
      docs: [
        'openapi-fetch middleware adding `X-Api-Id`, `X-Api-Timestamp`, `X-Api-Nonce` and `X-Api-Signature` (docs/signing.md). It signs the exact bytes, path and query of the outgoing `Request`, so register it after any middleware that changes them.',
      ],
      parameters: [{ name: 'credential', type: '{ apiId: string; apiKey: string }' }],
      returnType: 'Middleware',
      statements: [
        `return {
  async onRequest({ request }) {
    const body = request.body ? new Uint8Array(await request.clone().arrayBuffer()) : '';
    const url = new URL(request.url);
    const headers = signRequest({ method: request.method, path: url.pathname, query: url.search.slice(1), apiId: credential.apiId, apiKey: credential.apiKey, body });
    for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
    return request;
  },
};`,
      ],
    },
  ];

  if (union && createBody) {
    statements.push(
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: 'CommandVariants',
        docs: ['Create-command body per `command_type`.'],
        properties: union.variants.map((v) => ({ name: propKey(v.value), type: `components['schemas'][${lit(v.component)}]` })),
      },
      {
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: 'CommandType',
        docs: ['Every `command_type` of the catalog.'],
        type: union.variants.length ? 'keyof CommandVariants' : 'never',
      },
      {
        kind: StructureKind.VariableStatement,
        isExported: true,
        declarationKind: VariableDeclarationKind.Const,
        docs: ['Every `command_type` of the catalog, in catalog order.'],
        declarations: [
          {
            name: 'COMMAND_TYPES',
            type: 'readonly CommandType[]',
            initializer: (w) => {
              w.write('[').newLine();
              w.indent(() => {
                for (const v of union.variants) w.writeLine(`${lit(v.value)},`);
              });
              w.write(']');
            },
          },
        ],
      },
      {
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: 'CommandInput',
        typeParameters: ['T extends CommandType'],
        docs: ['Input of a per-command helper: the create body without `vendor` and `command_type`; `idempotency_key` optional (a UUID is generated when omitted, so pass your own to retry safely).'],
        type: `Omit<CommandVariants[T], ${lit(union.propertyName)} | 'vendor' | 'idempotency_key'> & { idempotency_key?: string }`,
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: 'CommandHelpers',
        docs: ['One typed helper per `command_type`: `client.commands.cover_open({ device_id, payload: {} })`.'],
        methods: union.variants.map((v) => ({
          name: propKey(v.value),
          docs: commandDoc(ctx, v.value),
          parameters: [{ name: 'input', type: `CommandInput<${lit(v.value)}>` }],
          returnType: `Promise<ApiResult<${createOk ?? 'unknown'}>>`,
        })),
      },
    );
  }

  statements.push({
    kind: StructureKind.Interface,
    isExported: true,
    name: 'DockgateClient',
    docs: ['The dockgate API, signed. Methods resolve with `{ data, error, response }` (they do not throw on 4xx/5xx).'],
    properties: [
      { name: 'raw', isReadonly: true, type: 'Client<paths>', docs: ['The underlying openapi-fetch client (signing included).'] },
      ...(union ? [{ name: 'commands', isReadonly: true, type: 'CommandHelpers', docs: ['One typed helper per `command_type`.'] }] : []),
    ],
    methods: [
      ...ops.map((op) => ({
        name: op.operationId,
        docs: [docText(`${op.summary}. \`${op.method.toUpperCase()} ${op.path}\` (scope \`${op.scope}\`).`)],
        parameters: methodParams(op).map((p) => ({ name: p.name, type: p.type, hasQuestionToken: p.optional })),
        returnType: `Promise<ApiResult<${successTypeName(op) ?? 'unknown'}>>`,
      })),
      ...(getCommand
        ? [
            {
              name: 'waitForCommand',
              docs: [
                `Wait until the command is terminal (${TERMINAL_STATUSES.join(', ')}) or \`timeoutMs\` (default 60 000) pass, long-polling \`wait_seconds\` (≤ ${waitMax}); resolves with the last state seen, which is not terminal when time ran out. Throws \`DockgateApiError\` on an API error.`,
              ],
              parameters: [
                { name: 'command_id', type: 'string' },
                { name: 'options', type: '{ timeoutMs?: number }', hasQuestionToken: true },
              ],
              returnType: `Promise<${successTypeName(getCommand)}>`,
            },
          ]
        : []),
    ],
  });

  statements.push(
    {
      kind: StructureKind.VariableStatement,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: 'TERMINAL', initializer: `new Set<string>([${TERMINAL_STATUSES.map(lit).join(', ')}])` }],
    },
    {
      kind: StructureKind.Function,
      name: 'result',
      typeParameters: ['T'],
      docs: ["openapi-fetch's `{ data, error, response }` narrowed to `ApiResult`."],
      parameters: [{ name: 'r', type: '{ data?: unknown; error?: unknown; response: Response }' }],
      returnType: 'ApiResult<T>',
      statements: ['return r as ApiResult<T>;'],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'createDockgateClient',
      docs: ['A signed, typed client for the dockgate API (see `DockgateClient`).'],
      parameters: [{ name: 'options', type: 'DockgateClientOptions' }],
      returnType: 'DockgateClient',
      statements: (w) => {
        w.writeLine('const raw = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch, headers: options.headers });');
        // Signing last: it must see the final path, query and body bytes.
        w.writeLine('for (const m of options.middleware ?? []) raw.use(m);');
        w.writeLine('raw.use(signingMiddleware(options));');
        if (union && createBody && create) {
          // The helpers call `client` lazily, so they can be built before it.
          w.writeLine('const helpers: Record<string, (input: CommandInput<CommandType>) => Promise<unknown>> = {};');
          w.write('for (const command_type of COMMAND_TYPES) ').block(() => {
            w.write('helpers[command_type] = (input) => ').inlineBlock(() => {
              w.writeLine('const { idempotency_key, ...rest } = input;');
              const vendor = union.vendorConst !== undefined ? `vendor: ${lit(union.vendorConst)}, ` : '';
              w.writeLine(
                `return client.${create.operationId}({ ${vendor}${union.propertyName}: command_type, ...rest, idempotency_key: idempotency_key ?? randomUUID() } as ${createBody});`,
              );
            });
            w.write(';').newLine();
          });
        }
        w.write('const client: DockgateClient = ').inlineBlock(() => {
          w.writeLine('raw,');
          if (union) w.writeLine('commands: helpers as unknown as CommandHelpers,');
          for (const op of ops) {
            const ps = methodParams(op)
              .map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type}`)
              .join(', ');
            w.writeLine(`${op.operationId}: async (${ps}) => ${callWriter(op)},`);
          }
          if (getCommand) {
            w.write('waitForCommand: async (command_id, waitOptions) => ').inlineBlock(() => {
              w.writeLine('const deadline = Date.now() + (waitOptions?.timeoutMs ?? 60_000);');
              w.write('for (;;) ').block(() => {
                w.writeLine('const remaining = deadline - Date.now();');
                w.writeLine(`const wait_seconds = Math.max(0, Math.min(${waitMax}, Math.floor(remaining / 1000)));`);
                w.writeLine('const r = await client.getCommand(command_id, { wait_seconds });');
                w.writeLine('if (r.error !== undefined || r.data === undefined) throw new DockgateApiError(r.response.status, r.error as never);');
                w.writeLine('if (TERMINAL.has(r.data.status) || Date.now() >= deadline) return r.data;');
                // Under a second left: short sleeps instead of a hot loop of wait_seconds=0 calls.
                w.writeLine('if (wait_seconds === 0) await new Promise((done) => setTimeout(done, Math.min(250, Math.max(0, deadline - Date.now()))));');
              });
            });
            w.write(',').newLine();
          }
        });
        w.write(';').newLine();
        w.writeLine('return client;');
      },
    },
  );
  return printFile('client.ts', statements as StatementStructures[]);
}

/** Emitter: `generated/client/index.ts`. */
export function emitClient(ctx: GenerateContext): GeneratedFile[] {
  return [{ path: CLIENT_PATH, content: withHeader(CLIENT_PATH, clientFile(ctx), ctx.hash) }];
}

export const emit = emitClient;
export default emit;
