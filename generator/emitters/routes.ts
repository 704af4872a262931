/**
 * Emits `generated/server/routes.ts` (docs/internals/contracts.md "Generated routes"), built with ts-morph:
 *
 * - the request/response types by name (`CreateCommandRequest`, `Command`, `ListCommandsQuery`...)
 *   over generated/types.ts, and `ValidationIssue` / `InvalidCode` from the validators;
 * - `Handlers` (one method per operationId, typed input), `RouteHooks`, `HandlerResult`;
 * - `routeTable` and `operationScopes` (from `x-required-scope`);
 * - `registerRoutes(app, handlers, hooks)`: per operation a Hono route that validates path
 *   parameters, query and body with the ahead-of-time validators, answers invalid input through
 *   `hooks.onInvalid` with every issue, and hands the handler typed input.
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

/** Parts of a handler's input, in the order they appear in `input`. */
function inputParts(op: OperationInfo): { key: 'params' | 'query' | 'body'; type: string; validator: string; source: string }[] {
  const base = `validate${pascal(op.operationId)}`;
  const parts: { key: 'params' | 'query' | 'body'; type: string; validator: string; source: string }[] = [];
  if (op.pathParams.length) parts.push({ key: 'params', type: `${pascal(op.operationId)}Params`, validator: `${base}Params`, source: 'c.req.param()' });
  if (op.queryParams.length) parts.push({ key: 'query', type: `${pascal(op.operationId)}Query`, validator: `${base}Query`, source: 'c.req.queries()' });
  if (op.body) parts.push({ key: 'body', type: bodyTypeName(op)!, validator: `${base}Body`, source: 'await hooks.readBody(c)' });
  return parts;
}

function routeWriter(op: OperationInfo): WriterFunction {
  const parts = inputParts(op);
  return (w) => {
    w.write(`app.${op.method}(${lit(op.honoPath)}, async (c) => `).inlineBlock(() => {
      for (const p of parts) w.writeLine(`const ${p.key} = ${p.validator}(${p.source});`);
      if (parts.length === 1) {
        const k = parts[0]!.key;
        w.writeLine(`if (!${k}.ok) return hooks.onInvalid(c, ${k}.code, ${k}.issues);`);
      } else if (parts.length > 1) {
        const names = parts.map((p) => p.key);
        // Every invalid part is reported at once; the first one's code wins.
        w.write(`if (${names.map((n) => `!${n}.ok`).join(' || ')}) `).block(() => {
          w.writeLine(`const failed = [${names.join(', ')}].filter((r) => !r.ok) as { code: InvalidCode; issues: ValidationIssue[] }[];`);
          w.writeLine('return hooks.onInvalid(c, failed[0]!.code, failed.flatMap((r) => r.issues));');
        });
      }
      const input = parts.map((p) => `${p.key}: ${p.key}.value`).join(', ');
      w.writeLine(`return send(c, await handlers.${op.operationId}(c, { ${input} }));`);
    });
    w.write(');').newLine();
  };
}

function routesFile(ctx: GenerateContext): string {
  const ops = operationsOf(ctx.openapi);
  const named = namedTypes(ctx.openapi, ops);
  const validatorNames = ops.flatMap((op) => inputParts(op).map((p) => p.validator));
  const statements: (string | StatementStructures | WriterFunction)[] = [
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: 'hono', namedImports: ['Context', 'Hono'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: 'hono/utils/http-status', namedImports: ['ContentfulStatusCode', 'StatusCode'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../../spec/api.js', namedImports: ['Scope'] },
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedImports: ['components', 'operations'] },
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: './validators.js',
      namedImports: [...validatorNames, { name: 'InvalidCode', isTypeOnly: true }, { name: 'ValidationIssue', isTypeOnly: true }],
    },
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
      name: 'RouteHooks',
      docs: ['What the HTTP layer supplies to the generated routes.'],
      methods: [
        {
          name: 'readBody',
          docs: ['Returns the parsed JSON body (the HTTP layer reads raw bytes once for the signature, parses, and caches). Throws → the route lets it propagate.'],
          parameters: [{ name: 'c', type: 'Context' }],
          returnType: 'Promise<unknown>',
        },
        {
          name: 'onInvalid',
          docs: ['Builds the error response for invalid input; `issues` lists every problem found (path parameters, query and body).'],
          parameters: [
            { name: 'c', type: 'Context' },
            { name: 'code', type: 'InvalidCode' },
            { name: 'issues', type: 'ValidationIssue[]' },
          ],
          returnType: 'Response | Promise<Response>',
        },
      ],
    },
    {
      kind: StructureKind.Interface,
      isExported: true,
      name: 'HandlerResult',
      docs: ['What a handler returns: sent as JSON with `status` (no body when `body` is undefined) and extra `headers`.'],
      properties: [
        { name: 'status', type: 'number' },
        { name: 'body', type: 'unknown' },
        { name: 'headers', type: 'Record<string, string>', hasQuestionToken: true },
      ],
    },
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
      kind: StructureKind.Interface,
      isExported: true,
      name: 'RouteInfo',
      docs: ['One route: HTTP method (upper case), Hono path, operationId, required scope.'],
      properties: [
        { name: 'method', type: 'string' },
        { name: 'path', type: 'string' },
        { name: 'operationId', type: 'keyof Handlers' },
        { name: 'scope', type: 'Scope' },
      ],
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every route, in document order.'],
      declarations: [
        {
          name: 'routeTable',
          type: 'readonly RouteInfo[]',
          initializer: (w) => {
            w.write('[').newLine();
            w.indent(() => {
              for (const op of ops) {
                w.writeLine(
                  `{ method: ${lit(op.method.toUpperCase())}, path: ${lit(op.honoPath)}, operationId: ${lit(op.operationId)}, scope: ${lit(op.scope)} },`,
                );
              }
            });
            w.write(']');
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
      name: 'send',
      parameters: [
        { name: 'c', type: 'Context' },
        { name: 'r', type: 'HandlerResult' },
      ],
      returnType: 'Response',
      statements: [
        'if (r.body === undefined) return c.body(null, r.status as StatusCode, r.headers);',
        'return c.json(r.body as never, r.status as ContentfulStatusCode, r.headers);',
      ],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'registerRoutes',
      docs: [
        'Registers every operation on `app` (paths from the OpenAPI document). Middleware (auth, request id) is added by the server before calling this. Invalid input → `hooks.onInvalid` with the first failing part\'s code and all issues; handler errors propagate to `app.onError`.',
      ],
      // eslint-style `any`: the server's Hono app may carry its own Env (variables such as request id).
      parameters: [
        { name: 'app', type: 'Hono<any>' },
        { name: 'handlers', type: 'Handlers' },
        { name: 'hooks', type: 'RouteHooks' },
      ],
      returnType: 'void',
      statements: ops.map(routeWriter),
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
