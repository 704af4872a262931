/**
 * Places in the API definition whose value comes from the command catalog (spec/catalog.ts,
 * spec/requests.ts), so the definition stays plain data while examples follow the catalog.
 *
 * - A value `{ $catalog: name }` anywhere in the definition is replaced by the generator with the
 *   named catalog value (generator/openapi/catalog-values.ts lists them).
 * - `{{name}}` inside a string is replaced with the named catalog text.
 */

/** Catalog values an object in the definition may stand for. */
export type CatalogValueName =
  /** `{ <command_type>: { summary, value: <create-command body> } }` for every command. */
  | 'createCommandExamples'
  /** The cURL/TypeScript/Go samples of the first command that has a payload. */
  | 'createCommandSamples'
  /** `examples.command` filled with the first command. */
  | 'exampleCommand'
  /** `examples.command` filled with the first command that reports progress (else the first). */
  | 'exampleProgressCommand'
  /** `examples.deviceRequest` filled with the first known device request type. */
  | 'exampleDeviceRequest';

/** Catalog text a `{{name}}` placeholder stands for. */
export type CatalogTextName =
  /** Number of commands in the catalog. */
  | 'commandCount'
  /** ` Known types: \`a\`, \`b\` (see "Device request types").`, or empty without known types. */
  | 'knownRequestTypes';

/** A value the generator takes from the catalog. */
export interface FromCatalog {
  $catalog: CatalogValueName;
}

/** `{ $catalog: name }`. */
export function fromCatalog(name: CatalogValueName): FromCatalog {
  return { $catalog: name };
}
