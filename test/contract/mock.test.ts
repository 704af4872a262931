/**
 * Contract suite against the mock server (`startMock`, as `npm run mock` runs it), plus what only
 * the mock has: the `Prefer` header's grammar and query twin, and the mock-only endpoints.
 */
import { describe, expect, it } from 'vitest';
import { startMockTarget } from './targets.js';
import { defineContractSuite, errorCode } from './suite.js';

defineContractSuite('mock', startMockTarget, (ctx) => {
  describe('mock-only scenario controls', () => {
    it('?prefer= is the query twin of Prefer (signed like any query) and Preference-Applied echoes the scenario', async () => {
      const t = ctx.target();
      const r = await t.createWithScenario('outcome=failed,code=514107', ctx.bodyFor('cover_open', t.docks[1].sn), 'query');
      expect(r.response.status).toBe(202);
      expect(r.response.headers.get('preference-applied')).toBe('outcome=failed, code=514107');
      const cmd = await ctx.api().waitForCommand(r.data!.command_id, { timeoutMs: 10_000 });
      expect([cmd.status, cmd.response_code, cmd.failure_code]).toEqual(['FAILED', '514107', 'DEVICE_EXECUTION_FAILED']);
    });

    it('fail_at=event fails a progress-tracked command in its terminal event after a result 0 reply', async () => {
      const t = ctx.target();
      const r = await t.createWithScenario('outcome=failed; code=514107; fail_at=event', ctx.bodyFor('cover_open', t.docks[1].sn));
      const cmd = await ctx.api().waitForCommand(r.data!.command_id, { timeoutMs: 10_000 });
      expect(cmd.status).toBe('FAILED');
      expect(cmd.progress).not.toBeNull();
      expect(cmd.vendor_response).toMatchObject({ result: 0 });
    });

    it('a malformed Prefer value is 400 VALIDATION_FAILED naming Prefer; unknown preferences are ignored', async () => {
      const t = ctx.target();
      const bad = await t.client({ headers: { Prefer: 'outcome=explode' } }).createCommand(ctx.bodyFor('cover_open', t.docks[1].sn) as never);
      expect([bad.response.status, errorCode(bad)]).toEqual([400, 'VALIDATION_FAILED']);
      expect((bad.error as { details: { field: string }[] }).details[0].field).toBe('Prefer');
      const code = await t.client({ headers: { Prefer: 'outcome=timeout, code=514107' } }).createCommand(ctx.bodyFor('cover_open', t.docks[1].sn) as never);
      expect([code.response.status, errorCode(code)]).toEqual([400, 'VALIDATION_FAILED']);
      const ignored = await t.client({ headers: { Prefer: 'return=minimal' } }).createCommand(ctx.bodyFor('cover_open', t.docks[1].sn) as never);
      expect(ignored.response.status).toBe(202);
      expect(ignored.response.headers.get('preference-applied')).toBeNull();
      expect((await ctx.api().waitForCommand(ignored.data!.command_id, { timeoutMs: 10_000 })).status).toBe('SUCCEEDED');
    });

    it('mock-only endpoints: list docks, dock detail, standing rules per dock; any device_id is a dock', async () => {
      const t = ctx.target();
      const list = (await (await fetch(`${t.url}/mock/v1/docks`)).json()) as { items: { sn: string; drone_sn: string; counts: { commands: number } }[] };
      for (const d of t.docks) expect(list.items.find((i) => i.sn === d.sn)).toMatchObject({ drone_sn: d.droneSn, counts: { commands: expect.any(Number) } });
      expect((await fetch(`${t.url}/mock/v1/docks/NO-SUCH-DOCK-${Date.now()}`)).status).toBe(404);
      expect((await fetch(`${t.url}/mock/v1/docks/bad%2Fsn`)).status).toBe(400);

      const sn = `${t.docks[0].sn}R`;
      const put = await fetch(`${t.url}/mock/v1/docks/${sn}/rules/debug_mode_open`, { method: 'PUT', body: JSON.stringify({ prefer: 'outcome=failed, code=321000' }) });
      expect(put.status).toBe(200);
      const failed = await ctx.api().createCommand(ctx.bodyFor('debug_mode_open', sn) as never);
      expect((await ctx.api().waitForCommand(failed.data!.command_id, { timeoutMs: 10_000 })).response_code).toBe('321000');
      // Prefer on the request wins over the dock's standing rule.
      const preferred = await t.createWithScenario('outcome=succeeded', ctx.bodyFor('debug_mode_open', sn));
      expect((await ctx.api().waitForCommand(preferred.data!.command_id, { timeoutMs: 10_000 })).status).toBe('SUCCEEDED');
      expect((await fetch(`${t.url}/mock/v1/docks/${sn}/rules/debug_mode_open`, { method: 'DELETE' })).status).toBe(200);
      const detail = (await (await fetch(`${t.url}/mock/v1/docks/${sn}`)).json()) as { rules: unknown[]; commands: { method: string; result: string }[] };
      expect(detail.rules).toEqual([]);
      expect(detail.commands.map((c) => c.result)).toEqual(['succeeded', 'failed']);
    });
  });
});
