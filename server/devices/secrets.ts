/**
 * Dock MQTT passwords: generated here, shown once, stored only as slow hashes.
 *
 * - `scrypt$N=<n>,r=<r>,p=<p>$<salt b64>$<key b64>`: node:crypto scrypt with a random 16-byte salt,
 *   the parameters kept in the string so they can be raised later without breaking old hashes;
 *   compared with `timingSafeEqual`. This is what the embedded broker verifies.
 * - `$7$<iterations>$<salt b64>$<key b64>`: Mosquitto's password-file format (PBKDF2-HMAC-SHA512,
 *   12-byte salt, 64-byte key; what `mosquitto_passwd` writes since Mosquitto 2.0,
 *   https://mosquitto.org/man/mosquitto_passwd-1.html), kept beside it so `npm run devices --
 *   export-mosquitto` can write a password file without knowing the password (docs/deployment.md).
 */
import { pbkdf2, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, keylen: number, o: ScryptOptions) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/** scrypt cost: N=2^14, r=8 (16 MiB, tens of ms per hash). */
export const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;
/** PBKDF2 iterations of the Mosquitto hash (mosquitto_passwd's default is 101; more is slower to guess). */
export const MOSQUITTO_ITERATIONS = 100_000;

/** A new random dock password: 24 bytes as base64url (32 characters, no `:` so it fits a URL too). */
export function newDockPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The encoded scrypt hash of `password` with a fresh salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$N=${SCRYPT.N},r=${SCRYPT.r},p=${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` matches an encoded scrypt hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!m) return false;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Parameters come from our own database, but bound them so a corrupt row cannot exhaust memory.
  if (N < 2 || N > 2 ** 20 || (N & (N - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5], 'base64');
  if (expected.length < 16) return false;
  try {
    const got = await scryptAsync(password, Buffer.from(m[4], 'base64'), expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
    return timingSafeEqual(got, expected);
  } catch {
    return false;
  }
}

/** `password` as a Mosquitto `$7$` password-file hash with a fresh salt. */
export async function mosquittoHash(password: string, iterations = MOSQUITTO_ITERATIONS): Promise<string> {
  const salt = randomBytes(12);
  const key = await pbkdf2Async(password, salt, iterations, 64, 'sha512');
  return `$7$${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}
