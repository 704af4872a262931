/**
 * `npm run send -- …`: send one signed command with the generated client and wait for its
 * terminal status. A walkthrough tool for the README and for poking a running gateway or mock.
 *
 *   npm run send -- --url http://127.0.0.1:8080 --api-id ID --api-key KEY \
 *     --device DOCK-1 --command cover_open [--payload '{}'] [--timeout 30] [--wait 60]
 *
 * Without --payload the catalog example of the command is sent. Credentials may also come from
 * DOCKGATE_URL, DOCKGATE_API_ID and DOCKGATE_API_KEY. Prints the 202 body, then the final command
 * as JSON; exits 0 on SUCCEEDED, 1 on another terminal status or an API error, 2 on bad arguments.
 */
import { parseArgs } from 'node:util';
import { createDockgateClient, DockgateApiError } from '../generated/client/index.js';
import type { CreateCommandRequest } from '../generated/client/index.js';
import { commandsByType } from '../spec/catalog.js';

function fail(message: string): never {
  process.stderr.write(`send: ${message}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.DOCKGATE_URL ?? 'http://127.0.0.1:8080' },
    'api-id': { type: 'string', default: process.env.DOCKGATE_API_ID },
    'api-key': { type: 'string', default: process.env.DOCKGATE_API_KEY },
    device: { type: 'string' },
    command: { type: 'string' },
    payload: { type: 'string' },
    timeout: { type: 'string' },
    wait: { type: 'string', default: '60' },
    'idempotency-key': { type: 'string' },
  },
});

const apiId = values['api-id'] ?? fail('--api-id (or DOCKGATE_API_ID) is required');
const apiKey = values['api-key'] ?? fail('--api-key (or DOCKGATE_API_KEY) is required');
const device_id = values.device ?? fail('--device is required');
const command_type = values.command ?? fail('--command is required');
const def = commandsByType.get(command_type);
let payload: unknown = def?.example ?? {};
if (values.payload !== undefined) {
  try {
    payload = JSON.parse(values.payload);
  } catch {
    fail('--payload is not valid JSON');
  }
}
const waitMs = Number(values.wait) * 1000;
if (!Number.isFinite(waitMs) || waitMs < 0) fail('--wait must be a number of seconds');

const client = createDockgateClient({ baseUrl: values.url!, apiId, apiKey });
// Sent as given (not through a typed helper) so an unknown command or a bad payload shows the
// API's own error envelope.
const body = {
  vendor: 'dji',
  device_id,
  command_type,
  payload,
  idempotency_key: values['idempotency-key'] ?? `send-${Date.now()}`,
  ...(values.timeout !== undefined ? { timeout_seconds: Number(values.timeout) } : {}),
} as unknown as CreateCommandRequest;

const created = await client.createCommand(body);
if (created.error !== undefined || created.data === undefined) {
  process.stdout.write(`${JSON.stringify({ status: created.response.status, error: created.error }, null, 2)}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify(created.data, null, 2)}\n`);
try {
  const final = await client.waitForCommand(created.data.command_id, { timeoutMs: waitMs });
  process.stdout.write(`${JSON.stringify(final, null, 2)}\n`);
  process.exit(final.status === 'SUCCEEDED' ? 0 : 1);
} catch (e) {
  if (e instanceof DockgateApiError) {
    process.stdout.write(`${JSON.stringify({ status: e.status, error: e.error }, null, 2)}\n`);
    process.exit(1);
  }
  throw e;
}
