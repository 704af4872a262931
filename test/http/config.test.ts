/** server/config.ts: defaults, env, flags winning, errors; docs/configuration.md in sync. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, optionsTable } from '../../server/config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, databaseUrl: null, mqttUrl: null, mqttPort: 1883, mqttShareGroup: null, logLevel: 'info', bodyLimit: 262144, devCredential: true });
    expect(c.dataDir).toMatch(/\/data$/);
    expect(c.instanceId).toMatch(/-\d+$/);
    expect(c.djiConfig).toEqual({ ntp_server_host: 'pool.ntp.org', ntp_server_port: 123, app_id: '', app_key: '', app_license: '' });
  });
  it('reads env and lets flags win, in both flag forms', () => {
    const env = { PORT: '9000', MQTT_URL: 'mqtt://10.0.0.1:1883', LOG_LEVEL: 'debug', BODY_LIMIT: '1kb', DEV_CREDENTIAL: 'false' };
    expect(loadConfig([], env)).toMatchObject({ port: 9000, mqttUrl: 'mqtt://10.0.0.1:1883', logLevel: 'debug', bodyLimit: 1024, devCredential: false });
    expect(loadConfig(['--port', '0', '--log-level=warn', '--dev-credential'], env)).toMatchObject({ port: 0, logLevel: 'warn', devCredential: true });
    expect(loadConfig(['--no-dev-credential'], {}).devCredential).toBe(false);
    expect(loadConfig([], { PORT: '' }).port).toBe(8080);
  });
  it('rejects bad values naming the option', () => {
    expect(() => loadConfig([], { PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig([], { PORT: 'abc' })).toThrow(ConfigError);
    expect(() => loadConfig([], { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig([], { MQTT_URL: 'localhost:1883' })).toThrow(/MQTT_URL/);
    expect(() => loadConfig([], { BODY_LIMIT: 'big' })).toThrow(/BODY_LIMIT/);
    expect(() => loadConfig(['--colour', 'red'], {})).toThrow(/unknown option --colour/);
    expect(() => loadConfig(['stray'], {})).toThrow(/unexpected argument/);
    expect(() => loadConfig([], { MQTT_CERT_FILE: '/x/cert.pem' })).toThrow(/MQTT_CERT_FILE and MQTT_KEY_FILE/);
  });
  it('docs/configuration.md carries the current options table', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    expect(doc).toContain(optionsTable());
  });
});
