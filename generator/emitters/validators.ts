/**
 * Emits the request validators, compiled ahead of time with Ajv from the OpenAPI components:
 *
 * - `generated/server/validators.js`: Ajv standalone code (`ajv/dist/standalone`, Ajv's public
 *   API) for every body. A create-command variant is checked as its envelope plus its payload, and
 *   each distinct envelope or payload shape is compiled once (commands sharing a shape share a
 *   function), so the work grows with the number of distinct shapes, not commands. Plus the
 *   tables naming those functions, handed to the hand-written runtime `server/validation/` (issue
 *   mapping, create-command precedence);
 * - `generated/server/validators-params.js`: the query and path-parameter validators, from a second
 *   Ajv instance with `coerceTypes` (query strings → integers). Coercion is per Ajv instance, and
 *   bodies must not be coerced (`"1"` for an integer is a type error), hence two modules;
 * - `generated/server/validators.d.ts`: the typed API (built with ts-morph).
 *
 * Both JS modules start with a `createRequire` shim: Ajv's ESM standalone output still `require`s
 * its runtime helpers (`ajv/dist/runtime/*`, `ajv-formats`), both runtime dependencies.
 */
import { StructureKind, VariableDeclarationKind, type StatementStructures, type WriterFunction } from 'ts-morph';
import { withHeader } from '../header.js';
import { lit, pascal, type OperationInfo } from './operations.js';
import type { GenerateContext, GeneratedFile } from '../context.js';
import { printFile } from './ts-print.js';
import { compile, type OpEntry } from './validators-compile.js';

export const VALIDATORS_PATH = 'generated/server/validators.js';
export const VALIDATORS_DTS_PATH = 'generated/server/validators.d.ts';
export const PARAM_VALIDATORS_PATH = 'generated/server/validators-params.js';

const REQUIRE_SHIM: StatementStructures[] = [
  { kind: StructureKind.ImportDeclaration, moduleSpecifier: 'node:module', namedImports: ['createRequire'] },
  {
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    declarations: [{ name: 'require', initializer: 'createRequire(import.meta.url)' }],
  },
];

const RUNTIME_MODULE = '../../server/validation/index.js';

/**
 * The tables and one-line entry points of `validators.js`: `COMMANDS` (command_type → [envelope,
 * payload] validators) and per operation a function handing its compiled validator to the runtime.
 */
function exportsOf(ops: OpEntry[]): (string | StatementStructures)[] {
  const union = ops.find((o) => o.body?.kind === 'union')?.body;
  const table = union?.kind === 'union' ? union : undefined;
  const runtimeNames = new Set(['validatePayloadOf']);
  const out: (string | StatementStructures)[] = [];
  const tableWriter: WriterFunction = (w) => {
    w.write('new Map([');
    w.indent(() => {
      for (const [value, v, p] of table?.table ?? []) w.writeLine(`[${lit(value)}, [${v}, ${p}]],`);
    });
    w.write('])');
  };
  out.push({
    kind: StructureKind.VariableStatement,
    declarationKind: VariableDeclarationKind.Const,
    docs: ['The create-command union: command_type → [envelope validator, payload validator] (shared by commands with the same shapes).'],
    declarations: [
      {
        name: 'COMMANDS',
        initializer: (w) => {
          w.write(`{ propertyName: ${lit(table?.propertyName ?? 'command_type')}, `);
          w.write(`vendorConst: ${table?.vendorConst === undefined ? 'undefined' : lit(table.vendorConst)}, `);
          w.write(`fallback: ${table?.fallback ?? '() => false'}, table: `);
          tableWriter(w);
          w.write(' }');
        },
      },
    ],
  });
  out.push(
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      declarationKind: VariableDeclarationKind.Const,
      declarations: [{ name: 'commandTypes', initializer: 'Object.freeze([...COMMANDS.table.keys()])' }],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      name: 'validatePayload',
      parameters: [{ name: 'command_type' }, { name: 'payload' }, { name: 'prefix' }],
      statements: ['return validatePayloadOf(COMMANDS, command_type, payload, prefix);'],
    },
  );
  const fn = (name: string, param: string, call: string): StatementStructures => ({
    kind: StructureKind.Function,
    isExported: true,
    name,
    parameters: [{ name: param }],
    statements: [`return ${call};`],
  });
  for (const e of ops) {
    const base = `validate${pascal(e.op.operationId)}`;
    if (e.body?.kind === 'union') {
      runtimeNames.add('validateUnion');
      out.push(fn(`${base}Body`, 'body', 'validateUnion(body, COMMANDS)'));
    } else if (e.body) {
      runtimeNames.add('validateBody');
      out.push(fn(`${base}Body`, 'body', `validateBody(${e.body.exportName}, body)`));
    }
    if (e.query) {
      runtimeNames.add('validateParams');
      out.push(fn(`${base}Query`, 'query', `validateParams(params.${e.query}, query, 'query')`));
    }
    if (e.params) {
      runtimeNames.add('validateParams');
      out.push(fn(`${base}Params`, 'pathParams', `validateParams(params.${e.params}, pathParams, 'path parameters')`));
    }
  }
  return [{ kind: StructureKind.ImportDeclaration, moduleSpecifier: RUNTIME_MODULE, namedImports: [...runtimeNames].sort() }, ...out];
}

/** TS type (from generated/types.ts) of an operation's JSON body. */
function bodyType(op: OperationInfo): string {
  if (op.body?.component) return `components['schemas'][${lit(op.body.component)}]`;
  const rb = `operations[${lit(op.operationId)}]['requestBody']`;
  return `${op.body?.required ? rb : `NonNullable<${rb}>`}['content']['application/json']`;
}

function dts(ops: OpEntry[]): string {
  const commandTypes = ops.flatMap((e) => (e.body?.kind === 'union' ? e.body.table.map((t) => t[0]) : []));
  const statements: StatementStructures[] = [
    { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../types.js', namedImports: ['components', 'operations'] },
    {
      kind: StructureKind.ImportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: RUNTIME_MODULE,
      namedImports: ['ParamsInput', 'ValidationResult'],
    },
    {
      kind: StructureKind.ExportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: RUNTIME_MODULE,
      namedExports: ['InvalidCode', 'ParamsInput', 'ValidationIssue', 'ValidationResult'],
    },
    {
      kind: StructureKind.TypeAlias,
      isExported: true,
      name: 'CommandType',
      docs: ['Every `command_type` of the catalog.'],
      type: commandTypes.length ? commandTypes.map(lit).join(' | ') : 'never',
    },
    {
      kind: StructureKind.VariableStatement,
      isExported: true,
      hasDeclareKeyword: true,
      declarationKind: VariableDeclarationKind.Const,
      docs: ['Every `command_type` of the catalog, in catalog order.'],
      declarations: [{ name: 'commandTypes', type: 'readonly CommandType[]' }],
    },
    {
      kind: StructureKind.Function,
      isExported: true,
      hasDeclareKeyword: true,
      name: 'validatePayload',
      docs: [
        "Validate one command's payload alone. Issues are prefixed with `prefix` (default `payload`).\n" +
          'Unknown `command_type` → UNSUPPORTED_COMMAND.',
      ],
      parameters: [
        { name: 'command_type', type: 'string' },
        { name: 'payload', type: 'unknown' },
        { name: 'prefix', type: 'string', hasQuestionToken: true },
      ],
      returnType: 'ValidationResult<Record<string, unknown>>',
    },
  ];
  for (const e of ops) {
    const base = `validate${pascal(e.op.operationId)}`;
    const opRef = `operations[${lit(e.op.operationId)}]`;
    if (e.body) {
      statements.push({
        kind: StructureKind.Function,
        isExported: true,
        hasDeclareKeyword: true,
        name: `${base}Body`,
        docs: [
          e.body.kind === 'union'
            ? `Body of \`${e.op.operationId}\`: precedence VALIDATION_FAILED (not an object) → UNSUPPORTED_VENDOR → UNSUPPORTED_COMMAND → VALIDATION_FAILED (every issue).`
            : `Body of \`${e.op.operationId}\` (VALIDATION_FAILED with every issue).`,
        ],
        parameters: [{ name: 'body', type: 'unknown' }],
        returnType: `ValidationResult<${bodyType(e.op)}>`,
      });
    }
    if (e.query) {
      statements.push({
        kind: StructureKind.Function,
        isExported: true,
        hasDeclareKeyword: true,
        name: `${base}Query`,
        docs: [`Query of \`${e.op.operationId}\`, integers coerced from strings; unknown parameters are errors.`],
        parameters: [{ name: 'query', type: 'ParamsInput' }],
        returnType: `ValidationResult<NonNullable<${opRef}['parameters']['query']>>`,
      });
    }
    if (e.params) {
      statements.push({
        kind: StructureKind.Function,
        isExported: true,
        hasDeclareKeyword: true,
        name: `${base}Params`,
        docs: [`Path parameters of \`${e.op.operationId}\`.`],
        parameters: [{ name: 'pathParams', type: 'ParamsInput' }],
        returnType: `ValidationResult<${opRef}['parameters']['path']>`,
      });
    }
  }
  return printFile('validators.d.ts', statements);
}

/** Emitter: `generated/server/validators.js`, `validators-params.js`, `validators.d.ts`. */
export function emitValidators(ctx: GenerateContext): GeneratedFile[] {
  const { bodyCode, paramsCode, ops } = compile(ctx.openapi);
  const bodyPrelude = printFile('validators-prelude.js', [
    ...REQUIRE_SHIM,
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: './validators-params.js', namespaceImport: 'params' },
  ]);
  const tables = printFile('validators-tables.js', exportsOf(ops));
  const paramsPrelude = printFile('validators-params-prelude.js', REQUIRE_SHIM);
  return [
    { path: VALIDATORS_PATH, content: withHeader(VALIDATORS_PATH, `${bodyPrelude}${bodyCode}\n${tables}`, ctx.hash) },
    { path: PARAM_VALIDATORS_PATH, content: withHeader(PARAM_VALIDATORS_PATH, `${paramsPrelude}${paramsCode}\n`, ctx.hash) },
    { path: VALIDATORS_DTS_PATH, content: withHeader(VALIDATORS_DTS_PATH, dts(ops), ctx.hash) },
  ];
}

export const emit = emitValidators;
export default emit;
