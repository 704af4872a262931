/**
 * TLS to the broker (issue 5 deployment: "TLS to the broker"): a private Mosquitto with a TLS
 * listener that requires client certificates, certificates made with openssl for this run. The
 * gateway connects with MQTT_CA_FILE / MQTT_CERT_FILE / MQTT_KEY_FILE, and does not without them.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { startGateway } from '../../server/main.js';

const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'].find((p) => existsSync(p));
const haveOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const missing = !MOSQUITTO ? 'the mosquitto binary' : !haveOpenssl ? 'openssl' : null;
if (missing && process.env.CI === 'true') throw new Error(`TLS test needs ${missing} (CI=true)`);

const dir = mkdtempSync(join(tmpdir(), 'dockgate-tls-'));
const f = (name: string) => join(dir, name);
let broker: ChildProcess | undefined;
let port = 0;

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function gatewayConfig(extra: Record<string, string>) {
  return loadConfig([], {
    PORT: '0',
    DATA_DIR: mkdtempSync(join(dir, 'data-')),
    LOG_LEVEL: 'silent',
    DEV_CREDENTIAL: 'false',
    MQTT_URL: `mqtts://127.0.0.1:${port}`,
    ...extra,
  });
}

describe.skipIf(missing !== null)('TLS to the broker', () => {
  beforeAll(async () => {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dockgate test CA', '-keyout', 'ca.key', '-out', 'ca.pem');
    for (const [name, cn, ext] of [
      ['server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
      ['client', 'dockgate', 'extendedKeyUsage=clientAuth'],
    ] as const) {
      openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
      writeFileSync(f(`${name}.ext`), `${ext}\n`);
      openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`);
    }
    // Mosquitto drops root privileges to its own user: it must be able to read the folder and keys.
    chmodSync(dir, 0o755);
    for (const k of ['server.key', 'server.pem', 'ca.pem']) chmodSync(f(k), 0o644);
    port = await freePort();
    writeFileSync(
      f('mosquitto.conf'),
      [`listener ${port} 127.0.0.1`, `cafile ${f('ca.pem')}`, `certfile ${f('server.pem')}`, `keyfile ${f('server.key')}`, 'require_certificate true', 'allow_anonymous true', 'persistence false', ''].join('\n'),
    );
    broker = spawn(MOSQUITTO!, ['-c', f('mosquitto.conf')], { stdio: 'ignore' });
    await until('the TLS broker to listen', () => new Promise<boolean>((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false))));
  });

  afterAll(() => {
    broker?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the CA, client certificate and key files, and is ready', async () => {
    const gw = await startGateway(gatewayConfig({ MQTT_CA_FILE: f('ca.pem'), MQTT_CERT_FILE: f('client.pem'), MQTT_KEY_FILE: f('client.key') }));
    try {
      await until('the MQTT core to connect over TLS', () => gw.mqtt.connected());
      const ready = await fetch(`${gw.url}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('does not connect without a client certificate, and /readyz says so', async () => {
    const gw = await startGateway(gatewayConfig({ MQTT_CA_FILE: f('ca.pem') }));
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      expect(gw.mqtt.connected()).toBe(false);
      expect((await fetch(`${gw.url}/readyz`)).status).toBe(503);
    } finally {
      await gw.close();
    }
  });

  it('names the option when a TLS file cannot be read', async () => {
    await expect(startGateway(gatewayConfig({ MQTT_CA_FILE: f('nope.pem') }))).rejects.toThrow(/MQTT_CA_FILE/);
  });
});
