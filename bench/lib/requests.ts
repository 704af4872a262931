/**
 * Pre-signed create-command requests: one per operation, each with its own nonce and idempotency
 * key, cycling through every catalog command's example payload. Signing ahead of the run keeps
 * the load generator's CPU per request to a socket write.
 */
import { randomBytes } from 'node:crypto';
import { commands } from '../../spec/catalog.js';
import { canonicalRequest, sign, signRequest } from '../../spec/signing.js';
import { buildRequest } from './http1.js';

export const CREATE_PATH = '/api/v1/open/downlink/commands';

/** A credential as the gateway child reports it. */
export interface BenchCred {
  api_id: string;
  api_key: string;
}

/** A create-command body template: its command type and payload (a catalog example). */
export interface BodyTemplate {
  command_type: string;
  payload: Record<string, unknown>;
}

/** The example payload of every catalog command passing `filter`. */
export function commandBodies(filter: (c: (typeof commands)[number]) => boolean = () => true): BodyTemplate[] {
  return commands.filter(filter).map((c) => ({ command_type: c.command_type, payload: c.example }));
}

/** A signed request's bytes (fresh nonce, current timestamp). `query` without '?'. */
export function signedRequest(host: string, cred: BenchCred, method: 'GET' | 'POST', path: string, query: string, body: string | null): Buffer {
  const headers: Record<string, string> = signRequest({ method, path, query, apiId: cred.api_id, apiKey: cred.api_key, body: body ?? '' });
  if (body !== null) headers['Content-Type'] = 'application/json';
  return buildRequest({ method, host, path: query ? `${path}?${query}` : path, headers, body: body ?? undefined });
}

/** The JSON body of create-command request `i` of a run (unique idempotency key per `i`). */
export function createBody(t: BodyTemplate, device_id: string, idempotency_key: string, timeoutSeconds?: number): string {
  const body: Record<string, unknown> = { vendor: 'dji', device_id, command_type: t.command_type, payload: t.payload, idempotency_key };
  if (timeoutSeconds !== undefined) body.timeout_seconds = timeoutSeconds;
  return JSON.stringify(body);
}

/**
 * `count` signed POSTs of create-command bodies, round-robin over `bodies` and `devices`, each with
 * a unique idempotency key and nonce and the current timestamp (valid for the 300 s window).
 */
export function presignCreates(o: { host: string; cred: BenchCred; count: number; bodies: BodyTemplate[]; devices: string[]; timeoutSeconds?: number }): Buffer[] {
  const run = randomBytes(6).toString('hex');
  const out: Buffer[] = new Array(o.count);
  const ts = String(Math.floor(Date.now() / 1000));
  // The JSON of each (body, device) pair is built once, around a placeholder for the key.
  const MARK = '\u0000KEY\u0000';
  const parts = new Map<string, [string, string]>();
  for (let i = 0; i < o.count; i++) {
    const b = o.bodies[i % o.bodies.length];
    const dev = o.devices[i % o.devices.length];
    const pk = b.command_type + '\u0001' + dev;
    let p = parts.get(pk);
    if (!p) {
      const s = createBody(b, dev, MARK, o.timeoutSeconds);
      const at = s.indexOf(JSON.stringify(MARK));
      p = [s.slice(0, at), s.slice(at + JSON.stringify(MARK).length)];
      parts.set(pk, p);
    }
    const body = `${p[0]}"bench-${run}-${i}"${p[1]}`;
    // Unique per request and per run; within the nonce alphabet (A-Za-z0-9._-).
    const nonce = `n${run}.${i}`;
    const signature = sign(o.cred.api_key, canonicalRequest({ method: 'POST', path: CREATE_PATH, query: '', apiId: o.cred.api_id, timestamp: ts, nonce, body }));
    out[i] = buildRequest({
      method: 'POST',
      host: o.host,
      path: CREATE_PATH,
      headers: { 'Content-Type': 'application/json', 'X-Api-Id': o.cred.api_id, 'X-Api-Timestamp': ts, 'X-Api-Nonce': nonce, 'X-Api-Signature': signature },
      body,
    });
  }
  return out;
}
