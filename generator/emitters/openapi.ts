/** Writes the shared OpenAPI document (generator/openapi/document.ts) as YAML and JSON. */
import type { Emitter, GeneratedFile } from '../context.js';
import { jsonWithHeader, withHeader } from '../header.js';
import { toYaml } from '../yaml.js';

/** `generated/openapi.yaml` (with `#` header) and `generated/openapi.json` (with `x-generated`). */
export const emit: Emitter = (ctx): GeneratedFile[] => {
  const doc = ctx.openapi as unknown as Record<string, unknown>;
  return [
    { path: 'generated/openapi.yaml', content: withHeader('generated/openapi.yaml', toYaml(doc), ctx.hash) },
    { path: 'generated/openapi.json', content: jsonWithHeader(doc, ctx.hash) },
  ];
};
