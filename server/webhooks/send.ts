/**
 * One webhook HTTP attempt: POST the signed body over node:http(s) with the guarded lookup
 * (./guard.ts), a total timeout, no redirects (node:http never follows them; a 3xx is a failure),
 * the response body read up to a limit and kept to its first 1 KB.
 */
import http from 'node:http';
import https from 'node:https';
import type { dnsLookup } from './types.js';
import { guardedLookup } from './guard.js';

/** What an attempt produced. `status` null: no response (refused address, timeout, network error). */
export interface SendResult {
  status: number | null;
  /** `Retry-After` of the response, as given. */
  retryAfter: string | null;
  /** First `keepBytes` of the body, UTF-8 (lossy). */
  body: string;
  latencyMs: number;
  error: string | null;
}

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allowPrivate: boolean;
  /** Stop reading the response after this many bytes (default 64 KiB). */
  maxResponseBytes?: number;
  /** Bytes of the response kept for the attempt record (default 1,024). */
  keepBytes?: number;
  /** DNS resolution (tests map names); default node:dns lookup. */
  resolve?: dnsLookup;
  /** Keep-alive agents per scheme (shared by a worker). */
  agents?: { http: http.Agent; https: https.Agent };
}

/** POSTs once; never throws (every failure is a `SendResult` with `error`). */
export function send(o: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const max = o.maxResponseBytes ?? 64 * 1024;
  const keep = o.keepBytes ?? 1024;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Omit<SendResult, 'latencyMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: Math.round(performance.now() - started) });
    };
    let url: URL;
    try {
      url = new URL(o.url);
    } catch {
      return finish({ status: null, retryAfter: null, body: '', error: 'invalid url' });
    }
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(o.body)), 'user-agent': 'dockgate-webhooks/1', ...o.headers },
      lookup: guardedLookup(o.allowPrivate, o.resolve) as never,
      agent: url.protocol === 'https:' ? o.agents?.https : o.agents?.http,
    });
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      finish({ status: null, retryAfter: null, body: '', error: `timeout after ${o.timeoutMs} ms` });
    }, o.timeoutMs);
    req.on('error', (err) => finish({ status: null, retryAfter: null, body: '', error: err.message || String(err) }));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const status = res.statusCode ?? null;
      const retryAfter = typeof res.headers['retry-after'] === 'string' ? res.headers['retry-after'] : null;
      const end = (error: string | null) => {
        const body = Buffer.concat(chunks).subarray(0, keep).toString('utf8');
        finish({ status, retryAfter, body, error });
      };
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= keep) chunks.push(c);
        else if (chunks.reduce((n, b) => n + b.length, 0) < keep) chunks.push(c);
        if (size > max) {
          // Enough: the status is known; the rest of a huge body is not read.
          res.destroy();
          end(`response body over ${max} bytes, not read further`);
        }
      });
      res.on('end', () => end(null));
      res.on('error', () => end(null));
      res.on('aborted', () => end(null));
    });
    req.end(o.body);
  });
}
