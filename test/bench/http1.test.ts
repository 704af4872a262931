/**
 * The benchmark load generator's HTTP/1.1 client (bench/lib/http1.ts) against a real node:http
 * server on 127.0.0.1: keep-alive reuse, Content-Length and chunked bodies, 204, split packets,
 * and the closed/open load loops' accounting.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpConnection, HttpPool, buildRequest, parseResponse } from '../../bench/lib/http1.js';
import { closedLoop, openLoop } from '../../bench/lib/load.js';

let server: http.Server;
let port: number;
let connections = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (req.url === '/chunked') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('hello ');
        setTimeout(() => res.end('world'), 5);
      } else if (req.url === '/empty') {
        res.writeHead(204).end();
      } else if (req.url === '/slow') {
        setTimeout(() => res.end('slow'), 30);
      } else {
        res.writeHead(202, { 'Content-Type': 'application/json' }).end(JSON.stringify({ echo: body, method: req.method }));
      }
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const host = () => `127.0.0.1:${port}`;

describe('HttpConnection', () => {
  it('sends several requests over one keep-alive connection and reads Content-Length bodies', async () => {
    const before = connections;
    const c = new HttpConnection('127.0.0.1', port);
    await c.connect();
    for (let i = 0; i < 3; i++) {
      const res = await c.request(buildRequest({ method: 'POST', host: host(), path: '/x', headers: { 'Content-Type': 'application/json' }, body: `{"i":${i}}` }));
      expect(res.status).toBe(202);
      expect(JSON.parse(res.body.toString())).toEqual({ echo: `{"i":${i}}`, method: 'POST' });
    }
    expect(connections - before).toBe(1);
    c.close();
  });

  it('reads chunked bodies sent in several packets, and bodiless 204s', async () => {
    const c = new HttpConnection('127.0.0.1', port);
    await c.connect();
    const res = await c.request(buildRequest({ method: 'GET', host: host(), path: '/chunked' }));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello world');
    const empty = await c.request(buildRequest({ method: 'GET', host: host(), path: '/empty' }));
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);
    c.close();
  });

  it('refuses a second request while one is in flight', async () => {
    const c = new HttpConnection('127.0.0.1', port);
    await c.connect();
    const first = c.request(buildRequest({ method: 'GET', host: host(), path: '/slow' }));
    await expect(c.request(buildRequest({ method: 'GET', host: host(), path: '/slow' }))).rejects.toThrow(/in flight/);
    expect((await first).body.toString()).toBe('slow');
    c.close();
  });
});

describe('parseResponse', () => {
  it('waits for the whole body and rejects garbage', () => {
    const full = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    expect(parseResponse(full.subarray(0, 20))).toBeNull();
    expect(parseResponse(full.subarray(0, full.length - 1))).toBeNull();
    expect(parseResponse(full)!.body.toString()).toBe('hello');
    expect(() => parseResponse(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(/status line/);
    expect(() => parseResponse(Buffer.from('HTTP/1.1 200 OK\r\n\r\nxx'))).toThrow(/Content-Length/);
  });
});

describe('load loops', () => {
  it('closed loop: fixed concurrency, bounded by count, latencies recorded', async () => {
    const pool = new HttpPool('127.0.0.1', port, 4);
    await pool.prewarm(4);
    let maxInFlight = 0;
    let inFlight = 0;
    const r = await closedLoop({
      concurrency: 4,
      durationMs: 10_000,
      maxCount: 40,
      op: async () => {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        const res = await pool.request(buildRequest({ method: 'GET', host: host(), path: '/x' }));
        inFlight--;
        return res.status === 202;
      },
    });
    pool.close();
    expect(r.ok).toBe(40);
    expect(r.errors).toBe(0);
    expect(maxInFlight).toBe(4);
    expect(r.p50).toBeGreaterThan(0);
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
  });

  it('closed loop counts failures and thrown errors separately from ok', async () => {
    const r = await closedLoop({ concurrency: 2, durationMs: 10_000, maxCount: 10, op: async (i) => {
      if (i % 5 === 0) throw new Error('boom');
      return i % 2 === 0;
    } });
    expect(r.completed).toBe(10);
    expect(r.ok).toBe(4); // 2, 4, 6, 8
    expect(r.errors).toBe(6);
    expect(r.errorSamples).toContain('boom');
  });

  it('closed loop whose count runs out during warm-up reports the warm-up operations', async () => {
    const r = await closedLoop({ concurrency: 2, warmupMs: 5000, durationMs: 1000, maxCount: 6, op: async () => true });
    expect(r.fromWarmup).toBe(true);
    expect(r.ok).toBe(6);
  });

  it('open loop: starts on schedule even when operations are slow, latency from the scheduled start', async () => {
    const started: number[] = [];
    const t0 = performance.now();
    const r = await openLoop({ rate: 200, count: 20, durationMs: 5000, op: async () => {
      started.push(performance.now() - t0);
      await new Promise((res) => setTimeout(res, 50));
      return true;
    } });
    expect(r.ok).toBe(20);
    // 20 operations at 200/s start within ~100 ms although each takes 50 ms (not one after another).
    expect(started[19]).toBeLessThan(400);
    expect(r.p50).toBeGreaterThanOrEqual(49);
  });
});
