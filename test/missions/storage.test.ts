/**
 * `storage_config_get` replies from `STORAGE_*` (server/missions/storage.ts). The STS AssumeRole
 * call — the boundary dockgate does not own — goes to a local stand-in HTTP server answering with
 * the AWS XML response; the AWS SDK v3 client is real. Also: config parsing, fixed keys, caching
 * until near expiry, and redaction of the stored copy.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactReply } from '../../server/device-requests/replies.js';
import { storageConfig, StorageReplies, type StorageConfig } from '../../server/missions/storage.js';

const EXPIRES = '2030-01-01T01:00:00Z';
const stsXml = (n: number) => `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>ASIATEST${n}</AccessKeyId>
      <SecretAccessKey>secret-${n}</SecretAccessKey>
      <SessionToken>token-${n}</SessionToken>
      <Expiration>${EXPIRES}</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROATEST:dockgate-media</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/media/dockgate-media</Arn></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r-${n}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

describe('storage_config_get replies', () => {
  let server: Server;
  let endpoint = '';
  const bodies: string[] = [];
  let fail = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(body);
        if (fail) {
          res.writeHead(403, { 'content-type': 'text/xml' });
          res.end('<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed</Message></Error><RequestId>x</RequestId></ErrorResponse>');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(stsXml(bodies.length));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The SDK's default credential chain signs the AssumeRole call; the stand-in does not check it.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDDOCKGATE';
    process.env.AWS_SECRET_ACCESS_KEY = 'dockgate-caller-secret';
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const env = (o: Record<string, string>) => (k: string) => o[k];

  it('parses STORAGE_*: none, fixed keys, STS, and bad combinations', () => {
    expect(storageConfig(env({}))).toBeNull();
    expect(storageConfig(env({ STORAGE_ENDPOINT: 'https://s3', STORAGE_BUCKET: 'b', STORAGE_ACCESS_KEY_ID: 'k', STORAGE_SECRET_ACCESS_KEY: 's' }))).toMatchObject({ provider: 'aws', region: 'us-east-1', keyPrefix: 'media', stsRoleArn: null });
    expect(() => storageConfig(env({ STORAGE_ENDPOINT: 'https://s3' }))).toThrow(/together/);
    expect(() => storageConfig(env({ STORAGE_ENDPOINT: 'https://s3', STORAGE_BUCKET: 'b' }))).toThrow(/either/);
    expect(() => storageConfig(env({ STORAGE_ENDPOINT: 'https://s3', STORAGE_BUCKET: 'b', STORAGE_STS_ROLE_ARN: 'arn', STORAGE_PROVIDER: 'gcs' }))).toThrow(/aws, minio or ali/);
    expect(() => storageConfig(env({ STORAGE_ENDPOINT: 'https://s3', STORAGE_BUCKET: 'b', STORAGE_STS_ROLE_ARN: 'arn', STORAGE_STS_DURATION_SECONDS: '60' }))).toThrow(/900–43200/);
  });

  const sts = (): StorageConfig =>
    storageConfig(env({ STORAGE_ENDPOINT: 'http://minio:9000', STORAGE_BUCKET: 'media-bucket', STORAGE_PROVIDER: 'minio', STORAGE_KEY_PREFIX: '/fleet/', STORAGE_STS_ROLE_ARN: 'arn:aws:iam::123456789012:role/media', STORAGE_STS_ENDPOINT: endpoint, STORAGE_STS_DURATION_SECONDS: '1800' }))!;

  it('assumes the role at the STS endpoint and hands out its credentials with a per-dock prefix; cached until near expiry', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const r = new StorageReplies(sts(), () => now);
    const a = await r.reply('DOCK-A');
    expect(a).toEqual({
      result: 0,
      output: {
        bucket: 'media-bucket',
        credentials: { access_key_id: 'ASIATEST1', access_key_secret: 'secret-1', expire: 3600, security_token: 'token-1' },
        endpoint: 'http://minio:9000',
        provider: 'minio',
        region: 'us-east-1',
        object_key_prefix: 'fleet/DOCK-A',
      },
    });
    const params = new URLSearchParams(bodies[0]);
    expect(Object.fromEntries(params)).toMatchObject({ Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/media', RoleSessionName: 'dockgate-media', DurationSeconds: '1800' });
    expect((await r.reply('DOCK-B')).output).toMatchObject({ object_key_prefix: 'fleet/DOCK-B', credentials: { access_key_id: 'ASIATEST1' } });
    expect(bodies).toHaveLength(1);
    now = Date.parse(EXPIRES) - 30_000; // within a minute of expiry: assume again
    expect((await r.reply('DOCK-A')).output).toMatchObject({ credentials: { access_key_id: 'ASIATEST2' } });
    expect(bodies).toHaveLength(2);
  });

  it('an STS refusal rejects (the request then stays for a partner)', async () => {
    fail = true;
    try {
      await expect(new StorageReplies(sts()).reply('DOCK-A')).rejects.toThrow(/not allowed|AccessDenied/);
    } finally {
      fail = false;
    }
  });

  it('fixed keys; the stored copy hides the secret and the token', async () => {
    const cfg = storageConfig(env({ STORAGE_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com', STORAGE_BUCKET: 'b', STORAGE_REGION: 'eu-west-1', STORAGE_ACCESS_KEY_ID: 'AKIAFIXED', STORAGE_SECRET_ACCESS_KEY: 'fixed-secret' }))!;
    const reply = await new StorageReplies(cfg).reply('DOCK-A');
    expect(reply.output).toMatchObject({ credentials: { access_key_id: 'AKIAFIXED', access_key_secret: 'fixed-secret' }, object_key_prefix: 'media/DOCK-A', region: 'eu-west-1' });
    const stored = redactReply({ ...reply, output: { ...(reply.output as object), credentials: { access_key_id: 'AKIAFIXED', access_key_secret: 'fixed-secret', security_token: 'tok', expire: 10 } } });
    expect(JSON.stringify(stored)).not.toMatch(/fixed-secret|tok"/);
    expect(stored.output).toMatchObject({ credentials: { access_key_id: 'AKIAFIXED', access_key_secret: '***', security_token: '***' } });
  });
});
