/**
 * The documentation-only tags: one page per command (its description, payload table, DJI protocol
 * facts, wire translation and samples), one overview per domain, one for the device request types,
 * and the `x-tagGroups` that group them. A single operation carries every command, so Redoc shows
 * each command through its tag (`x-traitTag`: a section with no operations).
 */
import { DOMAINS, type CommandDef, type DeviceRequestDef, type Domain } from '../../spec/types.js';
import type { GenerateInput, OpenApiDocument } from '../context.js';
import { payloadSchemaName } from '../schema.js';
import { exampleBody } from './catalog-values.js';
import { commandOperationPath } from './command-union.js';
import { cell, fieldRows, samplesSection } from './markdown.js';
import type { CodeSample } from './samples.js';

/** Tag of a command's documentation page (its `command_type`). */
export function commandTag(c: CommandDef): string {
  return c.command_type;
}
/** Tag of a domain overview page. */
export function domainTag(d: Domain): string {
  return `${d} commands`;
}
/** Tag of the device request types page. */
export const DEVICE_REQUEST_TYPES_TAG = 'Device request types';

/** `300` → `300 s (5 min)`; whole hours as `h`. */
export function duration(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds} s (${seconds / 3600} h)`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds} s (${seconds / 60} min)`;
  return `${seconds} s`;
}

function protocolFacts(c: CommandDef): string {
  const topic = `thing/product/{gateway_sn}/${c.transport}`;
  const out = [`- **Transport:** published on \`${topic}\` with \`method\` = \`${c.command_type}\`.`];
  if (c.bid_from)
    out.push(`- **Envelope \`bid\`:** the payload's \`${c.bid_from}\` instead of a fresh UUID (as DJI's reference server does), so progress events carry it whether the dock echoes the command \`bid\` or fills in the id itself.`);
  if (c.reply === 'services_reply')
    out.push('- **Reply:** the dock answers on `thing/product/{gateway_sn}/services_reply` echoing `tid`/`bid`; `data.result` 0 = accepted/succeeded, non-zero = `FAILED` (`DEVICE_EXECUTION_FAILED`).');
  else if (c.reply === 'drc/up')
    out.push(`- **Reply:** the dock answers on \`thing/product/{gateway_sn}/drc/up\` with the same \`method\` (and \`seq\` on Dock 3).`);
  else out.push('- **Reply:** none. The command is `SUCCEEDED` once the broker acknowledges the publish.');
  if (c.progress) {
    const p = c.progress;
    const corr =
      p.correlate_by === 'bid'
        ? 'by the command `bid`'
        : `by event \`data.${p.correlate_by.event_field}\` = payload \`${p.correlate_by.payload_field}\``;
    out.push(
      `- **Progress:** completion arrives later as \`${p.event_method}\` events on \`thing/product/{gateway_sn}/events\`, matched ${corr}. ` +
        `Status at \`data.${p.status_path}\`` +
        (p.percent_path ? `, percent at \`data.${p.percent_path}\`` : '') +
        (p.step_path ? `, step at \`data.${p.step_path}\`` : '') +
        `. Succeeded: ${p.succeeded.map((s) => `\`${s}\``).join(', ')}; failed: ${p.failed.map((s) => `\`${s}\``).join(', ') || '—'}. ` +
        (p.need_reply ? 'Events carry `need_reply: 1` and are acknowledged on `events_reply`.' : 'Events do not ask for a reply.'),
    );
    out.push(
      `- **Job limits:** \`timeout_seconds\` bounds only the dock's acceptance; after it the job ends \`TIMED_OUT\` when no progress event comes for ${duration(p.limits.silence_seconds)} ` +
        `(\`failure_code\` \`PROGRESS_SILENCE\`) or when it still runs ${duration(p.limits.max_duration_seconds)} after delivery (\`MAX_DURATION_EXCEEDED\`). ${p.limits.why}`,
    );
  } else if (c.reply !== 'none') {
    out.push('- **Progress:** none; the reply is the final result.');
  }
  out.push(`- **Docks:** ${c.docks}.`);
  return out.join('\n') + '\n';
}

function wireSection(c: CommandDef): string {
  if (!c.wire) return '';
  const w = c.wire;
  const how = w.translate
    ? 'The gateway translates the public payload into the DJI `data` below before publishing (an explicit, tested function in the catalog).'
    : `No translation is possible: ${w.untranslatable ?? 'see notes'}. The payload is published unchanged.`;
  return `### Wire translation\n\n${w.notes.trim()}\n\n${how}\n\nDJI \`data\` shape:\n\n${fieldRows(w.data)}\n`;
}

/** Markdown page of one command (tag description). `path` is the create-command operation's path. */
export function commandMarkdown(c: CommandDef, samples: CodeSample[], body: Record<string, unknown>, path: string): string {
  const head = [
    `**\`${c.command_type}\`** — ${c.summary.replace(/\.$/, '')}. Domain \`${c.domain}\`.` + (c.deprecated ? ' **Deprecated by DJI** (still accepted).' : ''),
    c.description.trim(),
  ].join('\n\n');
  return [
    head,
    `### Payload\n\nSend as \`payload\` with \`command_type: "${c.command_type}"\` to \`POST ${path}\` (schema \`${payloadSchemaName(c.command_type)}\`).\n\n${fieldRows(c.payload)}`,
    `### DJI protocol\n\n${protocolFacts(c)}`,
    wireSection(c),
    `### Example request body\n\n\`\`\`json\n${JSON.stringify(body, null, 2)}\n\`\`\`\n`,
    `### Code samples\n\n${samplesSection(samples)}`,
    c.sources.length ? `### Sources\n\n${c.sources.map((s) => `- ${s}`).join('\n')}\n` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function domainMarkdown(d: Domain, list: CommandDef[], path: string): string {
  if (!list.length) return `Commands of the \`${d}\` domain (seed 004). None in the catalog yet.`;
  const rows = list.map(
    (c) => `| [\`${c.command_type}\`](#/${commandTag(c)}) | ${cell(c.summary)}${c.deprecated ? ' (deprecated)' : ''} | \`${c.transport}\` | ${c.progress ? `events \`${c.progress.event_method}\`` : c.reply} |`,
  );
  return `Commands of the \`${d}\` domain (seed 004): ${list.length}. Each is a \`command_type\` of \`POST ${path}\`.\n\n| command_type | Summary | Transport | Completion |\n|---|---|---|---|\n${rows.join('\n')}\n`;
}

function deviceRequestsMarkdown(list: DeviceRequestDef[]): string {
  if (!list.length) return 'Request types sent by docks on `thing/product/{gateway_sn}/requests`. None are described in the catalog yet; any request is stored and listed with its raw `inbound_payload`.';
  const parts = [
    'Request types docks send on `thing/product/{gateway_sn}/requests` that the platform knows. Any other request is still stored and listed with its raw `inbound_payload`. Shapes are informative (DJI `data` of the request and of `requests_reply`).',
  ];
  for (const r of list) {
    parts.push(
      `### \`${r.request_type}\`\n\n${r.description.trim()}\n\n` +
        `- Reply form: ${r.reply_form === 'flat' ? 'flat `data` (no `{result, output}` wrapper)' : '`{result, output}`'}\n` +
        `- Answered automatically by the platform: ${r.auto_reply ? 'yes' : 'no (reply with `POST /api/v1/open/device-requests/{request_id}/reply`)'}\n\n` +
        `Request \`data\`:\n\n${fieldRows(r.data)}\nReply \`data\`:\n\n${fieldRows(r.reply)}` +
        (r.example ? `\nExample request \`data\`:\n\n\`\`\`json\n${JSON.stringify(r.example, null, 2)}\n\`\`\`\n` : ''),
    );
  }
  return parts.join('\n\n');
}

/** The operation tags, then the device request types page, then per domain its overview and command pages. */
export function tagsAndGroups(input: GenerateInput, samples: Map<string, CodeSample[]>): Pick<OpenApiDocument, 'tags' | 'x-tagGroups'> {
  const { commands, deviceRequests, api } = input;
  const path = commandOperationPath(api);
  const byDomain = new Map<Domain, CommandDef[]>(DOMAINS.map((d) => [d, []]));
  for (const c of commands) byDomain.get(c.domain)?.push(c);
  const tags: Record<string, unknown>[] = [
    ...api.tags.map((t) => ({ name: t.name, description: t.description })),
    { name: DEVICE_REQUEST_TYPES_TAG, description: deviceRequestsMarkdown(deviceRequests), 'x-traitTag': true },
  ];
  const groups: OpenApiDocument['x-tagGroups'] = [{ name: 'API', tags: [...api.tags.map((t) => t.name), DEVICE_REQUEST_TYPES_TAG] }];
  for (const d of DOMAINS) {
    const list = byDomain.get(d)!;
    tags.push({ name: domainTag(d), 'x-displayName': `Overview: ${d}`, description: domainMarkdown(d, list, path), 'x-traitTag': true });
    for (const c of list) tags.push({ name: commandTag(c), description: commandMarkdown(c, samples.get(c.command_type)!, exampleBody(c, api), path), 'x-traitTag': true });
    groups.push({ name: `Commands: ${d}`, tags: [domainTag(d), ...list.map(commandTag)] });
  }
  return { tags, 'x-tagGroups': groups };
}
