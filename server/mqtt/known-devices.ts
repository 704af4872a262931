/**
 * Is an SN in the device registry? Asked for every uplink message to count messages from
 * unregistered devices (`unknown_device_messages`, issue 11 §8), so answers are cached: a known SN
 * for `knownTtlMs` (default 60 s), an unknown one for `unknownTtlMs` (default 5 s, so a dock
 * registered a moment ago stops being counted soon). A store error counts as known: an outage
 * must not inflate the counter.
 */
import type { DeviceRegistry } from '../store/types/devices.js';

/** Cached registry lookups by SN. */
export class KnownDevices {
  private readonly cache = new Map<string, { known: boolean; until: number }>();
  constructor(
    private readonly registry: Pick<DeviceRegistry, 'get'>,
    private readonly o: { knownTtlMs?: number; unknownTtlMs?: number; max?: number; now?: () => number } = {},
  ) {}

  /** true when `sn` is registered (or the registry could not be read). */
  async isKnown(sn: string): Promise<boolean> {
    const now = (this.o.now ?? Date.now)();
    const hit = this.cache.get(sn);
    if (hit && hit.until > now) return hit.known;
    let known: boolean;
    try {
      known = (await this.registry.get(sn)) !== null;
    } catch {
      return true;
    }
    // Bounded: a flood of made-up SNs must not grow the map without end.
    if (this.cache.size >= (this.o.max ?? 50_000)) this.cache.clear();
    this.cache.set(sn, { known, until: now + (known ? (this.o.knownTtlMs ?? 60_000) : (this.o.unknownTtlMs ?? 5_000)) });
    return known;
  }
}
