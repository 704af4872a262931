/**
 * Test helpers for the dock simulator: brokers (embedded aedes, the machine's Mosquitto), a cloud-side
 * MQTT client that records what the dock publishes, a synthetic catalog, bounded polling.
 */
import net from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker } from '../../server/mqtt/broker.js';
import { int, num, str, arr, obj } from '../../spec/fields.js';
import type { CommandDef } from '../../spec/types.js';
import { servicesTopic, topicOf } from '../../spec/topics.js';

export const MOSQUITTO_URL = 'mqtt://127.0.0.1:1883';

export interface TestBroker {
  name: string;
  url: string;
  close(): Promise<void>;
}

export async function startAedes(): Promise<TestBroker> {
  const b = await startEmbeddedBroker({ port: 0 });
  return { name: 'aedes', url: b.url, close: () => b.close() };
}

/** Whether something accepts TCP on 127.0.0.1:1883 (the machine's Mosquitto). */
export function mosquittoUp(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port: 1883 });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** A dock SN no other test (or parallel run) uses. Alphanumeric, as DJI SNs are. */
export function uniqueSn(prefix = 'SIM'): string {
  return `${prefix}${randomBytes(5).toString('hex').toUpperCase()}`;
}

/** Poll `fn` until it returns a truthy value, or throw after `timeoutMs`. */
export async function waitFor<T>(fn: () => T | undefined | null | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Value at a dotted path (`output.progress.percent`), or undefined. */
export function getPath(data: unknown, path: string): unknown {
  let cur = data;
  for (const k of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export interface Received {
  topic: string;
  message: Record<string, unknown>;
  at: number;
}

/** The cloud side: publishes commands and records everything under `thing/product/{sn}/#` and `sys/product/{sn}/#`. */
export class Cloud {
  readonly messages: Received[] = [];
  private constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(payload.toString());
      } catch {
        message = { raw: payload.toString() };
      }
      this.messages.push({ topic, message, at: Date.now() });
    });
  }

  /** `login`: the broker's internal login when it authenticates (embedded broker with logins on). */
  static async connect(url: string, sns: string[], login?: { username: string; password: string } | null): Promise<Cloud> {
    const client = await mqtt.connectAsync(url, { clientId: `cloud-${randomBytes(4).toString('hex')}`, reconnectPeriod: 0, ...(login ?? {}) });
    const cloud = new Cloud(client);
    await client.subscribeAsync(
      sns.flatMap((sn) => [`thing/product/${sn}/#`, `sys/product/${sn}/#`]),
      { qos: 1 },
    );
    return cloud;
  }

  on(topic: string, pred: (m: Record<string, unknown>) => boolean = () => true): Received[] {
    return this.messages.filter((r) => r.topic === topic && pred(r.message));
  }

  async waitOn(topic: string, pred: (m: Record<string, unknown>) => boolean = () => true, count = 1, timeoutMs = 3000): Promise<Received[]> {
    return waitFor(() => {
      const got = this.on(topic, pred);
      return got.length >= count ? got : null;
    }, timeoutMs, `${count} message(s) on ${topic}`);
  }

  async publish(topic: string, message: unknown): Promise<void> {
    await this.client.publishAsync(topic, typeof message === 'string' ? message : JSON.stringify(message), { qos: 1 });
  }

  /** Publish a `services` command; returns its tid/bid and the send time. */
  async command(sn: string, method: string, data: unknown, ids: { tid?: string; bid?: string } = {}): Promise<{ tid: string; bid: string; sentAt: number }> {
    const tid = ids.tid ?? randomUUID();
    const bid = ids.bid ?? randomUUID();
    const sentAt = Date.now();
    await this.publish(servicesTopic(sn), { tid, bid, timestamp: sentAt, method, data });
    return { tid, bid, sentAt };
  }

  /** Wait for the `services_reply` with this tid. */
  async reply(sn: string, tid: string, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const [r] = await this.waitOn(topicOf(sn, 'services_reply'), (m) => m.tid === tid, 1, timeoutMs);
    return r.message;
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}

/** Commands with stable shapes, independent of the (growing) real catalog. */
export const testCatalog: CommandDef[] = [
  {
    command_type: 'sim_cover_open',
    domain: 'device',
    summary: 'test: remote-debug style progress by bid',
    description: 'test',
    payload: {},
    transport: 'services',
    reply: 'services_reply',
    // Spelled out (not remoteDebugProgress) so the test keeps need_reply: 1 whatever the catalog decides.
    progress: {
      event_method: 'sim_cover_open',
      limits: { silence_seconds: 60, max_duration_seconds: 600, why: 'test' },
      correlate_by: 'bid',
      status_path: 'output.status',
      percent_path: 'output.progress.percent',
      step_path: 'output.progress.step_key',
      succeeded: ['ok'],
      failed: ['failed', 'rejected', 'canceled', 'timeout'],
      need_reply: true,
    },
    docks: 'D3',
    example: {},
    sources: [],
  },
  {
    command_type: 'sim_set_mode',
    domain: 'device',
    summary: 'test: plain reply with a typed payload',
    description: 'test',
    payload: {
      action: int('mode', { enum: { 0: 'idle', 1: 'cool', 2: 'heat', 3: 'dry' } }),
      speed: num('speed', { min: 1, max: 15, required: false }),
      name: str('name', { maxLength: 8, required: false }),
      points: arr('points', obj('point', { latitude: num('lat', { min: -90, max: 90 }), longitude: num('lon', { min: -180, max: 180 }) }), {
        required: false,
        maxItems: 1,
      }),
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D3',
    example: { action: 1 },
    sources: [],
  },
  {
    command_type: 'sim_fly_to',
    domain: 'drc',
    summary: 'test: flat progress by payload id',
    description: 'test',
    payload: { fly_to_id: str('id'), max_speed: int('speed', { min: 1, max: 15 }) },
    transport: 'services',
    reply: 'services_reply',
    progress: {
      event_method: 'sim_fly_to_progress',
      limits: { silence_seconds: 60, max_duration_seconds: 600, why: 'test' },
      correlate_by: { payload_field: 'fly_to_id', event_field: 'fly_to_id' },
      status_path: 'status',
      succeeded: ['wayline_ok'],
      failed: ['wayline_failed', 'wayline_cancel'],
      need_reply: false,
    },
    docks: 'D3',
    example: { fly_to_id: 'f1', max_speed: 5 },
    sources: [],
  },
  {
    command_type: 'sim_wired',
    domain: 'psdk',
    summary: 'test: public payload translated to a different wire form',
    description: 'test',
    payload: { text: str('public text') },
    wire: {
      data: { value: str('DJI value', { maxBytes: 16 }) },
      translate: (p) => ({ value: p.text }),
      notes: 'renames text → value',
    },
    transport: 'services',
    reply: 'services_reply',
    docks: 'D3',
    example: { text: 'hi' },
    sources: [],
  },
  {
    command_type: 'sim_heart_beat',
    domain: 'drc',
    summary: 'test: drc/down with drc/up echo',
    description: 'test',
    payload: { timestamp: int('ms') },
    transport: 'drc/down',
    reply: 'drc/up',
    docks: 'D3',
    example: { timestamp: 1700000000000 },
    sources: [],
  },
  {
    command_type: 'sim_stick',
    domain: 'drc',
    summary: 'test: drc/down without reply',
    description: 'test',
    payload: { roll: int('roll', { min: 364, max: 1684 }) },
    transport: 'drc/down',
    reply: 'none',
    docks: 'D3',
    example: { roll: 1024 },
    sources: [],
  },
];
