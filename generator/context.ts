/**
 * The types shared by the driver (generator/generate.ts) and every emitter: what an emitter gets
 * (`GenerateContext`), what it returns (`GeneratedFile[]`), and the OpenAPI document they share.
 * Its own module so that emitters and the driver never import each other's types.
 */
import type { ApiDefinition } from '../spec/api.js';
import type { CommandDef, DeviceRequestDef } from '../spec/types.js';
import type { UplinkCatalog } from '../spec/uplink/index.js';

/** What the generator is run on: the catalog and the REST API definition. */
export interface GenerateInput {
  commands: CommandDef[];
  deviceRequests: DeviceRequestDef[];
  /** The REST API definition (spec/api.ts `API`, or a test's copy). */
  api: ApiDefinition;
  /** The uplink catalog (spec/uplink/ `UPLINK`); absent in a test's copy → the repository's. */
  uplink?: UplinkCatalog;
}

/** The OpenAPI 3.1 document as plain data (JSON-serialisable; key order is the emitted order). */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: Record<string, unknown>;
  servers: { url: string; description?: string }[];
  security: Record<string, string[]>[];
  tags: Record<string, unknown>[];
  'x-tagGroups': { name: string; tags: string[] }[];
  paths: Record<string, Record<string, any>>;
  components: {
    schemas: Record<string, Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
    headers: Record<string, Record<string, unknown>>;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

/** What every emitter receives. Treat as read-only. */
export interface GenerateContext extends GenerateInput {
  /** sha256 (first 16 hex) of the canonical serialisation of the input (incl. translate fn sources). */
  hash: string;
  /** Built first from the input, shared by all emitters. */
  openapi: OpenApiDocument;
}

/** One output file; `path` is relative to the output root with `/` separators. */
export interface GeneratedFile {
  path: string;
  content: string | Uint8Array;
}

/** An emitter: a pure function from the context to files (it may use a temp dir, never the tree). */
export type Emitter = (ctx: GenerateContext) => Promise<GeneratedFile[]> | GeneratedFile[];
