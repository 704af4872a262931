/**
 * Endpoint secrets and signatures (Standard Webhooks,
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * a secret is `whsec_` + base64 of 32 random bytes; a delivery carries `webhook-id`,
 * `webhook-timestamp` (Unix seconds of the attempt) and `webhook-signature` = space-separated
 * `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in force (after a rotation the
 * previous secret signs beside the new one for `ROTATION_OVERLAP_MS`). Signing is the
 * `standardwebhooks` library's, so receivers verify with the same code.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { WebhookEndpointRecord } from '../store/types/webhooks.js';

/** How long a rotated-out secret keeps signing. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  return 'whsec_' + randomBytes(32).toString('base64');
}

/** The secrets that sign at `nowMs`: the current one, and the previous one within its overlap. */
export function signingSecrets(e: Pick<WebhookEndpointRecord, 'secret' | 'previous_secret' | 'previous_secret_expires_at'>, nowMs: number): string[] {
  const out = [e.secret];
  if (e.previous_secret && e.previous_secret_expires_at && Date.parse(e.previous_secret_expires_at) > nowMs) out.push(e.previous_secret);
  return out;
}

const signers = new Map<string, Webhook>();
function signer(secret: string): Webhook {
  let w = signers.get(secret);
  if (!w) {
    if (signers.size > 10_000) signers.clear();
    w = new Webhook(secret);
    signers.set(secret, w);
  }
  return w;
}

/** The three Standard Webhooks headers for one attempt. */
export function signedHeaders(id: string, at: Date, body: string, secrets: string[]): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => signer(s).sign(id, at, body)).join(' '),
  };
}
