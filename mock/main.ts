/**
 * `npm run mock`: the partner sandbox in one command (docs/scenarios.md). Starts the real gateway
 * with an embedded broker, a throwaway store and simulated docks (mock/server.ts), prints the
 * URLs and the sandbox credential, and stops cleanly on SIGINT/SIGTERM (the temp store is deleted).
 *
 *   npm run mock -- [--port 4010] [--progress-interval MS] [--osd-interval MS] [any `npm start` option]
 *
 * Exit codes: 0 after a signal, 1 when it cannot start, 2 on bad options.
 */
import { pathToFileURL } from 'node:url';
import { ConfigError, optionsTable } from '../server/config.js';
import { createLogger } from '../server/http/logger.js';
import { mockConfig, startMock, type MockServer } from './server.js';
import { closeOnSignals } from '../server/shutdown.js';

const USAGE = `usage: npm run mock -- [--progress-interval MS] [--port 4010] [--option value]…

Mock options:
  --progress-interval MS   pause between the progress events of a simulated dock (default 0)
  --osd-interval MS        period of each simulated dock's and aircraft's osd report (default 2000; 0 = none)

Gateway options (as for npm start; the mock defaults PORT to 4010 and LOG_LEVEL to warn, and always
uses a fresh temporary SQLite store, so DATA_DIR and DATABASE_URL are ignored):
`;

/** Splits the mock's own flags from the gateway flags. Throws ConfigError. */
export function parseMockArgs(argv: readonly string[]): { progressIntervalMs: number; osdIntervalMs?: number; rest: string[] } {
  const rest: string[] = [];
  let progressIntervalMs = 0;
  let osdIntervalMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(progress-interval|osd-interval)(?:=(.*))?$/.exec(argv[i]);
    if (!m) {
      rest.push(argv[i]);
      continue;
    }
    const v = m[2] ?? argv[++i];
    if (v === undefined || !/^\d{1,6}$/.test(v)) throw new ConfigError(`--${m[1]} must be milliseconds (0–999999), got ${JSON.stringify(v ?? '')}`);
    if (m[1] === 'osd-interval') osdIntervalMs = Number(v);
    else progressIntervalMs = Number(v);
  }
  return { progressIntervalMs, osdIntervalMs, rest };
}

/** The banner printed on start (no secrets beyond the documented sandbox keys). */
export function banner(m: MockServer): string {
  const { sandbox, readonly } = m.credentials;
  return [
    'dockgate mock server (sandbox) is running: the real gateway with simulated DJI docks',
    `  API:      ${m.url}/api/v1/open`,
    `  docs:     ${m.url}/docs   (spec: ${m.url}/openapi.json, scenarios: ${m.url}/docs/guides/scenarios.html)`,
    `  mock:     ${m.url}/mock/v1/docks   (mock-only endpoints, not in production)`,
    `  MQTT:     ${m.mqttUrl}   (the simulated docks are connected here)`,
    `  store:    ${m.dataDir}   (throwaway SQLite, deleted on exit)`,
    '',
    'Sandbox credential (all scopes, any device):',
    `  API ID:   ${sandbox.api_id}`,
    `  API key:  ${sandbox.api_key}`,
    `Restricted credentials (to see 403 FORBIDDEN): ${readonly.api_id} / ${readonly.api_key} (read only), ${m.credentials.writeonly.api_id} / ${m.credentials.writeonly.api_key} (write only)`,
    '',
    'Any device_id is a simulated dock. Choose the outcome per request with a header, e.g.',
    '  Prefer: outcome=failed, code=514107   |   Prefer: outcome=timeout   |   Prefer: delay=2000',
    '  (or ?prefer=outcome%3Dfailed%2Ccode%3D514107 on the create URL; the query is signed).',
    'Stop with Ctrl+C; the sandbox data is deleted.',
  ].join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + optionsTable() + '\n');
    return;
  }
  const { progressIntervalMs, osdIntervalMs, rest } = parseMockArgs(argv);
  const config = mockConfig(rest, process.env);
  const logger = createLogger(config.logLevel);
  const mock = await startMock(config, { progressIntervalMs, telemetry: osdIntervalMs === undefined ? undefined : { osdIntervalMs }, logger });
  process.stdout.write(banner(mock) + '\n');
  logger.info({ url: mock.url, mqtt_url: mock.mqttUrl }, 'mock server started');

  closeOnSignals(() => mock.close(), logger, 'mock server');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e instanceof ConfigError ? `configuration error: ${e.message}` : e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  });
}
