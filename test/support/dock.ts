/**
 * Test docks: the dock simulator (mock/simulator) with test defaults — a unique SN, answers per
 * the test's script (mock/simulator/script.ts, the catalog for what it does not cover), no
 * `update_topo` unless sub-devices are given, reconnects every 200 ms.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { startSimulatedDock, type Script, type SimulatedDock } from '../../mock/simulator/index.js';

/** An upper-case alphanumeric SN unique to this run (DJI SNs match `[A-Za-z0-9]+`). */
export function uniqueSn(prefix = 'DOCK'): string {
  return `${prefix}${randomBytes(6).toString('hex').toUpperCase()}`;
}

/** A test dock: the simulator, answering per `script` (commands it does not cover: per the catalog). */
export interface DockOptions {
  /** Dock (gateway) SN; default a unique one. */
  sn?: string;
  script?: Script;
  /** Aircraft SNs announced in `update_topo`. Default none. */
  subDevices?: string[];
  /** Announce `update_topo` on every connect, waiting for the first `status_reply` (default: when `subDevices` is given). */
  announce?: boolean;
  clientId?: string;
  /** MQTT login (a registered dock's, test/support/devices.ts); default none. */
  login?: { username: string; password: string };
}

/** Start a test dock on `url` (see {@link DockOptions}); reconnects every 200 ms. */
export async function startDock(url: string, o: DockOptions = {}): Promise<SimulatedDock> {
  const sn = o.sn ?? uniqueSn();
  const announce = o.announce ?? o.subDevices !== undefined;
  const dock = await startSimulatedDock({
    brokerUrl: url,
    dockSn: sn,
    script: o.script,
    subDevices: o.subDevices ?? [],
    announce,
    connectTimeoutMs: 5_000,
    mqtt: { clientId: o.clientId ?? `dock-${sn}-${randomUUID().slice(0, 8)}`, reconnectPeriod: 200, protocolVersion: 4, ...(o.login ?? {}) },
  });
  if (announce && !(await dock.announced(5_000))) {
    await dock.close();
    throw new Error(`test dock ${sn}: update_topo not answered within 5000 ms`);
  }
  return dock;
}
