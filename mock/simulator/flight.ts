/**
 * The simulated aircraft's flight: a list of legs flown one OSD tick at a time along straight
 * lines (linear in latitude, longitude and height; good enough for a map a few hundred metres
 * across). No physics: each leg takes `legTicks` ticks whatever its length.
 */

/** A WGS84 point: degrees, and ellipsoid height in metres. */
export interface GeoPoint {
  latitude: number;
  longitude: number;
  height: number;
}

/** What happens when the last leg is flown: hover there, or land (back in the dock). */
export type FlightEnd = 'hover' | 'land';

/** One flight in progress. */
export interface FlightPlan {
  /** Aircraft `mode_code` while flying it (5 wayline flight, 17 command flight, 9 return to home). */
  modeCode: number;
  legs: GeoPoint[];
  end: FlightEnd;
}

const EARTH_RADIUS_M = 6_371_000;

/** Great-circle distance in metres (haversine). */
export function distanceM(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Heading from `a` to `b` in degrees, −180..180 (0 north, 90 east), as DJI's `attitude_head`. */
export function headingDeg(a: GeoPoint, b: GeoPoint): number {
  const dy = b.latitude - a.latitude;
  const dx = (b.longitude - a.longitude) * Math.cos((a.latitude * Math.PI) / 180);
  if (dx === 0 && dy === 0) return 0;
  return Math.round(((Math.atan2(dx, dy) * 180) / Math.PI) * 10) / 10;
}

/** The point `t` (0..1) of the way from `a` to `b`. */
export function lerp(a: GeoPoint, b: GeoPoint, t: number): GeoPoint {
  return {
    latitude: a.latitude + (b.latitude - a.latitude) * t,
    longitude: a.longitude + (b.longitude - a.longitude) * t,
    height: a.height + (b.height - a.height) * t,
  };
}

/** A square of side ~2·`offsetDeg` around `home` at `cruise` metres above it, back above home. */
export function squareAround(home: GeoPoint, cruise: number, offsetDeg = 0.001): GeoPoint[] {
  const h = home.height + cruise;
  const at = (dLat: number, dLon: number): GeoPoint => ({ latitude: home.latitude + dLat, longitude: home.longitude + dLon, height: h });
  return [at(0, 0), at(offsetDeg, 0), at(offsetDeg, offsetDeg), at(-offsetDeg, offsetDeg), at(-offsetDeg, 0), at(0, 0)];
}

/** Flies a plan leg by leg; `step()` moves one tick and returns the new position. */
export class FlightPath {
  private leg = 0;
  private tick = 0;
  private from: GeoPoint;

  constructor(
    readonly plan: FlightPlan,
    start: GeoPoint,
    private readonly legTicks: number,
  ) {
    this.from = start;
  }

  /** Every leg flown. */
  done(): boolean {
    return this.leg >= this.plan.legs.length;
  }

  /** Advance one tick; the position after it. Stays put once done. */
  step(): GeoPoint {
    const target = this.plan.legs[this.leg];
    if (!target) return this.from;
    this.tick++;
    const pos = lerp(this.from, target, Math.min(1, this.tick / this.legTicks));
    if (this.tick >= this.legTicks) {
      this.from = target;
      this.leg++;
      this.tick = 0;
    }
    return pos;
  }

  /** The point the current leg heads for (the last one once done). */
  target(): GeoPoint {
    return this.plan.legs[Math.min(this.leg, this.plan.legs.length - 1)] ?? this.from;
  }
}
