/**
 * Contract suite against the production server: `startGateway` on the machine's Mosquitto
 * (MQTT_URL=mqtt://127.0.0.1:1883) with simulated docks on that broker (unique SNs per run), plus
 * what only production shows: no mock-only endpoints, and 503 when the store is unreachable.
 */
import { expect, it } from 'vitest';
import { mosquittoUp, startProductionTarget } from './targets.js';
import { defineContractSuite, errorCode } from './suite.js';

if (!(await mosquittoUp())) {
  throw new Error('the production contract suite needs Mosquitto on 127.0.0.1:1883 (CI installs it; locally: apt-get install mosquitto)');
}

defineContractSuite('production', startProductionTarget, (ctx) => {
  it('has no mock-only endpoints and no scenario controls', async () => {
    const t = ctx.target();
    const r = await fetch(`${t.url}/mock/v1/docks`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { code: string }).code).toBe('NOT_FOUND');
    const created = await t.client({ headers: { Prefer: 'outcome=failed, code=514107' } }).createCommand(ctx.bodyFor('cover_open', t.docks[0].sn) as never);
    expect(created.response.headers.get('preference-applied')).toBeNull();
    expect((await ctx.api().waitForCommand(created.data!.command_id, { timeoutMs: 10_000 })).status).toBe('SUCCEEDED');
  });

  it('devices: a credential with an allow-list sees only those devices and their aircraft (404 for the others)', async () => {
    const t = ctx.target();
    const [mine, other] = t.docks;
    const limited = t.client({ cred: await t.limitedCred!([mine.sn]) });
    const list = await limited.listDevices({ limit: 500 });
    expect(new Set(list.data?.items.map((d) => d.sn))).toEqual(new Set([mine.sn, mine.droneSn]));
    expect((await limited.getDevice(mine.droneSn)).data?.dock_sn).toBe(mine.sn);
    const hidden = await limited.getDevice(other.sn);
    expect([hidden.response.status, errorCode(hidden)]).toEqual([404, 'DEVICE_NOT_FOUND']);
  });

  it('503 SERVICE_UNAVAILABLE when the store is unreachable (last: it breaks the store)', async () => {
    const t = ctx.target();
    await t.breakStore!();
    const create = await ctx.api().createCommand(ctx.bodyFor('cover_open', t.docks[0].sn) as never);
    expect([create.response.status, errorCode(create)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    const reply = await ctx.api().replyDeviceRequest('00000000-0000-4000-8000-000000000000', { reply_code: '0' });
    expect([reply.response.status, errorCode(reply)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    for (const r of [await ctx.api().listFlightTasks({ limit: 1 }), await ctx.api().getFlightTask('f-1'), await ctx.api().listMedia({ limit: 1 }), await ctx.api().listDevices({ limit: 1 }), await ctx.api().getDevice(t.docks[0].sn), await ctx.api().listDeviceAlarms(t.docks[0].sn)]) {
      expect([r.response.status, errorCode(r)]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    }
  });
});
