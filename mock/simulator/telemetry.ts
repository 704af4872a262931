/**
 * The simulated dock's and aircraft's live state and how it reaches the cloud (DJI Cloud API,
 * "Topic Definition" and the dock/aircraft "Properties" pages, docs/dji/):
 * - every `osdIntervalMs` (default 2 s, DJI's 0.5 Hz) one `osd` message per device on
 *   `thing/product/{device_sn}/osd` with every osd property (the dock under its SN, the aircraft
 *   under its own SN; `gateway` is the dock SN in both);
 * - a discrete change (cover, aircraft in/out of the dock, mode codes, flight step) goes out at once
 *   on `thing/product/{device_sn}/state` with only the changed properties, so a map sees it without
 *   waiting for the next osd (the gateway merges both into one snapshot); continuous values
 *   (position, speed, battery) go out with the next osd only;
 * - commands move it (`applyCommand`): `cover_open` / `cover_close`, take-off (`flighttask_execute`,
 *   `takeoff_to_point`) with the aircraft leaving the dock and its position moving each tick
 *   (flight.ts), `fly_to_point`, `return_home` and landing.
 * Timers are injectable (`timers`) and `tick()` can be driven by hand, so tests need no sleeps.
 */
import { telemetryTopic, type TelemetryKind } from '../../spec/topics.js';
import { telemetryMessage } from './envelopes.js';
import { distanceM, FlightPath, headingDeg, squareAround, type FlightPlan, type GeoPoint } from './flight.js';
import { initialProperties, type DeviceKind, type SimProperty } from './telemetry-values.js';
import { isObject, type DjiMessage } from './types.js';

/** setInterval / clearInterval, injectable for tests. */
export interface TelemetryTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Telemetry options of a simulated dock (`SimulatedDockOptions.telemetry`). */
export interface TelemetryOptions {
  /** Period of `osd` reports in ms (default 2000; 0 = none, `tick()` by hand). */
  osdIntervalMs?: number;
  /** The dock's position (default 22.5431 N, 113.9398 E, 40 m ellipsoid height). */
  home?: GeoPoint;
  /** OSD ticks per flight leg (default 10). */
  legTicks?: number;
  /** Cruise height above home for flights without a target height, m (default 100). */
  cruiseHeightM?: number;
  timers?: TelemetryTimers;
}

/** What the telemetry needs from its dock. */
export interface TelemetryHost {
  readonly dockSn: string;
  readonly droneSn: string;
  /** Whether messages may go out now (connected and not silenced). */
  canSend(): boolean;
  /** Publish at QoS 0 (telemetry is periodic: a lost one is replaced by the next). */
  send(topic: string, message: DjiMessage): Promise<void>;
}

/** One device's properties: value and push mode by name. */
type PropertyTable = Map<string, SimProperty>;

/** What `update_topo` announces (envelopes.ts): a Dock 3 with a Matrice 4D (spec/uplink/models.ts). */
export const DOCK_MODEL = '3-3-0';
export const AIRCRAFT_MODEL = '0-100-0';

const DEFAULT_HOME: GeoPoint = { latitude: 22.5431, longitude: 113.9398, height: 40 };

/** Round to `d` decimals (what a dock sends is not 17 digits long). */
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export class Telemetry {
  readonly home: GeoPoint;
  /** osd ticks done. */
  ticks = 0;
  private readonly props: Record<DeviceKind, PropertyTable>;
  private readonly legTicks: number;
  private readonly cruise: number;
  private readonly timers: TelemetryTimers;
  private handle: unknown = null;
  private flight: FlightPath | null = null;
  private position: GeoPoint;

  constructor(
    private readonly host: TelemetryHost,
    private readonly opts: TelemetryOptions = {},
  ) {
    this.home = opts.home ?? DEFAULT_HOME;
    this.position = { ...this.home };
    this.legTicks = Math.max(1, opts.legTicks ?? 10);
    this.cruise = opts.cruiseHeightM ?? 100;
    this.timers = opts.timers ?? { setInterval: (fn, ms) => setInterval(fn, ms), clearInterval: (h) => clearInterval(h as NodeJS.Timeout) };
    this.props = { dock: initialProperties('dock'), aircraft: initialProperties('aircraft') };
    for (const kind of ['dock', 'aircraft'] as const) this.setPosition(kind, this.home);
    this.props.dock.set('sub_device', { push: 'osd', value: { device_sn: host.droneSn, device_model_key: AIRCRAFT_MODEL, device_online_status: 1, device_paired: 1 } });
  }

  /** Start the periodic osd (no-op when `osdIntervalMs` is 0 or already started). */
  start(): void {
    const ms = this.opts.osdIntervalMs ?? 2000;
    if (ms <= 0 || this.handle !== null) return;
    this.handle = this.timers.setInterval(() => void this.tick().catch(() => {}), ms);
    (this.handle as { unref?: () => void }).unref?.();
  }

  stop(): void {
    if (this.handle !== null) this.timers.clearInterval(this.handle);
    this.handle = null;
  }

  /** Current value of a property (a copy-free view; do not mutate). */
  get(kind: DeviceKind, name: string): unknown {
    return this.props[kind].get(name)?.value;
  }

  /** Every property of a device with its value (for the mock's dock detail). */
  snapshot(kind: DeviceKind): Record<string, unknown> {
    return Object.fromEntries([...this.props[kind]].map(([k, v]) => [k, v.value]));
  }

  /** The `data` of a full `osd` (or `state`) report of a device now: every property of that push mode. */
  reportData(kind: DeviceKind, push: TelemetryKind = 'osd'): Record<string, unknown> {
    const data: Record<string, unknown> = {};
    for (const [name, p] of this.props[kind]) if (p.push === push) data[name] = p.value;
    return data;
  }

  /** Whether the aircraft is flying a plan. */
  flying(): boolean {
    return this.flight !== null;
  }

  /**
   * One osd period: move the aircraft one step if it flies (landing when the plan ends there), then
   * publish `osd` for the dock and the aircraft. Sends nothing while the dock cannot send.
   */
  async tick(): Promise<void> {
    this.ticks++;
    const changes: Promise<void>[] = [];
    if (this.flight) changes.push(this.advance());
    await Promise.all(changes);
    if (!this.host.canSend()) return;
    await Promise.all([this.publish('dock', 'osd'), this.publish('aircraft', 'osd')]);
  }

  /**
   * Set properties of a device. Changed ones go out at once on `state` unless `quiet` (continuous
   * values wait for the next osd). A property not known yet is added as an osd property.
   */
  async set(kind: DeviceKind, values: Record<string, unknown>, quiet = false): Promise<void> {
    const changed: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(values)) {
      const p = this.props[kind].get(name);
      if (p && JSON.stringify(p.value) === JSON.stringify(value)) continue;
      if (p) p.value = value;
      else this.props[kind].set(name, { push: 'osd', value });
      changed[name] = value;
    }
    if (quiet || Object.keys(changed).length === 0 || !this.host.canSend()) return;
    await this.host.send(telemetryTopic(this.snOf(kind), 'state'), telemetryMessage(this.host.dockSn, changed));
  }

  /** What a successfully executed command does to the state (called once the dock answered it). */
  async applyCommand(method: string, data: unknown): Promise<void> {
    const d = isObject(data) ? data : {};
    switch (method) {
      case 'cover_open':
        return this.set('dock', { cover_state: 1 });
      case 'cover_close':
      case 'cover_force_close':
        return this.set('dock', { cover_state: 0 });
      case 'debug_mode_open':
        return this.set('dock', { mode_code: 2 });
      case 'debug_mode_close':
        return this.set('dock', { mode_code: 0 });
      case 'flighttask_execute':
        return this.takeOff({ modeCode: 5, legs: squareAround(this.home, this.cruise), end: 'land' });
      case 'takeoff_to_point': {
        const target = this.pointOf(d, 'target_');
        return this.takeOff({ modeCode: 17, legs: [{ ...this.home, height: target.height }, target], end: 'hover' });
      }
      case 'fly_to_point': {
        const first = Array.isArray(d.points) && isObject(d.points[0]) ? d.points[0] : {};
        if (this.get('dock', 'drone_in_dock') === 1) return;
        return this.fly({ modeCode: 17, legs: [this.pointOf(first, '')], end: 'hover' });
      }
      case 'return_home':
        return this.returnHome();
    }
  }

  /** Fly back above home at the current height, then land. No-op when the aircraft is in the dock. */
  async returnHome(): Promise<void> {
    if (this.get('dock', 'drone_in_dock') === 1) return;
    await this.fly({ modeCode: 9, legs: [{ ...this.home, height: this.position.height }, this.home], end: 'land' });
  }

  // ---- internals ----

  private snOf(kind: DeviceKind): string {
    return kind === 'dock' ? this.host.dockSn : this.host.droneSn;
  }

  private async publish(kind: DeviceKind, push: TelemetryKind): Promise<void> {
    await this.host.send(telemetryTopic(this.snOf(kind), push), telemetryMessage(this.host.dockSn, this.reportData(kind, push)));
  }

  /** `{prefix}latitude`, `{prefix}longitude`, `{prefix}height` of a command's data, else a point ~150 m NE of home. */
  private pointOf(d: Record<string, unknown>, prefix: string): GeoPoint {
    const n = (k: string, dflt: number) => (typeof d[prefix + k] === 'number' && Number.isFinite(d[prefix + k]) ? (d[prefix + k] as number) : dflt);
    return { latitude: n('latitude', this.home.latitude + 0.001), longitude: n('longitude', this.home.longitude + 0.001), height: n('height', this.home.height + this.cruise) };
  }

  private async takeOff(plan: FlightPlan): Promise<void> {
    if (this.get('dock', 'drone_in_dock') === 0) return this.fly(plan); // already airborne: a new plan
    // A dock opens its cover for take-off and the aircraft leaves it.
    await this.set('dock', { cover_state: 1, mode_code: 4, flighttask_step_code: 1, drone_in_dock: 0 });
    await this.fly(plan);
  }

  private async fly(plan: FlightPlan): Promise<void> {
    this.flight = new FlightPath(plan, this.position, this.legTicks);
    await this.set('aircraft', { mode_code: plan.modeCode });
  }

  private setPosition(kind: DeviceKind, p: GeoPoint): void {
    const t = this.props[kind];
    t.set('latitude', { push: 'osd', value: round(p.latitude, 7) });
    t.set('longitude', { push: 'osd', value: round(p.longitude, 7) });
    t.set('height', { push: 'osd', value: round(p.height, 2) });
  }

  private async advance(): Promise<void> {
    const flight = this.flight!;
    const before = this.position;
    const pos = flight.step();
    this.position = pos;
    const periodS = (this.opts.osdIntervalMs || 2000) / 1000;
    this.setPosition('aircraft', pos);
    const battery = this.get('aircraft', 'battery') as { capacity_percent: number; remain_flight_time: number; return_home_power: number };
    const capacity = Math.max(10, battery.capacity_percent - (this.ticks % 5 === 0 ? 1 : 0));
    await this.set(
      'aircraft',
      {
        elevation: round(pos.height - this.home.height, 2),
        horizontal_speed: round(distanceM(before, { ...pos, height: before.height }) / periodS, 2),
        vertical_speed: round((pos.height - before.height) / periodS, 2),
        attitude_head: headingDeg(before, pos),
        home_distance: round(distanceM(this.home, { ...pos, height: this.home.height }), 1),
        battery: { ...battery, capacity_percent: capacity, remain_flight_time: capacity * 27 },
      },
      true,
    );
    if (!flight.done()) return;
    this.flight = null;
    if (flight.plan.end === 'hover') {
      await this.set('aircraft', { horizontal_speed: 0, vertical_speed: 0 }, true);
      return;
    }
    // Landed: back in the dock, which closes its cover and goes idle.
    this.position = { ...this.home };
    this.setPosition('aircraft', this.home);
    await this.set('aircraft', { mode_code: 0, horizontal_speed: 0, vertical_speed: 0, elevation: 0, home_distance: 0 });
    await this.set('dock', { drone_in_dock: 1, cover_state: 0, mode_code: 0, flighttask_step_code: 5 });
  }
}
