/**
 * Emits `generated/client/index.ts`, the typed partner client (built with ts-morph) over the
 * hand-written runtime in `client/` (signed openapi-fetch client, error class, waiter, helpers):
 *
 * - `createDockgateClient({ baseUrl, apiId, apiKey, retries?, timeoutMs?, fetch? })` on openapi-fetch,
 *   whose fetch signs every attempt (`client/transport.ts`, `client/signing.ts` over the Web Crypto
 *   signer `spec/signing-web.ts`, same canonical string as the server) and retries idempotent calls;
 * - one method per operation (`createCommand`, `getCommand`, `listDeviceRequests`...) returning
 *   `{ data, error, response }` like openapi-fetch;
 * - `client.commands.<command_type>({ device_id, payload, idempotency_key?, timeout_seconds? })`:
 *   one typed helper per command, so a partner writes the name once and gets payload completion
 *   and type errors naming a stray field, also in empty payloads (`EmptyPayload`; an idempotency
 *   key is generated when omitted);
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
import { EVENT_UNION } from '../openapi/events.js';

export const CLIENT_PATH = 'generated/client/index.ts';

/** The hand-written client runtime, relative to the generated file. */
const RUNTIME = '../../client';

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
  return `apiResult(await raw.${op.method.toUpperCase()}(${lit(op.path)}, { ${init.join(', ')} }))`;
}

/** A closed object schema without properties (an empty payload). */
function isEmptyObject(schema: Record<string, unknown>): boolean {
  return schema.type === 'object' && schema.additionalProperties === false && Object.keys((schema.properties as object | undefined) ?? {}).length === 0;
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
  // The long-poll operation: the one taking `wait_seconds` (getCommand).
  const getCommand = ops.find((o) => o.queryParams.some((p) => p.name === 'wait_seconds'));
  const waitParam = getCommand?.queryParams.find((p) => p.name === 'wait_seconds');
  const waitMax = waitParam ? Number(deref(ctx.openapi, waitParam.schema, 'wait_seconds').maximum ?? 30) : 30;
  const hasStream = ops.some((o) => o.success.stream);
  // Streamed items: the event union when the document has one.
  const streamItem = ctx.openapi.components.schemas[EVENT_UNION] ? 'DockgateEvent' : '{ id: string }';
  const statements: (string | WriterFunction | StatementStructures)[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: `${RUNTIME}/create.js`,
      namedImports: [...(union ? ['commandHelpers'] : []), 'createSignedClient', { name: 'DockgateClientOptions', isTypeOnly: true }],
    },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: `${RUNTIME}/errors.js`, namedImports: ['apiResult', { name: 'ApiResult', isTypeOnly: true }] },
    ...(getCommand ? [{ kind: StructureKind.ImportDeclaration, moduleSpecifier: `${RUNTIME}/wait.js`, namedImports: ['waitForCommand'] } as StatementStructures] : []),
    ...(hasStream ? [{ kind: StructureKind.ImportDeclaration, moduleSpecifier: `${RUNTIME}/events.js`, namedImports: ['followEvents', { name: 'StreamEventsOptions', isTypeOnly: true }] } as StatementStructures] : []),
    ...(hasStream ? [{ kind: StructureKind.ExportDeclaration, isTypeOnly: true, moduleSpecifier: `${RUNTIME}/events.js`, namedExports: ['StreamEventsOptions'] } as StatementStructures] : []),
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: 'openapi-fetch', namedImports: ['Client'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedImports: ['components', 'operations', 'paths'] },
    { kind: StructureKind.ExportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedExports: ['components', 'operations', 'paths'] },
    { kind: StructureKind.ExportDeclaration, isTypeOnly: true, moduleSpecifier: `${RUNTIME}/create.js`, namedExports: ['DockgateClientOptions'] },
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: `${RUNTIME}/errors.js`, namedExports: ['DockgateApiError', { name: 'ApiResult', isTypeOnly: true }] },
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: `${RUNTIME}/signing.js`, namedExports: ['signFetchRequest', { name: 'Credential', isTypeOnly: true }] },
    { kind: StructureKind.ExportDeclaration, isTypeOnly: true, moduleSpecifier: `${RUNTIME}/transport.js`, namedExports: ['TransportOptions'] },
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: `${RUNTIME}/webhooks.js`, namedExports: ['verifyWebhook', 'WebhookVerificationError', 'type VerifyWebhookOptions'] },
    ...named.map((t): StatementStructures => ({ kind: StructureKind.TypeAlias, isExported: true, name: t.name, type: t.type, docs: [t.docs] })),
  ];

  if (ctx.openapi.components.schemas[EVENT_UNION]) {
    statements.push(
      { kind: StructureKind.TypeAlias, isExported: true, name: 'DockgateEvent', type: `components['schemas'][${lit(EVENT_UNION)}]`, docs: ['An event (log, stream, webhook body): a union discriminated by `type`; narrow with `if (e.type === \'command.completed\')`.'] },
      { kind: StructureKind.TypeAlias, isExported: true, name: 'DockgateEventType', type: "DockgateEvent['type']", docs: ['Every event type of the catalog.'] },
      { kind: StructureKind.TypeAlias, isExported: true, name: 'DockgateEventOf', typeParameters: ['T extends DockgateEventType'], type: 'Extract<DockgateEvent, { type: T }>', docs: ['The event variant of one type.'] },
    );
  }

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
      // openapi-typescript types an empty payload `Record<string, never>`, where a stray field is
      // "not assignable to never" without its name; a type with one (symbol) key makes TypeScript's
      // excess-property check name it ("'foo' does not exist in type 'EmptyPayload'").
      (w) => w.writeLine('declare const noFields: unique symbol;'),
      {
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: 'EmptyPayload',
        docs: ['The payload of a command without fields: send `{}`; any field is a compile error that names it.'],
        type: '{ [noFields]?: never }',
      },
      {
        kind: StructureKind.Interface,
        isExported: true,
        name: 'CommandPayloads',
        docs: ['Payload per `command_type`, as the per-command helpers take it.'],
        properties: union.variants.map((v) => ({
          name: propKey(v.value),
          type: isEmptyObject(deref(ctx.openapi, { $ref: v.payloadPointer }, v.component)) ? 'EmptyPayload' : `CommandVariants[${lit(v.value)}]['payload']`,
        })),
      },
      {
        kind: StructureKind.TypeAlias,
        isExported: true,
        name: 'CommandInput',
        typeParameters: ['T extends CommandType'],
        docs: ['Input of a per-command helper: the create body without `vendor` and `command_type`; `idempotency_key` optional (a UUID is generated when omitted, so the client may retry the call; pass your own to retry it yourself later).'],
        type: `Omit<CommandVariants[T], ${lit(union.propertyName)} | 'vendor' | 'idempotency_key' | 'payload'> & { payload: CommandPayloads[T]; idempotency_key?: string }`,
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
        docs: [
          docText(
            `${op.summary}. \`${op.method.toUpperCase()} ${op.path}\` (scope \`${op.scope}\`).` +
              (op.success.stream ? ' An async iterator over the events (Server-Sent Events): it signs each connection, reconnects and resumes with `Last-Event-ID`, so no event is missed or repeated; throws `DockgateApiError` on a 4xx. Stop it with `options.signal` or `break`.' : ''),
          ),
        ],
        parameters: [
          ...methodParams(op).map((p) => ({ name: p.name, type: p.type, hasQuestionToken: p.optional })),
          ...(op.success.stream ? [{ name: 'options', type: 'StreamEventsOptions', hasQuestionToken: true }] : []),
        ],
        returnType: op.success.stream ? `AsyncGenerator<${streamItem}, void, undefined>` : `Promise<ApiResult<${successTypeName(op) ?? 'unknown'}>>`,
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

  statements.push({
    kind: StructureKind.Function,
    isExported: true,
    name: 'createDockgateClient',
    docs: ['A signed, typed client for the dockgate API (see `DockgateClient`; runtime in client/).'],
    parameters: [{ name: 'options', type: 'DockgateClientOptions' }],
    returnType: 'DockgateClient',
    statements: (w) => {
      w.writeLine('const raw = createSignedClient<paths>(options);');
      // The helpers and the waiter call `client` lazily, so they can be built before it.
      w.write('const client: DockgateClient = ').inlineBlock(() => {
        w.writeLine('raw,');
        if (union && createBody && create) {
          const fixed = union.vendorConst !== undefined ? `, { vendor: ${lit(union.vendorConst)} }` : '';
          w.writeLine(
            `commands: commandHelpers<CommandHelpers>(COMMAND_TYPES, (body) => client.${create.operationId}(body as ${createBody}), ${lit(union.propertyName)}${fixed}),`,
          );
        }
        for (const op of ops) {
          const ps = methodParams(op)
            .map((p) => `${p.name}${p.optional ? '?' : ''}: ${p.type}`)
            .join(', ');
          if (op.success.stream) {
            const q = op.queryParams.length ? 'query' : 'undefined';
            w.writeLine(`${op.operationId}: (${ps}${ps ? ', ' : ''}options?: StreamEventsOptions) => followEvents<${streamItem}>(raw, ${lit(op.path)}, ${q}, options),`);
          } else w.writeLine(`${op.operationId}: async (${ps}) => ${callWriter(op)},`);
        }
        if (getCommand) {
          w.writeLine(
            `waitForCommand: (command_id, waitOptions) => waitForCommand((wait_seconds) => client.${getCommand.operationId}(command_id, { wait_seconds }), { maxWaitSeconds: ${waitMax}, timeoutMs: waitOptions?.timeoutMs }),`,
          );
        }
      });
      w.write(';').newLine();
      w.writeLine('return client;');
    },
  });
  return printFile('client.ts', statements as StatementStructures[]);
}

/** Emitter: `generated/client/index.ts`. */
export function emitClient(ctx: GenerateContext): GeneratedFile[] {
  return [{ path: CLIENT_PATH, content: withHeader(CLIENT_PATH, clientFile(ctx), ctx.hash) }];
}

export const emit = emitClient;
export default emit;
