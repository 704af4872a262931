/**
 * Emits `generated/server/routes.ts` (docs/internals/contracts.md "Generated routes"), built with ts-morph:
 *
 * - the request/response types by name (`CreateCommandRequest`, `Command`, `ListCommandsQuery`...)
 *   over generated/types.ts, and `ValidationIssue` / `InvalidCode` from the validators;
 * - `Handlers` (one method per operationId, typed input);
 * - `routeTable` (method, path, operationId, scope from `x-required-scope`, the ahead-of-time
 *   validators of each input part) and `operationScopes`;
 * - `registerRoutes(app, handlers, hooks)`, handing the table to the hand-written plumbing
 *   `server/http/route.ts` (validate, `hooks.onInvalid` with every issue, call, send), whose
 *   `HandlerResult` and `RouteHooks` it re-exports.
 */
import { StructureKind, VariableDeclarationKind, Writers, type StatementStructures, type WriterFunction } from 'ts-morph';
import { withHeader } from '../header.js';
import {
  bodyTypeName,
  docText,
  lit,
  namedTypes,
  operationsOf,
  pascal,
  type OperationInfo,
} from './operations.js';
import type { GenerateContext, GeneratedFile } from '../context.js';
import { printFile } from './ts-print.js';

export const ROUTES_PATH = 'generated/server/routes.ts';

const ROUTE_MODULE = '../../server/http/route.js';

/** Parts of a handler's input, in the order they are validated: key, TS type, validator name. */
function inputParts(op: OperationInfo): { key: 'params' | 'query' | 'body'; type: string; validator: string }[] {
  const base = `validate${pascal(op.operationId)}`;
  const parts: { key: 'params' | 'query' | 'body'; type: string; validator: string }[] = [];
  if (op.pathParams.length) parts.push({ key: 'params', type: `${pascal(op.operationId)}Params`, validator: `${base}Params` });
  if (op.queryParams.length) parts.push({ key: 'query', type: `${pascal(op.operationId)}Query`, validator: `${base}Query` });
  if (op.body) parts.push({ key: 'body', type: bodyTypeName(op)!, validator: `${base}Body` });
  return parts;
}

function routesFile(ctx: GenerateContext): string {
  const ops = operationsOf(ctx.openapi);
  const named = namedTypes(ctx.openapi, ops);
  const validatorNames = ops.flatMap((op) => inputParts(op).map((p) => p.validator));
  const statements: (string | StatementStructures | WriterFunction)[] = [
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: 'hono', namedImports: ['Context', 'Hono'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../../spec/api.js', namedImports: ['Scope'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedImports: ['components', 'operations'] },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: ROUTE_MODULE,
      namedImports: ['registerRouteTable', { name: 'HandlerResult', isTypeOnly: true }, { name: 'RouteDef', isTypeOnly: true }, { name: 'RouteHooks', isTypeOnly: true }],
    },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: './validators.js', namedImports: validatorNames },
    { kind: StructureKind.ExportDeclaration, isTypeOnly: true, moduleSpecifier: ROUTE_MODULE, namedExports: ['HandlerResult', 'RouteHooks'] },
    {
      kind: StructureKind.ExportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: './validators.js',
      namedExports: ['CommandType', 'InvalidCode', 'ValidationIssue', 'ValidationResult'],
    },
    { kind: StructureKind.ExportDeclaration, moduleSpecifier: './validators.js', namedExports: ['commandTypes', 'validatePayload'] },
    ...named.map(
      (t): StatementStructures => ({ kind: StructureKind.TypeAlias, isExported: true, name: t.name, type: t.type, docs: [t.docs] }),
    ),
    {
      kind: StructureKind.Interface,
      isExported: true,
      name: 'Handlers',
      docs: ['One method per operation; input is already validated (query integers coerced, no defaults applied).'],
      methods: ops.map((op) => ({
        name: op.operationId,
        docs: [docText(`${op.summary}.\n\n\`${op.method.toUpperCase()} ${op.path}\` — scope \`${op.scope}\`, success ${op.success.status}.`)],
        parameters: [
          { name: 'c', type: 'Context' },
          { name: 'input', type: `{ ${inputParts(op).map((p) => `${p.key}: ${p.type}`).join('; ')} }` },
        ],
        returnType: 'Promise<HandlerResult>',
      })),
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every route, in document order: method (upper case), Hono path, operationId, required scope, input validators.'],
      declarations: [
        {
          name: 'routeTable',
          initializer: (w) => {
            w.write('[').newLine();
            w.indent(() => {
              for (const op of ops) {
                const input = inputParts(op).map((p) => `${p.key}: ${p.validator}`).join(', ');
                w.writeLine(
                  `{ method: ${lit(op.method.toUpperCase())}, path: ${lit(op.honoPath)}, operationId: ${lit(op.operationId)}, scope: ${lit(op.scope)}, input: { ${input} } },`,
                );
              }
            });
            w.write('] as const satisfies readonly RouteDef<keyof Handlers>[]');
          },
        },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['The scope each operation requires (`x-required-scope`).'],
      declarations: [
        {
          name: 'operationScopes',
          type: 'Readonly<Record<keyof Handlers, Scope>>',
          initializer: Writers.object(Object.fromEntries(ops.map((op) => [op.operationId, lit(op.scope)]))),
        },
      ],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'registerRoutes',
      docs: [
        "Registers every operation on `app` (server/http/route.ts). Middleware (auth, request id) is added by the server before calling this. Invalid input → `hooks.onInvalid` with the first failing part's code and all issues; handler errors propagate to `app.onError`.",
      ],
      // `any`: the server's Hono app may carry its own Env (variables such as request id).
      parameters: [
        { name: 'app', type: 'Hono<any>' },
        { name: 'handlers', type: 'Handlers' },
        { name: 'hooks', type: 'RouteHooks' },
      ],
      returnType: 'void',
      statements: ['registerRouteTable(app, routeTable, handlers, hooks);'],
    },
  ];
  return printFile('routes.ts', statements as StatementStructures[]);
}

/** Emitter: `generated/server/routes.ts`. */
export function emitRoutes(ctx: GenerateContext): GeneratedFile[] {
  return [{ path: ROUTES_PATH, content: withHeader(ROUTES_PATH, routesFile(ctx), ctx.hash) }];
}

export const emit = emitRoutes;
export default emit;
