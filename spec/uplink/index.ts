/**
 * The uplink catalog (docs/dji/telemetry.md, docs/dji/hms.md): the properties, events and device
 * models dockgate knows, as plain typed data. Import path for the server, the generator, the
 * simulator and the tests.
 */
import { commands } from '../catalog.js';
import { KNOWN_EVENTS, progressEvents } from './events.js';
import { DEVICE_MODELS } from './models.js';
import { UPLINK_PROPERTIES } from './properties.js';
import type { DeviceKind, DeviceModel, PropertyGroup, UplinkCatalog, UplinkEventDef, UplinkProperty } from './types.js';

export * from './types.js';
export { AIRCRAFT_PROPERTIES, DOCK_PROPERTIES, UPLINK_PROPERTIES } from './properties.js';
export { HMS_ITEM, KNOWN_EVENTS, progressEvents } from './events.js';
export { DEVICE_MODELS, modelKey } from './models.js';

/** The catalog: properties, every known event (the known ones, then the commands' progress events), models. */
export const UPLINK: UplinkCatalog = {
  properties: UPLINK_PROPERTIES,
  events: [...KNOWN_EVENTS, ...progressEvents(commands).filter((e) => !KNOWN_EVENTS.some((k) => k.method === e.method))],
  models: DEVICE_MODELS,
};

/** Properties of one kind, by name. */
export function propertiesOf(kind: DeviceKind, catalog: UplinkCatalog = UPLINK): ReadonlyMap<string, UplinkProperty> {
  return new Map(catalog.properties.filter((p) => p.kind === kind).map((p) => [p.name, p]));
}

const GROUPS = { dock: propertiesOf('dock'), aircraft: propertiesOf('aircraft') };

/** The group of a reported property (`other` for a property the catalog does not list). */
export function groupOf(kind: DeviceKind, name: string): PropertyGroup {
  return GROUPS[kind].get(name)?.group ?? 'other';
}

/** Events by method. */
export const eventsByMethod: ReadonlyMap<string, UplinkEventDef> = new Map(UPLINK.events.map((e) => [e.method, e]));

/** Models by key. */
export const modelsByKey: ReadonlyMap<string, DeviceModel> = new Map(DEVICE_MODELS.map((m) => [m.key, m]));

/** Device kind of a model key: from the catalog, else domain 3 = dock, anything else = aircraft; null when unknown. */
export function kindOfModel(key: string | null | undefined): DeviceKind | null {
  if (!key) return null;
  const m = modelsByKey.get(key);
  if (m) return m.kind;
  const domain = key.split('-')[0];
  return domain === '3' ? 'dock' : domain === '0' ? 'aircraft' : null;
}
