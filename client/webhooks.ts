/**
 * `verifyWebhook`: checks a delivery's Standard Webhooks signature with Web Crypto (browsers,
 * Node ≥ 20, Deno, workers), as https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 * specifies: HMAC-SHA256 keyed with the base64 part of `whsec_…` over `{webhook-id}.{webhook-timestamp}.{raw body}`,
 * compared with each `v1,<base64>` of `webhook-signature` (several during a secret rotation), and
 * the timestamp within `toleranceSeconds` of now (replay protection).
 */

/** Why a delivery failed verification. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

export interface VerifyWebhookOptions {
  /** Accepted distance between `webhook-timestamp` and now, seconds (default 300). */
  toleranceSeconds?: number;
  /** Now, in ms (tests). */
  now?: number;
}

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function header(h: HeaderBag, name: string): string {
  const v = h instanceof Headers ? h.get(name) : (h[name] ?? h[name.toLowerCase()]);
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) throw new WebhookVerificationError(`missing ${name} header`);
  return s;
}

function fromBase64(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(b: ArrayBuffer): string {
  let s = '';
  for (const x of new Uint8Array(b)) s += String.fromCharCode(x);
  return btoa(s);
}

/** Constant-time string comparison (both ASCII). */
function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return d === 0;
}

/**
 * Verifies a delivery and returns its parsed JSON body (a `DockgateEvent` delivery body); throws
 * `WebhookVerificationError` when a header is missing, the timestamp is outside the tolerance, or
 * no signature matches. `body` must be the raw request body exactly as received.
 */
export async function verifyWebhook<T = unknown>(secret: string, body: string | Uint8Array, headers: HeaderBag, o: VerifyWebhookOptions = {}): Promise<T> {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const sigs = header(headers, 'webhook-signature');
  const t = Number(ts);
  if (!/^\d+$/.test(ts) || !Number.isSafeInteger(t)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const now = Math.floor((o.now ?? Date.now()) / 1000);
  if (Math.abs(now - t) > (o.toleranceSeconds ?? 300)) throw new WebhookVerificationError('webhook-timestamp outside the tolerance');
  const raw = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const prefix = new TextEncoder().encode(`${id}.${ts}.`);
  const signed: Uint8Array<ArrayBuffer> = new Uint8Array(prefix.length + raw.length);
  signed.set(prefix);
  signed.set(raw, prefix.length);
  const key = await crypto.subtle.importKey('raw', fromBase64(secret.startsWith('whsec_') ? secret.slice(6) : secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = 'v1,' + toBase64(await crypto.subtle.sign('HMAC', key, signed));
  if (!sigs.split(' ').some((s) => equal(s, expected))) throw new WebhookVerificationError('no matching signature');
  return JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body)) as T;
}
