/**
 * Several simulated docks on one broker, plus docks created on demand: the mock server treats any
 * `device_id` as a simulated dock and calls {@link Fleet.ensureDock} before dispatching.
 */
import { SimulatedDock } from './dock.js';
import type { SimulatedDockOptions } from './types.js';
import type { ScenarioRule } from './rules.js';

/** A dock of the fleet: its SN, optionally with the aircraft SN. */
export type FleetDockSpec = string | { dockSn: string; droneSn?: string };

export interface FleetOptions extends Omit<SimulatedDockOptions, 'dockSn' | 'droneSn'> {
  /** Docks started by {@link startFleet}. */
  docks?: FleetDockSpec[];
  /** The MQTT login of dock `sn`, asked before it connects (the mock registers its docks here); default: `mqtt` as given. */
  login?: (sn: string) => Promise<{ username: string; password: string }>;
}

/** The running docks. Rules set on the fleet apply to every dock, current and future. */
export class Fleet {
  private readonly docksBySn = new Map<string, SimulatedDock>();
  private readonly starting = new Map<string, Promise<SimulatedDock>>();
  private readonly fleetRules = new Map<string, ScenarioRule>();
  private closed = false;

  constructor(private readonly opts: FleetOptions) {}

  /** Running docks, in start order. */
  docks(): SimulatedDock[] {
    return [...this.docksBySn.values()];
  }

  /** The dock whose dock SN or aircraft SN is `sn`. */
  get(sn: string): SimulatedDock | undefined {
    const d = this.docksBySn.get(sn);
    if (d) return d;
    for (const dock of this.docksBySn.values()) if (dock.droneSn === sn) return dock;
    return undefined;
  }

  /**
   * The dock serving `sn` (dock SN or its aircraft SN); started (with `droneSn` or the default
   * aircraft SN) when there is none. Concurrent calls for one SN share one start. Rejects when the
   * fleet is closed or the broker cannot be reached.
   */
  async ensureDock(sn: string, droneSn?: string): Promise<SimulatedDock> {
    if (this.closed) throw new Error('fleet is closed');
    const existing = this.get(sn);
    if (existing) return existing;
    const pending = this.starting.get(sn);
    if (pending) return pending;
    const p = (async () => {
      const login = this.opts.login ? await this.opts.login(sn) : undefined;
      const dock = new SimulatedDock({ ...this.opts, dockSn: sn, droneSn, ...(login ? { mqtt: { ...this.opts.mqtt, ...login } } : {}) });
      for (const [type, rule] of this.fleetRules) dock.setRule(type, rule);
      await dock.start();
      if (this.closed) {
        await dock.close();
        throw new Error('fleet is closed');
      }
      this.docksBySn.set(sn, dock);
      return dock;
    })();
    this.starting.set(sn, p);
    try {
      return await p;
    } finally {
      this.starting.delete(sn);
    }
  }

  /** Set (or with `null` remove) a rule by command type or `*` on every dock, now and later. */
  setRule(commandType: string, rule: ScenarioRule | null): void {
    if (rule === null) this.fleetRules.delete(commandType);
    else this.fleetRules.set(commandType, rule);
    for (const d of this.docksBySn.values()) d.setRule(commandType, rule);
  }

  /** Stop and forget one dock. */
  async removeDock(sn: string): Promise<void> {
    const d = this.docksBySn.get(sn);
    if (!d) return;
    this.docksBySn.delete(sn);
    await d.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.starting.values()]);
    const all = [...this.docksBySn.values()];
    this.docksBySn.clear();
    await Promise.all(all.map((d) => d.close()));
  }
}

/** Start a fleet and its initial docks (in parallel). Rejects (after closing what started) if one fails. */
export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const fleet = new Fleet(opts);
  try {
    await Promise.all((opts.docks ?? []).map((d) => (typeof d === 'string' ? fleet.ensureDock(d) : fleet.ensureDock(d.dockSn, d.droneSn))));
  } catch (err) {
    await fleet.close();
    throw err;
  }
  return fleet;
}
