/**
 * The sandbox end to end, as a partner's fleet map sees it: a simulated dock of the mock reports
 * osd, takes off on a command and moves, and raises then clears an HMS alarm, all read back through
 * the device API (`getDevice`, `listDeviceAlarms`) with the sandbox credential.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDockgateClient } from '../../generated/client/index.js';
import { commandsByType } from '../../spec/catalog.js';
import { mockConfig, SANDBOX_CREDENTIAL, startMock, type MockServer } from '../../mock/server.js';

describe('the sandbox fleet map moves', () => {
  let m: MockServer;
  const SN = `MAP${Date.now().toString(36).toUpperCase()}`;
  const DRONE = `${SN}-DRONE`;
  beforeAll(async () => {
    m = await startMock(mockConfig([], { PORT: '0', MQTT_PORT: '0', LOG_LEVEL: 'silent' }), { telemetry: { osdIntervalMs: 100, legTicks: 5 } });
  });
  afterAll(() => m?.close());
  const client = () => createDockgateClient({ baseUrl: m.url, apiId: SANDBOX_CREDENTIAL.api_id, apiKey: SANDBOX_CREDENTIAL.api_key });

  /** Poll getDevice until `pred` holds for its state properties. */
  async function until(sn: string, pred: (p: Record<string, any>) => boolean, what: string, ms = 10_000): Promise<Record<string, any>> {
    let last: Record<string, any> = {};
    const end = Date.now() + ms;
    for (;;) {
      const r = await client().getDevice(sn);
      last = (r.data?.state?.properties ?? {}) as Record<string, any>;
      if (r.data && pred(last)) return last;
      if (Date.now() > end) throw new Error(`${what}: last state of ${sn} ${JSON.stringify(last).slice(0, 300)} (HTTP ${r.response.status})`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  it('shows the dock, then the aircraft leaving it and moving during a flight', async () => {
    await fetch(`${m.url}/mock/v1/docks/${SN}`, { method: 'PUT' });
    const dock = await until(SN, (p) => p.drone_in_dock === 1 && p.cover_state === 0, 'dock at rest');
    expect(dock.latitude).toEqual(expect.any(Number));
    const created = await client().commands.takeoff_to_point({ device_id: SN, payload: commandsByType.get('takeoff_to_point')!.example } as never);
    expect(created.data?.status).toBe('ACCEPTED');
    await until(SN, (p) => p.drone_in_dock === 0 && p.cover_state === 1, 'aircraft out, cover open');
    const a = await until(DRONE, (p) => p.mode_code === 17 && typeof p.latitude === 'number', 'aircraft flying');
    const b = await until(DRONE, (p) => p.latitude !== a.latitude || p.height !== a.height, 'aircraft moved');
    expect([b.latitude, b.height]).not.toEqual([a.latitude, a.height]);
  });

  it('raises an HMS alarm and clears it', async () => {
    await fetch(`${m.url}/mock/v1/docks/${SN}/hms`, { method: 'POST', body: JSON.stringify({ alarms: [{ code: '0x16100083' }] }) });
    const active = async () => ((await client().listDeviceAlarms(SN)).data?.items ?? []).map((x) => x.code);
    const cleared = async () => ((await client().listDeviceAlarms(SN, { state: 'cleared' })).data?.items ?? []).map((x) => x.code);
    for (const end = Date.now() + 10_000; !(await active()).includes('0x16100083'); ) {
      if (Date.now() > end) throw new Error('alarm never active');
      await new Promise((r) => setTimeout(r, 100));
    }
    await fetch(`${m.url}/mock/v1/docks/${SN}/hms/clear`, { method: 'POST' });
    for (const end = Date.now() + 10_000; !(await cleared()).includes('0x16100083'); ) {
      if (Date.now() > end) throw new Error('alarm never cleared');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await active()).toEqual([]);
  });
});
