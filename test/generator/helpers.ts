/** Shared helpers for the generator tests (engineer A): catalog loading, a synthetic command, Ajv over the document. */
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { API } from '../../spec/api.js';
import { commands } from '../../spec/catalog.js';
import { deviceRequests } from '../../spec/requests.js';
import type { CommandDef } from '../../spec/types.js';
import type { GenerateInput } from '../../generator/context.js';
import { bool, int, num, obj, str, arr } from '../../spec/fields.js';

/** The generator's input for the repository: catalog commands, device requests and the API definition. */
export async function catalog(): Promise<GenerateInput> {
  return { commands, deviceRequests, api: API };
}

/** A command that is not in the catalog, exercising every constraint kind. */
export function syntheticCommand(command_type = 'zz_synthetic_probe'): CommandDef {
  return {
    command_type,
    domain: 'device',
    summary: 'Synthetic probe command for generator tests',
    description: 'Not a DJI method: added to a copy of the catalog by the add-a-command test.',
    payload: {
      mode: int('Probe mode', { enum: { 0: 'off', 1: 'on' } }),
      speed: num('Probe speed', { min: 0, max: 15, unit: 'm/s' }),
      lens: str('Lens', { enum: { ir: 'infrared', wide: 'wide-angle' } }),
      label: str('Label', { maxBytes: 16, required: false }),
      enabled: bool('Enabled', { required: false }),
      target: obj('Target', { height: num('Height', { min: 2, max: 100 }), name: str('Name', { required: false, maxLength: 8 }) }),
      points: arr('Points', obj('Point', { x: int('X', { min: -5, max: 5 }) }), { maxItems: 2, minItems: 1 }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D3',
    example: { mode: 1, speed: 3.5, lens: 'ir', target: { height: 10 }, points: [{ x: 1 }] },
    sources: ['generator test'],
  };
}

/** Ajv 2020 over an OpenAPI document: `validator('CreateCommand_x')` validates against that component. */
export function ajvFor(doc: unknown): (schemaName: string) => ((v: unknown) => boolean) & { errors?: any[] | null } {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true, validateSchema: false });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  ajv.addKeyword({
    keyword: 'x-max-bytes',
    type: 'string',
    schemaType: 'number',
    validate: (max: number, data: string) => Buffer.byteLength(data, 'utf8') <= max,
    errors: false,
  });
  ajv.addSchema(doc as object, 'openapi.json');
  return (name) => ajv.getSchema(`openapi.json#/components/schemas/${name}`)! as any;
}

/** Ajv error → dotted field like ValidationIssue.field (`payload.points[0].x`; missing/extra property appended). */
export function issueField(e: { instancePath: string; keyword: string; params: Record<string, unknown> }): string {
  const segs = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') segs.push(String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') segs.push(String(e.params.additionalProperty));
  let out = '';
  for (const s of segs) out += /^\d+$/.test(s) ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/** The OpenAPI document Redoc embeds in the HTML (`const __redoc_definition = …;`). */
export function redocDefinition(html: string): any {
  const start = html.indexOf('const __redoc_definition = ');
  if (start < 0) throw new Error('no __redoc_definition in the HTML');
  const from = start + 'const __redoc_definition = '.length;
  const end = html.indexOf(';\n', from);
  return JSON.parse(html.slice(from, end));
}

