/** Document-level parts of the API definition: info, servers, operation tags, security schemes, introduction. */
import { DOMAINS } from '../types.js';
import { ERROR_CODES, type ErrorCode } from './errors.js';
import { LIMITS } from './limits.js';
import { SCOPES, SIGNING_HEADERS } from './scopes.js';

/** Where the gateway serves the signing guide (generator/emitters/guides.ts renders docs/signing.md there). */
export const SIGNING_GUIDE = '/docs/guides/signing.html';

export const INFO = {
  title: 'dockgate open platform API',
  version: '1.0.0',
  summary: 'Signed REST in, DJI Cloud API MQTT out.',
  license: { name: 'MIT', identifier: 'MIT' },
};

export const SERVERS = [{ url: 'http://127.0.0.1:8080', description: 'Local gateway (`npm start`, default port); replace with your deployment.' }];

/** Tags of the operations (`OperationDef.tag`), in display order; all are in the "API" tag group. */
export const TAGS = [
  { name: 'Downlink commands', description: 'Create, list and query downlink commands (DJI `services` methods sent to docks).' },
  { name: 'Device requests', description: 'Requests docks send to the cloud (`thing/product/{gateway_sn}/requests`): list, read, reply.' },
  { name: 'Events', description: 'What happened, told rather than polled: the event log, the live stream, and (under `webhooks`) one entry per event type as it is delivered to webhook endpoints. Guide: `docs/events.md`.' },
  { name: 'Webhooks', description: 'Callback endpoints, subscriptions and delivery attempts: events POSTed to your HTTPS endpoint, signed per Standard Webhooks, retried for about a day.' },
] as const;
export type Tag = (typeof TAGS)[number]['name'];

// Absolute link: the gateway serves the guides at /docs/guides/ (server/app.ts); in the
// repository the same text is docs/signing.md, named so a reader of the file finds it.
const schemeText = `The signature scheme is described in the [signing guide](${SIGNING_GUIDE}) (\`docs/signing.md\` in the repository) and in the API introduction.`;

const [ID, TIMESTAMP, NONCE, SIGNATURE] = SIGNING_HEADERS;

/** One apiKey scheme per signing header; all four are required together. */
export const SECURITY_SCHEMES = {
  ApiId: { type: 'apiKey', in: 'header', name: ID, description: `The credential's API ID. ${schemeText}` },
  ApiTimestamp: { type: 'apiKey', in: 'header', name: TIMESTAMP, description: `Unix time in seconds; within ±${LIMITS.signatureWindowSeconds} s of the server clock.` },
  ApiNonce: { type: 'apiKey', in: 'header', name: NONCE, description: `Unique per API ID within ${LIMITS.signatureWindowSeconds} s; \`${LIMITS.nonce.pattern}\`.` },
  ApiSignature: { type: 'apiKey', in: 'header', name: SIGNATURE, description: `Lowercase hex HMAC-SHA256 of the canonical request string, keyed with the API key. ${schemeText}` },
};

/** Escape text for one Markdown table cell. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n+/g, '<br>').trim();
}

/** `info.description`: Markdown paragraphs. */
export const INTRODUCTION = [
  'dockgate is an open platform for commanding DJI docks and aircraft: business systems send signed REST requests, the gateway publishes them to the dock over MQTT in the DJI Cloud API envelope (`tid`, `bid`, `timestamp`, `method`, `data`), correlates the dock\'s `services_reply` and progress `events` back to the command, and moves it through `ACCEPTED` → `DELIVERED` → `SUCCEEDED` | `FAILED` | `TIMED_OUT` | `UNMATCHED_RESPONSE`. Docks also send `requests`, stored as device requests that partners list and answer.',
  `The catalog holds {{commandCount}} command types in ${DOMAINS.length} domains; each has its own section below (grouped by domain) with its payload, DJI protocol facts, wire translation where the public payload differs from DJI \`data\`, and cURL / TypeScript / Go samples.`,
  '## Signing',
  `Every request carries four headers: \`X-Api-Id\`, \`X-Api-Timestamp\` (Unix seconds, ±${LIMITS.signatureWindowSeconds} s), \`X-Api-Nonce\` (unique per API ID within ${LIMITS.signatureWindowSeconds} s) and \`X-Api-Signature\` = lowercase hex HMAC-SHA256, keyed with the API key, of the canonical string (8 lines joined by \`\\n\`, no trailing newline):`,
  '```\nDOCKGATE-HMAC-SHA256\n<HTTP method, upper case>\n<path exactly as sent, without the query>\n<query pairs sorted by name then value, RFC 3986-encoded, joined by &; empty if none>\n<X-Api-Id>\n<X-Api-Timestamp>\n<X-Api-Nonce>\n<lowercase hex SHA-256 of the raw body bytes (of the empty string without a body)>\n```',
  `Full rules and test vectors: the [signing guide](${SIGNING_GUIDE}) (\`docs/signing.md\` in the repository). The generated TypeScript client signs for you.`,
  '## Scopes',
  Object.entries(SCOPES).map(([k, v]) => `- \`${k}\`: ${v}`).join('\n'),
  '## Errors',
  'Every non-2xx response is `{code, message, request_id, details?}`; every response carries `X-Request-Id`.',
  '| code | HTTP | meaning |\n|---|---|---|\n' +
    (Object.keys(ERROR_CODES) as ErrorCode[]).map((k) => `| \`${k}\` | ${ERROR_CODES[k].status} | ${cell(ERROR_CODES[k].message)} |`).join('\n'),
].join('\n\n');
