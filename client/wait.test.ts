/** Unit tests of the waiter and the error class, with a scripted poll function. */
import { describe, expect, it } from 'vitest';
import { DockgateApiError, type ApiResult, type ErrorResponse } from './errors.js';
import { waitForCommand } from './wait.js';

type State = { status: string; n: number };
const ok = (status: string, n: number): ApiResult<State> => ({ data: { status, n }, response: new Response(null) });
const failed = (status: number, error: ErrorResponse): ApiResult<State> => ({ error, response: new Response(null, { status }) });

describe('waitForCommand', () => {
  it('polls until a terminal status, asking for the seconds left capped at maxWaitSeconds', async () => {
    const asked: number[] = [];
    const statuses = ['ACCEPTED', 'DELIVERED', 'SUCCEEDED'];
    const done = await waitForCommand((w) => (asked.push(w), Promise.resolve(ok(statuses[asked.length - 1]!, asked.length))), { maxWaitSeconds: 30, timeoutMs: 10_000 });
    expect(done).toEqual({ status: 'SUCCEEDED', n: 3 });
    expect(asked.length).toBe(3);
    expect(asked.every((w) => w >= 8 && w <= 10)).toBe(true);
    const capped: number[] = [];
    await waitForCommand((w) => (capped.push(w), Promise.resolve(ok('FAILED', 1))), { maxWaitSeconds: 30 });
    expect(capped).toEqual([30]);
  });

  it('returns the last non-terminal state when time runs out, sleeping between zero-second polls', async () => {
    const asked: number[] = [];
    const start = Date.now();
    const last = await waitForCommand((w) => (asked.push(w), Promise.resolve(ok('DELIVERED', asked.length))), { maxWaitSeconds: 30, timeoutMs: 600 });
    expect(last.status).toBe('DELIVERED');
    expect(Date.now() - start).toBeGreaterThanOrEqual(590);
    expect(asked.every((w) => w === 0)).toBe(true);
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.length).toBeLessThanOrEqual(5);
  });

  it('throws DockgateApiError with the status and envelope on an API error', async () => {
    const envelope = { code: 'COMMAND_NOT_FOUND', message: 'no such command', request_id: 'r-1' } as ErrorResponse;
    const e = await waitForCommand(() => Promise.resolve(failed(404, envelope)), { maxWaitSeconds: 30 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DockgateApiError);
    expect(e).toMatchObject({ name: 'DockgateApiError', status: 404, error: envelope, message: 'COMMAND_NOT_FOUND: no such command' });
  });
});

describe('DockgateApiError', () => {
  it('names the HTTP status when the body was not an error envelope', () => {
    expect(new DockgateApiError(502, undefined as never).message).toBe('HTTP_502: request failed');
  });
});
