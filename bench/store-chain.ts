/**
 * The SQLite store's share of one accepted command, without HTTP or MQTT: `rememberNonce`,
 * `createCommand` (with a publish lease, as the accept path inserts) and the DELIVERED transition
 * on PUBACK (`applyTransition` with `deliveryPatch`), 32 commands in flight so writes share group
 * commits as they do under load. Prints CPU µs per command (this process, checkpointer thread
 * included) and wall µs per command. Steadier than the accept scenario on the shared machine, so it
 * is the A/B for store changes (bench/README.md, 2026-12-05).
 *
 *   npx tsx bench/store-chain.ts [checkout root, default this one] [commands, default 20000]
 *
 * The root argument measures another checkout (e.g. a worktree of the base commit) with the same
 * driver; it must have the same `openSqliteStore` / `applyTransition` / `deliveryPatch` exports.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandPatch, CommandRecord, Store } from '../server/store/types.js';

const root = resolve(process.argv[2] ?? fileURLToPath(new URL('../', import.meta.url)));
const count = Number(process.argv[3] ?? 20_000);
const CONCURRENCY = 32;
const WARMUP = 2_000;
const DEVICES = 16;

const { openSqliteStore } = (await import(pathToFileURL(join(root, 'server/store/sqlite/store.ts')).href)) as { openSqliteStore: (file: string) => Promise<Store> };
const { deliveryPatch } = (await import(pathToFileURL(join(root, 'server/commands/transitions.ts')).href)) as {
  deliveryPatch: (cmd: CommandRecord, def: undefined, now: string) => CommandPatch;
};

/** A command as the accept path builds it (a mid-sized catalog payload, 300 s timeout). */
function command(i: number): CommandRecord {
  const now = new Date().toISOString();
  const dock = `DOCK-${i % DEVICES}`;
  return {
    command_id: randomUUID(), api_id: 'api-bench', vendor: 'dji', device_id: dock, gateway_sn: dock,
    command_type: 'flighttask_prepare',
    payload: { flight_id: randomUUID(), execute_time: 1_700_000_000_000, task_type: 0, wayline_type: 0, file: { url: 'https://example.com/w.kmz', fingerprint: 'abcdef0123456789abcdef0123456789' }, rth_altitude: 100, out_of_control_action: 0 },
    wire_data: { flight_id: 'f', execute_time: 1_700_000_000_000, task_type: 0 }, transport: 'services',
    idempotency_key: randomUUID(), request_hash: 'h'.repeat(64), timeout_seconds: 300, tid: randomUUID(), bid: randomUUID(),
    progress_key: null, seq: null, status: 'ACCEPTED', dispatch_state: 'pending', response_code: null, response_message: null,
    vendor_response: null, failure_code: null, failure_reason: null, progress: null, messages: [], accepted_at: now,
    delivered_at: null, response_received_at: null, completed_at: null, updated_at: now,
    deadline_at: new Date(Date.now() + 300_000).toISOString(), deadline_code: null, deadline_reason: null,
  };
}

async function chain(store: Store, i: number): Promise<void> {
  await store.rememberNonce('api-bench', randomUUID(), new Date(Date.now() + 600_000).toISOString());
  const { command: cmd } = await store.createCommand(command(i), { owner: 'bench', lease_until: new Date(Date.now() + 30_000).toISOString() });
  await store.applyTransition(cmd.command_id, ['ACCEPTED'], deliveryPatch(cmd, undefined, new Date().toISOString()));
}

async function drive(store: Store, n: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < n) await chain(store, next++);
  }));
}

const dir = mkdtempSync(join(tmpdir(), 'dockgate-store-chain-'));
const store = await openSqliteStore(join(dir, 'dockgate.sqlite'));
try {
  await drive(store, WARMUP);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await drive(store, count);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  console.log(`${root}: ${((cpu.user + cpu.system) / count).toFixed(1)} µs CPU/command, ${((wall * 1000) / count).toFixed(1)} µs wall/command (${count} commands)`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
