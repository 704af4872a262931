/**
 * A simulated wayline mission (issue 12 item 4; docs/missions.md): after `flighttask_execute` is
 * accepted, the dock reports `flighttask_progress` (`need_reply` as the catalog says, `bid` of the execute command)
 * waypoint by waypoint — percent, `current_waypoint_index`, `media_count` (one photo per waypoint
 * by default) — and ends `ok`; a `fail` rule with `atWaypoint` ends it `failed` there with the code
 * and a `break_point`; a `silent` rule with `atWaypoint` stops reporting there. `flighttask_pause`
 * pauses it (`paused`) until `flighttask_recovery`. Then, as a dock does after landing, it asks for
 * upload credentials (`storage_config_get`) and reports each photo with `file_upload_callback`.
 * Event shapes: https://developer.dji.com/doc/cloud-api-tutorial/en/api-reference/dock-to-cloud/mqtt/dock/dock3/wayline.html
 * and .../dock3/file.html. Step and state codes are plausible values, not a DJI trace.
 */
import type { ScenarioRule } from './rules.js';
import { DEFAULT_FAIL_CODE } from './rules.js';
import type { SentEvent } from './types.js';

/** What the mission needs from its dock. */
export interface MissionHost {
  sn: string;
  closed(): boolean;
  sleep(ms: number): Promise<void>;
  /** Publish an event; `into` also records it (the command's `events`). */
  sendEvent(method: string, data: unknown, o: { needReply?: boolean; bid?: string }, into?: SentEvent[]): Promise<unknown>;
  /** Publish a device request; resolves with the reply's `data` (rejects on timeout). */
  request(method: string, data: unknown): Promise<Record<string, unknown>>;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

export interface MissionOptions {
  /** Waypoints flown (default 5). */
  waypoints?: number;
  /** Photos per waypoint (default 1). */
  photosPerWaypoint?: number;
  /** Milliseconds between progress events (the mission's time scale; default 200). */
  stepMs?: number;
}

/** `current_step` values the simulator reports (executing the wayline; done). */
const STEP_EXECUTING = 25;
const STEP_DONE = 26;
/** `wayline_mission_state` values it reports (executing; finished). */
const STATE_EXECUTING = 6;
const STATE_DONE = 9;

export class MissionRunner {
  /** `flight_id` of the mission in flight, null when none. */
  flightId: string | null = null;
  private paused: { resume: () => void; wait: Promise<void> } | null = null;

  constructor(
    private readonly host: MissionHost,
    private readonly o: MissionOptions = {},
  ) {}

  /** `flighttask_pause` accepted: the mission holds at its next step. */
  pause(): void {
    if (!this.flightId || this.paused) return;
    let resume!: () => void;
    const wait = new Promise<void>((r) => (resume = r));
    this.paused = { resume, wait };
  }

  /** `flighttask_recovery` accepted: the mission goes on. */
  resume(): void {
    const p = this.paused;
    this.paused = null;
    p?.resume();
  }

  /** Fly the mission of an accepted `flighttask_execute` (`bid` of that command; rule as matched). */
  async run(flight_id: string, bid: string, rule: ScenarioRule | null, into?: SentEvent[], needReply = true): Promise<void> {
    const n = Math.max(1, this.o.waypoints ?? 5);
    const perWp = Math.max(0, this.o.photosPerWaypoint ?? 1);
    const step = this.o.stepMs ?? 200;
    const stopAt = rule?.atWaypoint !== undefined ? Math.min(n - 1, Math.max(0, rule.atWaypoint)) : null;
    const track_id = `track-${flight_id}`;
    this.flightId = flight_id;
    let media = 0;
    const send = (status: string, percent: number, wp: number, extra: Record<string, unknown> = {}, result = 0) =>
      this.host.sendEvent(
        'flighttask_progress',
        {
          result,
          output: {
            status,
            progress: { percent, current_step: status === 'ok' ? STEP_DONE : STEP_EXECUTING },
            ext: { flight_id, track_id, current_waypoint_index: wp, wayline_mission_state: status === 'ok' ? STATE_DONE : STATE_EXECUTING, media_count: media, ...extra },
          },
        },
        { needReply, bid },
        into,
      );
    try {
      for (let wp = 0; wp < n; wp++) {
        await this.host.sleep(step);
        if (this.paused) {
          await send('paused', Math.floor((wp / n) * 100), wp);
          await this.paused.wait;
        }
        if (this.host.closed()) return;
        if (stopAt === wp && rule?.outcome === 'silent') {
          this.host.log.info({ event: 'mission_silent', dock: this.host.sn, flight_id, waypoint: wp }, 'mission goes silent');
          return;
        }
        if (stopAt === wp && rule?.outcome === 'fail') {
          await send('failed', Math.floor((wp / n) * 100), wp, { break_point: { index: wp, state: 1, progress: 0, wayline_id: 0 } }, rule.code ?? DEFAULT_FAIL_CODE);
          return this.uploadLater(flight_id, media);
        }
        media += perWp;
        await send('in_progress', Math.min(99, Math.floor(((wp + 1) / n) * 100)), wp);
      }
      await this.host.sleep(step);
      await send('ok', 100, n - 1);
      this.uploadLater(flight_id, media);
    } finally {
      if (this.flightId === flight_id) this.flightId = null;
      this.resume();
    }
  }

  /** Uploads run after the mission's command is done (a dock uploads after landing, at its own pace). */
  private uploadLater(flight_id: string, photos: number): void {
    void this.upload(flight_id, photos).catch((err: Error) => this.host.log.warn({ event: 'mission_upload_failed', dock: this.host.sn, flight_id, err: err.message }, 'media upload stopped'));
  }

  /** After landing: ask for credentials, then report each photo. Without credentials nothing is uploaded. */
  private async upload(flight_id: string, photos: number): Promise<void> {
    if (photos === 0 || this.host.closed()) return;
    let prefix: string;
    try {
      const reply = await this.host.request('storage_config_get', { module: 0 });
      const out = (reply.output ?? {}) as Record<string, unknown>;
      if (reply.result !== 0 || typeof out.object_key_prefix !== 'string') throw new Error(`storage_config_get answered ${JSON.stringify(reply.result)}`);
      prefix = out.object_key_prefix;
    } catch (err) {
      this.host.log.warn({ event: 'mission_upload_skipped', dock: this.host.sn, flight_id, err: (err as Error).message }, 'no upload credentials: media not uploaded');
      return;
    }
    for (let i = 1; i <= photos; i++) {
      if (this.host.closed()) return;
      const name = `DJI_${String(i).padStart(4, '0')}_W.jpeg`;
      await this.host.sendEvent(
        'file_upload_callback',
        {
          file: {
            object_key: `${prefix}/${flight_id}/${name}`,
            path: flight_id,
            name,
            ext: { flight_id, drone_model_key: '0-91-0', payload_model_key: '1-99-0', is_original: true },
            metadata: {
              gimbal_yaw_degree: -90,
              absolute_altitude: 120.5,
              relative_altitude: 100,
              create_time: new Date().toISOString(),
              shoot_position: { lat: 22.5795 + i * 0.0001, lng: 113.9394 + i * 0.0001 },
            },
          },
        },
        { needReply: true },
      );
    }
  }
}
