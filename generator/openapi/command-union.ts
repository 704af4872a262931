/**
 * The create-command union (`api.commandUnion`): the `oneOf` component with an explicit
 * `discriminator.mapping`, and per catalog command its flat variant `CreateCommand_<command_type>`
 * (the envelope with `command_type` a `const` and `payload` a `$ref`) and its payload schema
 * `Payload_<command_type>` (so clients get a named type). Variants carry the command's DJI facts
 * (`x-dji`) and its code samples (`x-codeSamples`).
 */
import type { CommandDef } from '../../spec/types.js';
import type { ApiDefinition, JsonSchema } from '../../spec/api.js';
import { objectSchema, payloadSchema, payloadSchemaName, variantSchemaName } from '../schema.js';
import type { CodeSample } from './samples.js';

function variantSchema(c: CommandDef, union: ApiDefinition['commandUnion'], samples: CodeSample[]): JsonSchema {
  const s: JsonSchema = {
    type: 'object',
    title: c.command_type,
    description: `${c.summary.replace(/\.$/, '')}.${c.deprecated ? ' Deprecated by DJI (still accepted).' : ''} See the \`${c.command_type}\` section for protocol facts and samples.`,
    required: [...union.envelope.required],
    properties: {
      ...union.envelope.properties,
      [union.discriminator]: { type: 'string', const: c.command_type, description: `DJI \`services\` method: \`${c.command_type}\`.` },
      payload: { $ref: `#/components/schemas/${payloadSchemaName(c.command_type)}` },
    },
    additionalProperties: false,
    'x-dji': {
      transport: c.transport,
      reply: c.reply,
      ...(c.progress ? { progress: c.progress } : {}),
      ...(c.wire
        ? {
            wire: {
              notes: c.wire.notes,
              translation: c.wire.translate ? 'translate' : 'untranslatable',
              ...(c.wire.untranslatable ? { untranslatable: c.wire.untranslatable } : {}),
              data: objectSchema(c.wire.data, { description: `DJI \`data\` of \`${c.command_type}\`.` }),
            },
          }
        : {}),
      docks: c.docks,
    },
    'x-codeSamples': samples,
  };
  if (c.deprecated) s.deprecated = true;
  return s;
}

/** The union component, then per command its variant and payload schema (catalog order). */
export function commandUnionSchemas(commands: CommandDef[], union: ApiDefinition['commandUnion'], samples: Map<string, CodeSample[]>): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  const mapping: Record<string, string> = {};
  for (const c of commands) mapping[c.command_type] = `#/components/schemas/${variantSchemaName(c.command_type)}`;
  schemas[union.component] = {
    description: union.description,
    oneOf: commands.map((c) => ({ $ref: mapping[c.command_type] })),
    discriminator: { propertyName: union.discriminator, mapping },
  };
  for (const c of commands) {
    schemas[variantSchemaName(c.command_type)] = variantSchema(c, union, samples.get(c.command_type) ?? []);
    schemas[payloadSchemaName(c.command_type)] = payloadSchema(c);
  }
  return schemas;
}

/** Path of the operation whose body is the command union (commands are documented against it). */
export function commandOperationPath(api: ApiDefinition): string {
  const ref = `#/components/schemas/${api.commandUnion.component}`;
  const op = api.operations.find((o) => o.requestBody?.content.schema.$ref === ref);
  if (!op) throw new Error(`api: no operation takes ${api.commandUnion.component} as its body`);
  return op.path;
}
