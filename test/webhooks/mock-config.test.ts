/** The sandbox delivers like production but to loopback receivers (issue 13 item 7); production refuses them by default. */
import { expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { mockConfig } from '../../mock/server.js';

it('the mock allows private (loopback) webhook receivers; npm start does not unless WEBHOOK_ALLOW_PRIVATE is set', () => {
  expect(mockConfig([], {}).webhookAllowPrivate).toBe(true);
  expect(mockConfig([], { WEBHOOK_ALLOW_PRIVATE: 'false' }).webhookAllowPrivate).toBe(false);
  expect(loadConfig([], {}).webhookAllowPrivate).toBe(false);
  expect(loadConfig(['--webhook-allow-private'], {}).webhookAllowPrivate).toBe(true);
});
