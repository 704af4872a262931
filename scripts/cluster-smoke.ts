/**
 * Smoke check of a multi-instance topology (docs/operations.md "Two instances by hand"): create
 * `--count` `debug_mode_open` commands on the `--send` instance, wait for each through the `--read`
 * instance (`wait_seconds`, so the reader learns what another instance finished), print the final
 * statuses, and how many replies each instance applied (`dockgate_mqtt_replies_total` from /metrics).
 *
 *   API_ID=ak_… API_KEY=sk_… npx tsx scripts/cluster-smoke.ts \
 *     --send http://127.0.0.1:8081 --read http://127.0.0.1:8082 --dock DEMODOCK1 [--count 10] [--timeout 30]
 *
 * Exit code 0 when every command SUCCEEDED, 1 otherwise, 2 on bad arguments.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { signRequest } from '../spec/signing.js';

const USAGE = 'usage: API_ID=… API_KEY=… npx tsx scripts/cluster-smoke.ts --send URL --read URL --dock SN [--count N] [--timeout S]';

function fail(msg: string): never {
  process.stderr.write(`cluster-smoke: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: { send: { type: 'string' }, read: { type: 'string' }, dock: { type: 'string' }, count: { type: 'string', default: '10' }, timeout: { type: 'string', default: '30' } },
      strict: true,
    });
  } catch (err) {
    fail((err as Error).message);
  }
})();
const apiId = process.env.API_ID;
const apiKey = process.env.API_KEY;
if (!apiId || !apiKey) fail('set API_ID and API_KEY (npm run credentials -- create --name demo)');
if (!values.send || !values.read || !values.dock) fail('--send, --read and --dock are required');
const count = Number(values.count);
const timeout = Number(values.timeout);
if (!Number.isInteger(count) || count < 1 || count > 1000) fail('--count must be 1–1000');
if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300) fail('--timeout must be 1–300 seconds');

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const raw = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { ...signRequest({ method, path, apiId: apiId!, apiKey: apiKey!, body: raw }) };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : raw });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
}

async function replies(base: string): Promise<number | null> {
  try {
    const text = await (await fetch(base + '/metrics')).text();
    const m = /^dockgate_mqtt_replies_total (\S+)$/m.exec(text);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const run = randomBytes(4).toString('hex');
const before = await Promise.all([replies(values.send), replies(values.read)]);
const ids: string[] = [];
for (let i = 0; i < count; i++) {
  const r = await call(values.send, 'POST', '/api/v1/open/downlink/commands', {
    vendor: 'dji',
    device_id: values.dock,
    command_type: 'debug_mode_open',
    payload: {},
    idempotency_key: `smoke-${run}-${i}`,
    timeout_seconds: timeout,
  });
  if (r.status !== 202) {
    console.error(`create ${i}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    process.exit(1);
  }
  ids.push(r.body.command_id as string);
}
console.log(`created ${ids.length} commands on ${values.send}`);

let ok = 0;
for (const id of ids) {
  let c: Record<string, unknown> = {};
  const until = Date.now() + (timeout + 5) * 1000;
  do {
    c = (await call(values.read, 'GET', `/api/v1/open/downlink/commands/${id}?wait_seconds=${Math.min(30, timeout)}`)).body;
  } while (['ACCEPTED', 'DELIVERED'].includes(c.status as string) && Date.now() < until);
  if (c.status === 'SUCCEEDED') ok++;
  console.log(`${id}  ${String(c.status)}${c.failure_reason ? `  (${String(c.failure_reason)})` : ''}  read via ${values.read}`);
}
const after = await Promise.all([replies(values.send), replies(values.read)]);
const delta = (i: 0 | 1) => (after[i] !== null && before[i] !== null ? after[i]! - before[i]! : '?');
console.log(`replies applied: ${values.send} ${delta(0)}, ${values.read} ${delta(1)} (together: the commands' replies, each applied once)`);
console.log(`${ok}/${ids.length} SUCCEEDED`);
process.exit(ok === ids.length ? 0 : 1);
