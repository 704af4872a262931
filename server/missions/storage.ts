/**
 * Object storage for media uploads (issue 12 item 3; docs/missions.md): the `STORAGE_*`
 * configuration and the automatic `storage_config_get` reply built from it. With fixed keys the
 * reply hands them out; with `STORAGE_STS_ROLE_ARN` dockgate assumes the role with AWS STS
 * (`AssumeRole`, AWS SDK v3, endpoint `STORAGE_STS_ENDPOINT` for MinIO and other STS-compatible
 * services) and hands out the short-lived credentials, cached until a minute before they expire.
 * Reply shape (DJI `storage_config_get`): spec/requests.ts. The secrets never reach logs or the
 * stored copy of the reply (server/device-requests/replies.ts `redactReply`).
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

/** Resolved `STORAGE_*` settings. */
export interface StorageConfig {
  endpoint: string;
  bucket: string;
  region: string;
  provider: 'aws' | 'minio' | 'ali';
  /** Object keys start with `{keyPrefix}/{dock_sn}` (empty prefix: `{dock_sn}`). */
  keyPrefix: string;
  accessKeyId: string | null;
  secretAccessKey: string | null;
  stsRoleArn: string | null;
  stsEndpoint: string | null;
  /** Lifetime asked for STS credentials, s. */
  stsDurationSeconds: number;
}

/** The options table rows (spread into server/config.ts `OPTIONS`). */
export const STORAGE_OPTIONS: { env: string; default: string; description: string }[] = [
  { env: 'STORAGE_ENDPOINT', default: '(unset)', description: 'Object storage endpoint docks upload media to (e.g. `https://s3.eu-west-1.amazonaws.com`). Set with `STORAGE_BUCKET` to answer `storage_config_get` automatically; unset: partners answer it as a device request.' },
  { env: 'STORAGE_BUCKET', default: '(unset)', description: 'Bucket for media uploads.' },
  { env: 'STORAGE_REGION', default: 'us-east-1', description: 'Region of the bucket.' },
  { env: 'STORAGE_PROVIDER', default: 'aws', description: 'Storage provider told to the dock: `aws`, `minio` or `ali`.' },
  { env: 'STORAGE_KEY_PREFIX', default: 'media', description: 'Object keys start with `{prefix}/{dock_sn}/` (the `object_key_prefix` each dock gets).' },
  { env: 'STORAGE_ACCESS_KEY_ID', default: '(unset)', description: 'Fixed upload key id (with `STORAGE_SECRET_ACCESS_KEY`); prefer `STORAGE_STS_ROLE_ARN`.' },
  { env: 'STORAGE_SECRET_ACCESS_KEY', default: '(unset)', description: 'Secret of `STORAGE_ACCESS_KEY_ID`; never logged or stored.' },
  { env: 'STORAGE_STS_ROLE_ARN', default: '(unset)', description: 'Role dockgate assumes (AWS STS AssumeRole, with the AWS SDK\'s default credentials) to hand out short-lived upload credentials.' },
  { env: 'STORAGE_STS_ENDPOINT', default: '(unset)', description: 'STS endpoint (e.g. MinIO\'s); unset: AWS STS of `STORAGE_REGION`.' },
  { env: 'STORAGE_STS_DURATION_SECONDS', default: '3600', description: 'Lifetime of STS credentials (900–43200 s).' },
];

/** Parse `STORAGE_*` (`get` returns undefined for unset); null when no storage is configured. Throws `Error` on a bad value. */
export function storageConfig(get: (k: string) => string | undefined): StorageConfig | null {
  const endpoint = get('STORAGE_ENDPOINT');
  const bucket = get('STORAGE_BUCKET');
  if (endpoint === undefined && bucket === undefined) return null;
  if (endpoint === undefined || bucket === undefined) throw new Error('STORAGE_ENDPOINT and STORAGE_BUCKET must be given together');
  const provider = get('STORAGE_PROVIDER') ?? 'aws';
  if (provider !== 'aws' && provider !== 'minio' && provider !== 'ali') throw new Error(`STORAGE_PROVIDER must be aws, minio or ali, got ${JSON.stringify(provider)}`);
  const accessKeyId = get('STORAGE_ACCESS_KEY_ID') ?? null;
  const secretAccessKey = get('STORAGE_SECRET_ACCESS_KEY') ?? null;
  const stsRoleArn = get('STORAGE_STS_ROLE_ARN') ?? null;
  if ((accessKeyId === null) !== (secretAccessKey === null)) throw new Error('STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY must be given together');
  if ((accessKeyId === null) === (stsRoleArn === null)) throw new Error('storage needs either STORAGE_ACCESS_KEY_ID/STORAGE_SECRET_ACCESS_KEY or STORAGE_STS_ROLE_ARN');
  const duration = get('STORAGE_STS_DURATION_SECONDS') ?? '3600';
  if (!/^\d+$/.test(duration) || Number(duration) < 900 || Number(duration) > 43_200) throw new Error(`STORAGE_STS_DURATION_SECONDS must be an integer 900–43200, got ${JSON.stringify(duration)}`);
  return {
    endpoint, bucket, provider, accessKeyId, secretAccessKey, stsRoleArn,
    region: get('STORAGE_REGION') ?? 'us-east-1',
    keyPrefix: (get('STORAGE_KEY_PREFIX') ?? 'media').replace(/^\/+|\/+$/g, ''),
    stsEndpoint: get('STORAGE_STS_ENDPOINT') ?? null,
    stsDurationSeconds: Number(duration),
  };
}

interface Issued {
  access_key_id: string;
  access_key_secret: string;
  security_token: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Builds `storage_config_get` replies; one per process (STS credentials are shared by all docks until they near expiry). */
export class StorageReplies {
  private cached: Issued | null = null;
  private pending: Promise<Issued> | null = null;
  private readonly sts: STSClient | null;

  constructor(
    private readonly cfg: StorageConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.sts = cfg.stsRoleArn ? new STSClient({ region: cfg.region, ...(cfg.stsEndpoint ? { endpoint: cfg.stsEndpoint } : {}) }) : null;
  }

  /** The `{result: 0, output}` reply for dock `gateway_sn`. Rejects when STS fails (the request then stays unanswered for a partner). */
  async reply(gateway_sn: string): Promise<Record<string, unknown>> {
    const c = await this.credentials();
    const expire = Math.max(0, Math.floor((c.expiresAt - this.now()) / 1000));
    return {
      result: 0,
      output: {
        bucket: this.cfg.bucket,
        credentials: { access_key_id: c.access_key_id, access_key_secret: c.access_key_secret, expire, security_token: c.security_token },
        endpoint: this.cfg.endpoint,
        provider: this.cfg.provider,
        region: this.cfg.region,
        object_key_prefix: this.cfg.keyPrefix ? `${this.cfg.keyPrefix}/${gateway_sn}` : gateway_sn,
      },
    };
  }

  private async credentials(): Promise<Issued> {
    if (!this.sts) {
      return { access_key_id: this.cfg.accessKeyId!, access_key_secret: this.cfg.secretAccessKey!, security_token: '', expiresAt: this.now() + this.cfg.stsDurationSeconds * 1000 };
    }
    if (this.cached && this.cached.expiresAt - this.now() > 60_000) return this.cached;
    this.pending ??= this.assume().finally(() => (this.pending = null));
    return (this.cached = await this.pending);
  }

  private async assume(): Promise<Issued> {
    const out = await this.sts!.send(new AssumeRoleCommand({ RoleArn: this.cfg.stsRoleArn!, RoleSessionName: 'dockgate-media', DurationSeconds: this.cfg.stsDurationSeconds }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) throw new Error('STS AssumeRole returned no credentials');
    return { access_key_id: c.AccessKeyId, access_key_secret: c.SecretAccessKey, security_token: c.SessionToken, expiresAt: c.Expiration ? c.Expiration.getTime() : this.now() + this.cfg.stsDurationSeconds * 1000 };
  }
}
