/**
 * A scripted DJI dock for tests: a real MQTT client that behaves like a dock on
 * `thing/product/{sn}/…` (dji-cloud-api-protocol.md §1–6). It announces itself with `update_topo`,
 * answers commands per script (result code, delay, silence, wrong method/bid/gateway, duplicates,
 * progress events with percent steps and a terminal status, need_reply), sends requests and events
 * on demand, and records everything it receives.
 *
 * Example:
 *   const dock = await ScriptedDock.start({ url, sn: 'DOCK1', script: { cover_open: { progress: { percents: [20, 60], terminal: 'ok' } } } });
 *   await dock.waitFor((m) => m.kind === 'events_reply');
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

/** Progress events sent after (or before) the services_reply. */
export interface ProgressScript {
  /** Event method; default the command's method (remote-debug style, e.g. `cover_open`). */
  method?: string;
  /** `wrapped`: `{result, output: {status, progress: {percent, step_key}}}`; `flat`: `{<keyField>, status, result, …}`. */
  shape?: 'wrapped' | 'flat';
  /** Flat events: the command `data` field echoed in each event (e.g. `fly_to_id`). */
  keyField?: string;
  /** Percent of each non-terminal event, in order. Default [50]. */
  percents?: number[];
  /** Status of the non-terminal events. Default `in_progress` (wrapped) / `wayline_progress` (flat). */
  runningStatus?: string;
  /** Status of the last event; null = no terminal event. Default `ok`. */
  terminal?: string | null;
  /** `data.result` of the terminal event. Default 0. */
  terminalResult?: number;
  /** Delay between events, ms. Default 5. */
  intervalMs?: number;
  /** `need_reply` flag on each event. Default true. */
  needReply?: boolean;
  /** Send the events before the services_reply (race). */
  beforeReply?: boolean;
  /** Use this bid instead of the command's. */
  bid?: string;
}

/** How the dock answers one command. */
export interface Behaviour {
  /** Never answer. */
  silent?: boolean;
  /** Wait before answering, ms. */
  delayMs?: number;
  /** `data.result` of the reply (default 0); ignored when `data` is given. */
  result?: number;
  /** Whole reply `data` (e.g. `{result: 0, code: 'E1', msg: 'x'}`). */
  data?: Record<string, unknown>;
  /** Reply with another method / bid / tid, or on another gateway's topic. */
  method?: string;
  bid?: string;
  tid?: string;
  topicSn?: string;
  /** Send the identical reply this many times (duplicates). Default 1. */
  repeat?: number;
  /** Further replies with other data after the first (late replies), each after `delayMs` 5. */
  extraReplies?: Record<string, unknown>[];
  progress?: ProgressScript;
}

/** A received command as the script sees it. */
export interface ReceivedCommand {
  topic: string;
  transport: 'services' | 'drc/down';
  tid: string;
  bid: string;
  method: string;
  seq: number | undefined;
  data: Record<string, unknown>;
  message: Record<string, unknown>;
}

export type Script = Record<string, Behaviour> | ((cmd: ReceivedCommand) => Behaviour | null | undefined);

/** One message the dock received. */
export interface Received {
  topic: string;
  /** Topic suffix after the SN: `services`, `drc/down`, `events_reply`, `requests_reply`, `status_reply`, `property/set`. */
  kind: string;
  /** Parsed JSON, or null when the payload was not JSON. */
  message: Record<string, any> | null;
  at: number;
}

export interface DockOptions {
  url: string;
  /** Dock (gateway) SN. */
  sn: string;
  /** Aircraft SNs announced in `update_topo`. Default none. */
  subDevices?: string[];
  /** Send `update_topo` on start and wait for its `status_reply` (default true when subDevices is given). */
  announce?: boolean;
  script?: Script;
  clientId?: string;
}

export class ScriptedDock {
  readonly received: Received[] = [];
  private readonly listeners = new Set<() => void>();
  private script: Script;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly sn: string,
    private readonly client: MqttClient,
    script: Script | undefined,
  ) {
    this.script = script ?? {};
  }

  /** Connect, subscribe to the dock's downlink topics, optionally announce the topology. */
  static async start(o: DockOptions): Promise<ScriptedDock> {
    const client = mqtt.connect(o.url, {
      clientId: o.clientId ?? `dock-${o.sn}-${randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: 200,
      connectTimeout: 5_000,
      protocolVersion: 4,
      // Subscriptions are re-made on every CONNACK below, so `ready()` knows when they are in place.
      resubscribe: false,
    });
    client.on('error', () => {});
    const dock = new ScriptedDock(o.sn, client, o.script);
    client.on('message', (topic, payload) => dock.onMessage(topic, payload));
    const base = `thing/product/${o.sn}`;
    const topics = [`${base}/services`, `${base}/drc/down`, `${base}/events_reply`, `${base}/requests_reply`, `${base}/property/set`, `sys/product/${o.sn}/status_reply`];
    client.on('connect', () => {
      (client.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
      dock.subscribed = false;
      client.subscribe(topics, { qos: 1 }, (err) => {
        if (err) return;
        dock.subscribed = true;
        dock.connects++;
        for (const l of [...dock.listeners]) l();
      });
    });
    client.on('close', () => (dock.subscribed = false));
    try {
      await dock.ready(5_000);
    } catch (e) {
      await client.endAsync(true);
      throw new Error(`scripted dock ${o.sn}: no connection to ${o.url}`, { cause: e });
    }
    if (o.announce ?? (o.subDevices !== undefined)) {
      const { tid } = await dock.sendUpdateTopo(o.subDevices ?? []);
      await dock.waitFor((m) => m.kind === 'status_reply' && m.message?.tid === tid, 5_000);
    }
    return dock;
  }

  /** Number of (re)connections whose subscriptions are in place. */
  connects = 0;
  /** Connected and subscribed right now. */
  subscribed = false;

  /** Resolve once connected and subscribed (at least `minConnects` times in total). */
  async ready(timeoutMs = 5_000, minConnects = 1): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(this.subscribed && this.connects >= minConnects)) {
      if (Date.now() > deadline) throw new Error(`scripted dock ${this.sn}: not subscribed within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  setScript(script: Script): void {
    this.script = script;
  }

  /** Messages of one kind (`services`, `events_reply`, …). */
  ofKind(kind: string): Received[] {
    return this.received.filter((m) => m.kind === kind);
  }

  /** The first received message (past or future) matching `pred`; rejects after `timeoutMs`. */
  waitFor(pred: (m: Received) => boolean, timeoutMs = 5_000): Promise<Received> {
    const hit = this.received.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.received.find(pred);
        if (m) {
          clearTimeout(t);
          this.listeners.delete(check);
          resolve(m);
        }
      };
      const t = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`scripted dock ${this.sn}: no matching message within ${timeoutMs} ms (received ${this.received.length}: ${this.received.map((m) => m.kind + ':' + (m.message?.method ?? '?')).join(', ')})`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  /** Wait until `n` messages match `pred`. */
  async waitForCount(pred: (m: Received) => boolean, n: number, timeoutMs = 5_000): Promise<Received[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hits = this.received.filter(pred);
      if (hits.length >= n) return hits;
      if (Date.now() > deadline) throw new Error(`scripted dock ${this.sn}: ${hits.length}/${n} matching messages within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Publish JSON (or raw bytes) on `thing/product/{sn}/{suffix}` or a full topic starting with `thing/` / `sys/`. */
  async publish(topicOrSuffix: string, message: unknown): Promise<void> {
    const topic = /^(thing|sys)\//.test(topicOrSuffix) ? topicOrSuffix : `thing/product/${this.sn}/${topicOrSuffix}`;
    const payload = typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message);
    await this.client.publishAsync(topic, payload, { qos: 1 });
  }

  /** `update_topo` on `sys/product/{sn}/status`. */
  async sendUpdateTopo(subDevices: string[]): Promise<{ tid: string; bid: string }> {
    const tid = randomUUID();
    const bid = randomUUID();
    await this.publish(`sys/product/${this.sn}/status`, {
      tid,
      bid,
      timestamp: Date.now(),
      method: 'update_topo',
      data: {
        domain: '3',
        type: 3,
        sub_type: 0,
        device_secret: 'secret',
        nonce: 'nonce',
        thing_version: '1.2.0',
        sub_devices: subDevices.map((sn, i) => ({ sn, domain: '0', type: 100, sub_type: 0, index: String.fromCharCode(65 + i), device_secret: 's', nonce: 'n', thing_version: '1.2.0' })),
      },
    });
    return { tid, bid };
  }

  /** A device request on `…/requests`. */
  async sendRequest(method: string, data: Record<string, unknown> | null, ids: { tid?: string; bid?: string } = {}): Promise<{ tid: string; bid: string }> {
    const tid = ids.tid ?? randomUUID();
    const bid = ids.bid ?? randomUUID();
    await this.publish('requests', { tid, bid, timestamp: Date.now(), gateway: this.sn, method, data });
    return { tid, bid };
  }

  /** An event on `…/events`. */
  async sendEvent(method: string, data: Record<string, unknown>, o: { needReply?: boolean; tid?: string; bid?: string } = {}): Promise<{ tid: string; bid: string }> {
    const tid = o.tid ?? randomUUID();
    const bid = o.bid ?? randomUUID();
    await this.publish('events', { tid, bid, timestamp: Date.now(), gateway: this.sn, method, need_reply: o.needReply ? 1 : 0, data });
    return { tid, bid };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await this.client.endAsync(true);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  private onMessage(topic: string, payload: Buffer): void {
    const prefix = topic.startsWith('sys/') ? `sys/product/${this.sn}/` : `thing/product/${this.sn}/`;
    const kind = topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
    let message: Record<string, any> | null = null;
    try {
      const v = JSON.parse(payload.toString('utf8'));
      if (v && typeof v === 'object' && !Array.isArray(v)) message = v;
    } catch {
      /* recorded as null */
    }
    this.received.push({ topic, kind, message, at: Date.now() });
    for (const l of [...this.listeners]) l();
    if ((kind === 'services' || kind === 'drc/down') && message) void this.answer(kind, topic, message).catch(() => {});
  }

  private behaviourFor(cmd: ReceivedCommand): Behaviour {
    const s = this.script;
    const b = typeof s === 'function' ? s(cmd) : s[cmd.method];
    return b ?? {};
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((r) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        r();
      }, ms);
      this.timers.add(t);
    });
  }

  private async answer(transport: 'services' | 'drc/down', topic: string, m: Record<string, any>): Promise<void> {
    const cmd: ReceivedCommand = {
      topic,
      transport,
      tid: m.tid,
      bid: m.bid,
      method: m.method,
      seq: m.seq,
      data: m.data && typeof m.data === 'object' ? m.data : {},
      message: m,
    };
    const b = this.behaviourFor(cmd);
    if (b.silent) return;
    await this.sleep(b.delayMs ?? 0);
    if (b.progress?.beforeReply) await this.sendProgress(cmd, b.progress);
    const data = b.data ?? { result: b.result ?? 0 };
    const sn = b.topicSn ?? this.sn;
    const reply = (d: Record<string, unknown>) =>
      transport === 'drc/down'
        ? { method: b.method ?? cmd.method, seq: cmd.seq, timestamp: Date.now(), data: d }
        : { tid: b.tid ?? cmd.tid, bid: b.bid ?? cmd.bid, timestamp: Date.now(), gateway: sn, method: b.method ?? cmd.method, data: d };
    const replyTopic = `thing/product/${sn}/${transport === 'drc/down' ? 'drc/up' : 'services_reply'}`;
    const first = reply(data);
    for (let i = 0; i < (b.repeat ?? 1); i++) await this.client.publishAsync(replyTopic, JSON.stringify(first), { qos: 1 });
    for (const extra of b.extraReplies ?? []) {
      await this.sleep(5);
      await this.client.publishAsync(replyTopic, JSON.stringify(reply(extra)), { qos: 1 });
    }
    if (b.progress && !b.progress.beforeReply) await this.sendProgress(cmd, b.progress);
  }

  private async sendProgress(cmd: ReceivedCommand, p: ProgressScript): Promise<void> {
    const method = p.method ?? cmd.method;
    const flat = p.shape === 'flat';
    const running = p.runningStatus ?? (flat ? 'wayline_progress' : 'in_progress');
    const key = p.keyField ? { [p.keyField]: cmd.data[p.keyField] } : {};
    const event = (status: string, percent: number | null, result: number, i: number) => {
      const data = flat
        ? { ...key, status, result, way_point_index: i, remaining_distance: Math.max(0, 100 - (percent ?? 100)), remaining_time: 1 }
        : { result, output: { status, progress: { percent: percent ?? 100, step_key: `step_${i}` } } };
      return { tid: randomUUID(), bid: p.bid ?? cmd.bid, timestamp: Date.now(), gateway: this.sn, method, need_reply: p.needReply === false ? 0 : 1, data };
    };
    const percents = p.percents ?? [50];
    let i = 0;
    for (const pc of percents) {
      await this.client.publishAsync(`thing/product/${this.sn}/events`, JSON.stringify(event(running, pc, 0, i++)), { qos: 1 });
      await this.sleep(p.intervalMs ?? 5);
    }
    const terminal = p.terminal === undefined ? 'ok' : p.terminal;
    if (terminal !== null) {
      await this.client.publishAsync(`thing/product/${this.sn}/events`, JSON.stringify(event(terminal, 100, p.terminalResult ?? 0, i)), { qos: 1 });
    }
  }
}
