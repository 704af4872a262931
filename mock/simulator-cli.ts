/**
 * Run simulated DJI docks against any MQTT broker, logging JSON lines of what they receive and send.
 *
 *   npm run simulator -- --broker mqtt://127.0.0.1:1883 --dock DOCK-SN [--dock DOCK-2] [--drone DRONE-SN]
 *       [--rule 'cover_open=fail:514107'] [--rule 'DOCK-2:*=delay:2000'] [--request config] [--request-every 60000]
 *
 *       [--osd-interval 2000] [--home 22.54,113.94] [--hms 0x16100083 --hms-clear-after 30000]
 *       [--silent-after MS] [--disconnect-after MS [--reconnect-after MS]]
 *
 * `--drone` values pair with `--dock` values by position. Rules: TYPE=SPEC[,SPEC…] with SPEC one of
 * succeed, fail[:CODE][:event], silent, wrong_method[:METHOD], delay:MS, once; prefix `DOCK:` to
 * target one dock. Exit codes: 0 on SIGINT/SIGTERM, 1 broker unreachable, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startFleet, type Fleet } from './simulator/fleet.js';
import { parseRule, type ScenarioRule } from './simulator/rules.js';
import { KNOWN_REQUESTS } from './simulator/requests.js';
import type { SimulatedDock } from './simulator/dock.js';

const USAGE = `usage: npm run simulator -- --broker mqtt://HOST:PORT --dock DOCK-SN [--dock DOCK-SN…]
  [--drone DRONE-SN…]            aircraft SN for the dock at the same position (default DOCK-SN-DRONE)
  [--rule [DOCK:]TYPE=SPEC…]     e.g. cover_open=fail:514107, *=delay:500, fly_to_point=fail:336000:event,once,
                                 cover_close=silent, cover_open=wrong_method
  [--request METHOD…]            device request sent on start (${KNOWN_REQUESTS.join(', ')}, …)
  [--request-every MS]           resend the requests every MS (all five known ones if no --request)
  [--progress-interval MS]       pause between progress events (default 0)
  [--osd-interval MS]            osd report period of each dock and aircraft (default 2000; 0 = none)
  [--home LAT,LON[,HEIGHT]]      the docks' position (default 22.5431,113.9398,40)
  [--hms CODE…]                  HMS alarms raised on start (e.g. 0x16100083), cleared after --hms-clear-after MS
  [--hms-clear-after MS]         clear the --hms alarms after MS (default: never)
  [--silent-after MS]            stop publishing anything after MS (the gateway sees silence)
  [--disconnect-after MS]        drop the MQTT connection after MS
  [--reconnect-after MS]         connect again MS after the disconnect  [--username U --password P]    broker credentials`;

function fail(msg: string): never {
  process.stderr.write(`simulator: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function intArg(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer (milliseconds), got "${v}"`);
  return n;
}

let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      broker: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
      dock: { type: 'string', multiple: true },
      drone: { type: 'string', multiple: true },
      rule: { type: 'string', multiple: true },
      request: { type: 'string', multiple: true },
      'request-every': { type: 'string' },
      'progress-interval': { type: 'string' },
      'osd-interval': { type: 'string' },
      home: { type: 'string' },
      hms: { type: 'string', multiple: true },
      'hms-clear-after': { type: 'string' },
      'silent-after': { type: 'string' },
      'disconnect-after': { type: 'string' },
      'reconnect-after': { type: 'string' },
      username: { type: 'string' },
      password: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
}
try {
  args = parse();
} catch (err) {
  fail((err as Error).message);
}
const v = args.values;
if (v.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const docks = v.dock ?? [];
if (docks.length === 0) fail('at least one --dock is required');
const drones = v.drone ?? [];
if (drones.length > docks.length) fail('more --drone than --dock values');

const rules: { dock: string | null; type: string; rule: ScenarioRule }[] = [];
for (const text of v.rule ?? []) {
  const eq = text.indexOf('=');
  const left = eq > 0 ? text.slice(0, eq) : text;
  const colon = left.indexOf(':');
  const dock = colon > 0 ? left.slice(0, colon) : null;
  try {
    const { commandType, rule } = parseRule(colon > 0 ? text.slice(colon + 1) : text);
    if (dock !== null && !docks.includes(dock)) fail(`rule "${text}" names dock ${dock}, which is not a --dock`);
    rules.push({ dock, type: commandType, rule });
  } catch (err) {
    fail((err as Error).message);
  }
}
const every = intArg('request-every', v['request-every']);
const progressIntervalMs = intArg('progress-interval', v['progress-interval']);
const requestMethods = v.request ?? (every ? [...KNOWN_REQUESTS] : []);
const osdIntervalMs = intArg('osd-interval', v['osd-interval']);
const hmsClearAfter = intArg('hms-clear-after', v['hms-clear-after']);
const silentAfter = intArg('silent-after', v['silent-after']);
const disconnectAfter = intArg('disconnect-after', v['disconnect-after']);
const reconnectAfter = intArg('reconnect-after', v['reconnect-after']);
let home: { latitude: number; longitude: number; height: number } | undefined;
if (v.home !== undefined) {
  const [lat, lon, h] = v.home.split(',').map(Number);
  if (!(Math.abs(lat!) <= 90 && Math.abs(lon!) <= 180 && (h === undefined || Number.isFinite(h)))) fail(`--home must be LAT,LON[,HEIGHT] in degrees and metres, got "${v.home}"`);
  home = { latitude: lat!, longitude: lon!, height: h ?? 40 };
}
const hmsCodes = v.hms ?? [];
for (const c of hmsCodes) if (!/^0x[0-9A-Fa-f]{1,8}$/.test(c)) fail(`--hms must be a DJI HMS code such as 0x16100083, got "${c}"`);

// Synchronous stdout so nothing is lost when the process exits right after the last line.
const logger = pino({ base: { service: 'dockgate-simulator' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 1, sync: true }));

let fleet: Fleet | null = null;
let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const t0 = Date.now();
  logger.info({ event: 'stopping', signal }, 'stopping simulator');
  // Never hang on a broker that went away: exit anyway after a grace period.
  setTimeout(() => {
    logger.warn({ event: 'stop_forced', ms: Date.now() - t0 }, 'docks did not close in time; exiting anyway');
    process.exit(0);
  }, 5000).unref();
  await fleet?.close().catch(() => {});
  logger.info({ event: 'stopped', ms: Date.now() - t0 }, 'simulator stopped');
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));

try {
  fleet = await startFleet({
    brokerUrl: v.broker!,
    docks: docks.map((dockSn, i) => ({ dockSn, droneSn: drones[i] })),
    logger,
    progressIntervalMs,
    telemetry: { osdIntervalMs, home },
    // Fleet-wide rules go in before the docks connect, so no command slips through unruled.
    rules: Object.fromEntries(rules.filter((r) => r.dock === null).map((r) => [r.type, r.rule])),
    requestSchedule: requestMethods.length ? { methods: requestMethods, onStart: true, intervalMs: every } : undefined,
    mqtt: v.username !== undefined ? { username: v.username, password: v.password } : undefined,
  });
} catch (err) {
  logger.error({ event: 'start_failed', broker: v.broker, err: (err as Error).message }, 'simulator could not start');
  process.exit(1);
}
for (const r of rules) if (r.dock !== null) fleet.get(r.dock)?.setRule(r.type, r.rule);
// Scheduled telemetry events (alarms, silence, disconnect), so a partner watches their map react.
const later = (ms: number | undefined, what: string, f: (d: SimulatedDock) => Promise<unknown> | void) => {
  if (ms === undefined) return;
  setTimeout(() => {
    logger.info({ event: what }, what);
    for (const d of fleet!.docks()) void Promise.resolve(f(d)).catch((err: Error) => logger.warn({ event: `${what}_failed`, dock: d.sn, err: err.message }, `${what} failed`));
  }, ms).unref();
};
if (hmsCodes.length) {
  for (const d of fleet.docks()) await d.raiseHms(hmsCodes.map((code) => ({ code })));
  later(hmsClearAfter, 'hms_clear', (d) => d.clearHms(hmsCodes));
}
later(silentAfter, 'silence', (d) => d.silence(true));
later(disconnectAfter, 'disconnect', (d) => d.disconnect());
if (disconnectAfter !== undefined) later(reconnectAfter === undefined ? undefined : disconnectAfter + reconnectAfter, 'reconnect', (d) => d.reconnect());
logger.info(
  { event: 'ready', broker: v.broker, docks: fleet.docks().map((d) => ({ sn: d.sn, drone: d.droneSn })), rules: rules.length },
  'simulator ready',
);
