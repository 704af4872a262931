/**
 * Types of the dockgate command catalog: the single place where a `command_type` is described.
 *
 * Everything else (OpenAPI spec, validators, client, routes, mock behaviour, docs) is derived from
 * values of these types by `generator/` or read at runtime by `server/` and `mock/`.
 *
 * Vocabulary follows the seeds (`command_type`, `payload`) and DJI Cloud API (`method`, `data`,
 * `bid`, `services`, `drc/down`, `services_reply`, `events`).
 */

/** The 9 domains of seed 004, in its order. */
export const DOMAINS = ['device', 'camera', 'drc', 'wayline', 'live', 'psdk', 'file', 'safety', 'firmware'] as const;
export type Domain = (typeof DOMAINS)[number];

/** One member of an enum together with its meaning, so docs keep `0=idle` and not just `0`. */
export interface EnumMember<T extends string | number> {
  value: T;
  meaning: string;
}

interface FieldBase {
  /** Human description shown in the spec and docs. */
  description: string;
  /** Whether the field must be present. Public (seed) requiredness for payload fields. */
  required: boolean;
  /** Physical unit, e.g. `m/s`, `Hz`, `ms`, `degrees`. */
  unit?: string;
  deprecated?: boolean;
  /** Extra notes for docs: where a value range was widened, where DJI disagrees, etc. */
  note?: string;
}

export interface StringField extends FieldBase {
  type: 'string';
  enum?: EnumMember<string>[];
  minLength?: number;
  maxLength?: number;
  /** Maximum length in UTF-8 bytes (JSON Schema keyword `x-max-bytes`, enforced by our validators). */
  maxBytes?: number;
  pattern?: string;
  format?: 'uuid' | 'uri' | 'date-time';
}

export interface IntegerField extends FieldBase {
  type: 'integer';
  enum?: EnumMember<number>[];
  minimum?: number;
  maximum?: number;
}

export interface NumberField extends FieldBase {
  type: 'number';
  minimum?: number;
  maximum?: number;
}

export interface BooleanField extends FieldBase {
  type: 'boolean';
}

export interface ObjectField extends FieldBase {
  type: 'object';
  /** Known properties. Omitted together with `open: true` when the reference is silent. */
  properties?: Record<string, Field>;
  /**
   * `true` keeps the object open (`additionalProperties: true`) because the DJI reference does not
   * give its shape; the description must say so. Default: closed.
   */
  open?: boolean;
}

export interface ArrayField extends FieldBase {
  type: 'array';
  /** Item schema; its `required` flag is ignored. */
  items: Field;
  minItems?: number;
  maxItems?: number;
}

/** One payload field (or nested property / array item). */
export type Field = StringField | IntegerField | NumberField | BooleanField | ObjectField | ArrayField;

/** Where the command is published (DJI Cloud API topic suffix under `thing/product/{gateway_sn}/`). */
export type Transport = 'services' | 'drc/down';

/**
 * How the dock acknowledges the command.
 * - `services_reply`: a reply on `…/services_reply` echoing `tid`/`bid` (docs/dji/services-and-replies.md).
 * - `drc/up`: a reply on `…/drc/up` with the same `method` (and `seq` on Dock 3).
 * - `none`: no reply at all; the command completes when the broker acknowledges the publish.
 */
export type ReplyMode = 'services_reply' | 'drc/up' | 'none';

/**
 * Completion reported later by progress `events` on `thing/product/{gateway_sn}/events`
 * (docs/dji/events-and-progress.md).
 */
export interface ProgressSpec {
  /** Event `method`, e.g. `cover_open` (same name as the command) or `ota_progress`. */
  event_method: string;
  /**
   * How an event is tied to its command: `bid` (the event echoes the command's `bid`), or a field
   * of the event `data` equal to a field of the command payload (flat events such as
   * `fly_to_point_progress`, matched by `fly_to_id`).
   */
  correlate_by: 'bid' | { payload_field: string; event_field: string };
  /** Where the DJI status lives in event `data`: `output.status` (wrapped) or `status` (flat). */
  status_path: 'output.status' | 'status';
  /** Where percent lives in event `data` (e.g. `output.progress.percent`); absent if none. */
  percent_path?: string;
  /** Where the current step lives in event `data` (e.g. `output.progress.step_key`). */
  step_path?: string;
  /** DJI statuses that end the command successfully (→ SUCCEEDED). */
  succeeded: string[];
  /** DJI statuses that end the command unsuccessfully (→ FAILED). */
  failed: string[];
  /** Whether DJI sets `need_reply: 1` on these events (the simulator mirrors it). */
  need_reply: boolean;
  /** How long the job may run once the dock accepted it (docs/lifecycle.md). */
  limits: JobLimits;
}

/**
 * The limits on a progress-tracked job after the dock accepted it (its accepting `services_reply`,
 * or a first progress event). `timeout_seconds` of the request bounds only the acceptance; these
 * bound the rest. They are a backstop for a dock that stops talking: DJI's own job statuses
 * include `timeout`, so a dock that is still reporting ends a job itself.
 */
export interface JobLimits {
  /** No progress event for this long (s) → `TIMED_OUT` with `failure_code` `PROGRESS_SILENCE`. */
  silence_seconds: number;
  /** Still running this long (s) after delivery → `TIMED_OUT` with `failure_code` `MAX_DURATION_EXCEEDED`. */
  max_duration_seconds: number;
  /** Why these values: the DJI behaviour they come from, with its public source. */
  why: string;
}

/**
 * The DJI wire form of a command whose public (seed) payload differs from what a dock expects.
 * "The seed is the public contract, DJI is the wire truth" (issue 2).
 */
export interface WireForm {
  /** Schema of DJI `data`, as documented on DJI's page for the method (docs/dji/commands.md). */
  data: Record<string, Field>;
  /**
   * Pure translation from a validated public payload to the DJI `data` that is published.
   * Absent when no translation is possible; `untranslatable` then says why and the payload is
   * published unchanged.
   */
  translate?: (payload: Record<string, unknown>) => Record<string, unknown>;
  /** Why no translation is possible (exactly one of `translate` / `untranslatable`). */
  untranslatable?: string;
  /** What differs and what the translation does, shown on the command in the docs. */
  notes: string;
}

/** One DJI `services` method offered as a `command_type`. */
export interface CommandDef {
  /** DJI `method`, e.g. `cover_open`. */
  command_type: string;
  domain: Domain;
  /** One line, shown as the operation/variant title. */
  summary: string;
  /** Longer text: what the dock does, preconditions, DJI behaviour worth knowing. */
  description: string;
  /** Public payload fields (seed 004 names, types and required flags). `{}` for an empty payload. */
  payload: Record<string, Field>;
  transport: Transport;
  reply: ReplyMode;
  /** Present when completion comes later from progress events. */
  progress?: ProgressSpec;
  /**
   * Public payload field whose (string) value the dispatcher uses as the envelope `bid` instead of
   * a fresh UUID. DJI's reference server publishes `flighttask_prepare` / `flighttask_execute`
   * with `bid = flight_id`, so `flighttask_progress` events carry the flight id as `bid` whether
   * a dock echoes the command `bid` or fills in the flight id itself.
   */
  bid_from?: string;
  /** Present when the seed payload differs from DJI `data`. */
  wire?: WireForm;
  /** Deprecated by DJI (still accepted). */
  deprecated?: boolean;
  /** Docks that support it, e.g. `D1 D2 D3`. */
  docks: string;
  /** A valid public payload, used as the spec example, by tests and by the mock. */
  example: Record<string, unknown>;
  /** Reference pointers (DJI doc page URLs and DEMO paths, as explained in docs/dji/README.md). */
  sources: string[];
}

/** Shapes of a device-initiated `requests` method (dock → cloud) the platform knows. */
export interface DeviceRequestDef {
  /** DJI request `method`, e.g. `config`. */
  request_type: string;
  description: string;
  /** DJI request `data` shape (informative). */
  data: Record<string, Field>;
  /** DJI `requests_reply` `data` shape (informative). */
  reply: Record<string, Field>;
  /** `flat`: reply data is sent without `{result, output}` (DJI `config`). */
  reply_form: 'wrapped' | 'flat';
  /** Whether the platform answers it automatically from its configuration. */
  auto_reply: boolean;
  /** An example request `data` (used by the simulator and docs). */
  example: Record<string, unknown> | null;
}

/**
 * Thrown by a `WireForm.translate` when a payload that passed the public schema cannot be put on
 * the wire (e.g. `custom_data_transmission_*` data whose JSON exceeds DJI's 256-byte `value`).
 * The server answers 400 VALIDATION_FAILED with `details: [{field, rule, message}]`.
 */
export class PayloadTranslationError extends Error {
  constructor(
    /** Payload path, e.g. `payload.data`. */
    readonly field: string,
    /** Short rule name, e.g. `wire_max_bytes`. */
    readonly rule: string,
    message: string,
  ) {
    super(message);
    this.name = 'PayloadTranslationError';
  }
}
