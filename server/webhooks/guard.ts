/**
 * Where webhooks may go (issue 13 item 5): endpoint URLs must be `https` (plain `http` only to a
 * loopback host when private addresses are allowed), and every delivery's resolved address must
 * not be loopback, link-local, private, unspecified, CGNAT or multicast unless the operator allows
 * it (`WEBHOOK_ALLOW_PRIVATE`). The check runs inside the socket's DNS lookup, so the connection
 * goes to exactly the address that was checked (no re-resolution between check and connect).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Address ranges refused by default (RFC 6890 special-purpose registries, IPv4 and IPv6). */
const BLOCKED = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.0.0.0', 24],
  ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) BLOCKED.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['::ffff:0:0', 96]] as const) BLOCKED.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (IPv4 or IPv6 literal) is in a range refused without `WEBHOOK_ALLOW_PRIVATE`. IPv4-mapped IPv6 counts as blocked. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Thrown by the guarded lookup and URL check; its message goes into the attempt's `error`. */
export class AddressNotAllowedError extends Error {
  readonly code = 'ADDRESS_NOT_ALLOWED';
  constructor(message: string) {
    super(message);
    this.name = 'AddressNotAllowedError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Validates an endpoint URL at creation/update: absolute, `https` (or `http` to a loopback host when
 * `allowPrivate`), no credentials, no fragment. Returns a reason when refused, else null. The
 * address check proper happens at each delivery.
 */
export function urlProblem(raw: string, allowPrivate: boolean): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url is not an absolute URL';
  }
  if (u.username || u.password) return 'url must not carry credentials';
  if (u.hash) return 'url must not have a fragment';
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && allowPrivate && LOOPBACK_HOSTS.has(u.hostname)) return null;
  return allowPrivate ? 'url must be https (http only to a loopback host)' : 'url must be https';
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http(s) / net.connect that resolves the host and refuses private addresses
 * (unless `allowPrivate`). `resolve` is injectable (tests map a name to 127.0.0.1).
 */
export function guardedLookup(allowPrivate: boolean, resolve: typeof dnsLookup = dnsLookup) {
  return (hostname: string, options: { all?: boolean } & Record<string, unknown>, callback: LookupCallback): void => {
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      const refused = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (refused || list.length === 0) {
        return callback(new AddressNotAllowedError(`address_not_allowed: ${hostname} resolves to ${refused?.address ?? 'nothing'}`) as NodeJS.ErrnoException, []);
      }
      if (options.all) callback(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
