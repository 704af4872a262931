/** `verifyWebhook` (Web Crypto) against signatures made by the `standardwebhooks` library and by the server's signer. */
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newSecret, signedHeaders } from '../server/webhooks/secrets.js';
import { verifyWebhook, WebhookVerificationError } from './webhooks.js';

describe('verifyWebhook', () => {
  const secret = newSecret();
  const body = JSON.stringify({ type: 'command.completed', timestamp: '2026-04-22T12:00:00.000Z', data: { command_id: 'c' } });
  const at = new Date('2026-04-22T12:00:00.000Z');
  const now = at.getTime();

  it('accepts what standardwebhooks signs, and returns the parsed body', async () => {
    const h = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(at.getTime() / 1000), 'webhook-signature': new Webhook(secret).sign('evt_1', at, body) };
    expect(await verifyWebhook(secret, body, h, { now })).toEqual(JSON.parse(body));
    expect(await verifyWebhook(secret, new TextEncoder().encode(body), new Headers(h), { now })).toEqual(JSON.parse(body));
  });

  it('accepts any of several signatures (rotation) and rejects a wrong secret, a changed body, an old timestamp, a missing header', async () => {
    const old = newSecret();
    const h = signedHeaders('evt_2', at, body, [secret, old]);
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
    await expect(verifyWebhook(old, body, h, { now })).resolves.toBeTruthy();
    await expect(verifyWebhook(newSecret(), body, h, { now })).rejects.toBeInstanceOf(WebhookVerificationError);
    await expect(verifyWebhook(secret, body + ' ', h, { now })).rejects.toThrow(/no matching signature/);
    await expect(verifyWebhook(secret, body, h, { now: now + 301_000 })).rejects.toThrow(/tolerance/);
    await expect(verifyWebhook(secret, body, { ...h, 'webhook-id': '' }, { now })).rejects.toThrow(/webhook-id/);
    // And standardwebhooks accepts the server's multi-signature header.
    const live = signedHeaders('evt_3', new Date(), body, [old, secret]);
    expect(new Webhook(secret).verify(body, live)).toBeTruthy();
    expect(new Webhook(old).verify(body, live)).toBeTruthy();
  });
});
