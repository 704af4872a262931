/**
 * Device models: DJI `{domain}-{type}-{sub_type}` → name and kind. Domain 3 is a dock, domain 0 an
 * aircraft. Source: DJI Cloud API "Product support"
 * (https://developer.dji.com/doc/cloud-api-tutorial/en/overview/product-support.html).
 */
import type { DeviceModel } from './types.js';

export const DEVICE_MODELS: DeviceModel[] = [
  { key: '3-1-0', name: 'DJI Dock', kind: 'dock' },
  { key: '3-2-0', name: 'DJI Dock 2', kind: 'dock' },
  { key: '3-3-0', name: 'DJI Dock 3', kind: 'dock' },
  { key: '0-60-0', name: 'Matrice 300 RTK', kind: 'aircraft' },
  { key: '0-67-0', name: 'Matrice 30', kind: 'aircraft' },
  { key: '0-67-1', name: 'Matrice 30T', kind: 'aircraft' },
  { key: '0-77-0', name: 'Mavic 3E', kind: 'aircraft' },
  { key: '0-77-1', name: 'Mavic 3T', kind: 'aircraft' },
  { key: '0-89-0', name: 'Matrice 350 RTK', kind: 'aircraft' },
  { key: '0-91-0', name: 'Matrice 3D', kind: 'aircraft' },
  { key: '0-91-1', name: 'Matrice 3TD', kind: 'aircraft' },
  { key: '0-100-0', name: 'Matrice 4D', kind: 'aircraft' },
  { key: '0-100-1', name: 'Matrice 4TD', kind: 'aircraft' },
];

/** `{domain}-{type}-{sub_type}` of a DJI `domain`/`type`/`sub_type` triple (as in `update_topo`). */
export function modelKey(domain: unknown, type: unknown, subType: unknown): string | null {
  const ok = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d{1,5}$/.test(v));
  return ok(domain) && ok(type) && ok(subType) ? `${domain}-${type}-${subType}` : null;
}
