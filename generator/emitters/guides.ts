/**
 * The partner guides as web pages: every hand-written `docs/*.md` rendered to
 * `docs/guides/<name>.html` (plus one shared `docs/guides/style.css`), served by the gateway under
 * `/docs/guides/` next to the API reference at `/docs`.
 *
 * - Markdown is rendered with `marked` (GFM tables, fenced code). No script on the pages, so they
 *   work offline and cannot log console errors.
 * - Links between guides (`signing.md#headers`) become links between pages (`signing.html#headers`);
 *   `reference/…` points at the served reference (`../`); links to repository files that the
 *   gateway does not serve (`../spec/signing.ts`) are shown as the path, not as a broken link.
 *   Headings get GitHub-style ids, so `#anchors` work the same on GitHub and on the pages.
 * - Catalog facts are not typed by hand: a guide marks a block with
 *   `<!-- generated:NAME -->` … `<!-- end generated:NAME -->` and the page gets `GENERATED_BLOCKS[NAME]`
 *   computed from the catalog, whatever the Markdown copy says. `test/docs/guides.test.ts` keeps the
 *   Markdown copy equal to it too (`npx tsx generator/emitters/guides.ts --sync` rewrites the copies).
 *
 * Input besides the catalog: the Markdown files under `<repo>/docs` (read at generation time), so
 * editing a guide without `npm run generate` makes `--check` fail, like editing the catalog.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Marked, type Tokens } from 'marked';
import { API, type ApiDefinition } from '../../spec/api.js';
import type { CommandDef } from '../../spec/types.js';
import { eventExample } from '../openapi/events.js';
import { headerText, withHeader } from '../header.js';
import { UPLINK } from '../../spec/uplink/index.js';
import { eventsTable, modelsTable, propertiesTable } from '../openapi/uplink.js';
import type { Emitter, GeneratedFile, GenerateContext } from '../context.js';
import { duration } from '../openapi/command-pages.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Folder (relative to the output root) the pages are written to; served as `/docs/guides/`. */
export const GUIDES_DIR = 'docs/guides';

/** Navigation order; guides not listed follow in name order. `index` is the docs home. */
export const GUIDE_ORDER = ['index', 'quickstart', 'signing', 'other-generators', 'lifecycle', 'progress', 'device-requests', 'events', 'webhooks', 'missions', 'fleet', 'scenarios', 'configuration', 'operations', 'deployment', 'architecture'] as const;

/** One Markdown guide: `name` is the file name without `.md`. */
export interface Guide {
  name: string;
  markdown: string;
}

/** Read every `*.md` directly under `dir` (default `<repo>/docs`), sorted by name. Missing dir → []. */
export async function readGuides(dir = join(repoRoot, 'docs')): Promise<Guide[]> {
  if (!existsSync(dir)) return [];
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && e.name.endsWith('.md'))
    .map((e) => e.name)
    .sort();
  return Promise.all(names.map(async (f) => ({ name: f.slice(0, -3), markdown: (await readFile(join(dir, f), 'utf8')).replace(/\r\n/g, '\n') })));
}

/** Guides in navigation order (GUIDE_ORDER first, then the others by name). */
export function orderGuides<T extends { name: string }>(guides: T[]): T[] {
  const rank = (n: string) => {
    const i = (GUIDE_ORDER as readonly string[]).indexOf(n);
    return i === -1 ? GUIDE_ORDER.length : i;
  };
  return [...guides].sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ── generated blocks ────────────────────────────────────────────────────────────────────────

const code = (s: string) => '`' + s + '`';
const codes = (xs: string[]) => xs.map(code).join(', ');

/**
 * Markdown table of the progress-tracked commands (catalog `progress`): these stay `DELIVERED`
 * after an accepting `services_reply` until a terminal progress event. Ends with a newline.
 */
export function progressTable(commands: CommandDef[]): string {
  const tracked = commands.filter((c) => c.progress);
  const rows = tracked.map((c) => {
    const p = c.progress!;
    const by = p.correlate_by === 'bid' ? `same ${code('bid')}` : `${code(p.correlate_by.event_field)} = payload ${code(p.correlate_by.payload_field)}`;
    const where = [p.status_path, p.percent_path ?? '—', p.step_path ?? '—'].map((x) => (x === '—' ? x : code(x))).join('<br>');
    const limits = `${duration(p.limits.silence_seconds)}<br>${duration(p.limits.max_duration_seconds)}`;
    return `| ${code(c.command_type)} | ${code(p.event_method)}<br>${by} | ${where} | \`SUCCEEDED\`: ${codes(p.succeeded)}<br>\`FAILED\`: ${codes(p.failed)} | ${limits} |`;
  });
  const asking = tracked.filter((c) => c.progress!.need_reply).map((c) => code(c.progress!.event_method));
  return [
    `${tracked.length} of the ${commands.length} command types are progress-tracked. "In the event" gives where the DJI status, the percent and the step are in the event's \`data\` (— when the event has none). ` +
      '"Limits" are the job limits after acceptance: the silence limit (no progress event for that long → `TIMED_OUT`, `PROGRESS_SILENCE`) and the maximum duration counted from delivery (`TIMED_OUT`, `MAX_DURATION_EXCEEDED`); each command\'s reference section says why.',
    '',
    '| `command_type` | event `method`<br>matched by | in the event: status<br>percent<br>step | DJI statuses that end the command | limits: silence<br>max duration |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    asking.length > 0
      ? `${asking.join(', ')} events carry \`need_reply: 1\`; the gateway answers each with an \`events_reply\`. The other events ask for no reply.`
      : 'No progress event asks for a reply (`need_reply`).',
    '',
  ].join('\n');
}

/** Markdown table of the commands that are not answered by a `services_reply` (DRC). Ends with a newline. */
export function replyModesTable(commands: CommandDef[]): string {
  const other = commands.filter((c) => c.reply !== 'services_reply');
  const rows = other.map((c) => {
    const done =
      c.reply === 'none'
        ? '`SUCCEEDED` when the broker acknowledges the publish (no reply exists)'
        : '`SUCCEEDED` / `FAILED` on the `drc/up` reply with the same `method` (and `seq`)';
    return `| ${code(c.command_type)} | ${code(c.transport)} | ${code(c.reply)} | ${done} |`;
  });
  return ['| `command_type` | published on | reply | completes |', '|---|---|---|---|', ...rows, ''].join('\n');
}

/** What generated blocks read: the catalog, and the API definition (default: the repository's). */
export type BlockContext = Pick<GenerateContext, 'commands' | 'uplink'> & { api?: Pick<ApiDefinition, 'events'> };

/** One section per event type of the catalog (spec/api/events.ts): when, `data` fields, an example. Ends with a newline. */
export function eventSections(api: Pick<ApiDefinition, 'events'>): string {
  const out = [
    '| type | summary | emitted today |',
    '|---|---|---|',
    ...api.events.map((e) => `| [${code(e.type)}](#${slug(e.type)}) | ${e.summary} | ${e.pending ? `once ${e.pending} lands` : 'yes'} |`),
    '',
  ];
  api.events.forEach((e, i) => {
    const schema = e.data as { $ref?: string; properties?: Record<string, { description?: string }> };
    const fields = schema.$ref
      ? `the \`${schema.$ref.split('/').pop()}\` object, as \`GET\` returns it`
      : Object.entries(schema.properties ?? {}).map(([k, v]) => `${code(k)} (${v.description ?? ''})`).join('; ');
    out.push(`### ${code(e.type)}`, '', `${e.summary}. **Emitted:** ${e.emitted}`, '', `\`data\`: ${fields}.`, '');
    if (e.pending) out.push(`Not emitted yet: the change that emits it is recorded once ${e.pending} lands.`, '');
    out.push('```json', JSON.stringify(eventExample(e, i), null, 2), '```', '');
  });
  return out.join('\n');
}

/** Blocks a guide can ask for with `<!-- generated:NAME -->` … `<!-- end generated:NAME -->`. */
export const GENERATED_BLOCKS: Record<string, (ctx: BlockContext) => string> = {
  'progress-commands': (ctx) => progressTable(ctx.commands),
  'reply-modes': (ctx) => replyModesTable(ctx.commands),
  'uplink-dock-properties': (ctx) => propertiesTable(ctx.uplink ?? UPLINK, 'dock'),
  'uplink-aircraft-properties': (ctx) => propertiesTable(ctx.uplink ?? UPLINK, 'aircraft'),
  'uplink-events': (ctx) => eventsTable(ctx.uplink ?? UPLINK),
  'device-models': (ctx) => modelsTable(ctx.uplink ?? UPLINK),
  'event-catalog': (ctx) => eventSections(ctx.api ?? API),
};

const BLOCK = /<!-- generated:([a-z0-9-]+) -->\n([\s\S]*?)<!-- end generated:\1 -->/g;

/**
 * Replace the body of every generated block in `markdown` with the catalog's version (markers
 * kept). Throws naming the guide for an unknown block name or a start marker without its end.
 */
export function fillGeneratedBlocks(markdown: string, ctx: BlockContext, guideName = 'guide'): string {
  const starts = [...markdown.matchAll(/<!-- generated:([a-z0-9-]+) -->/g)].map((m) => m[1]);
  const filled = markdown.replace(BLOCK, (_m, name: string) => {
    const make = GENERATED_BLOCKS[name];
    if (!make) throw new Error(`docs/${guideName}.md: unknown generated block "${name}" (known: ${Object.keys(GENERATED_BLOCKS).join(', ')})`);
    return `<!-- generated:${name} -->\n${make(ctx)}<!-- end generated:${name} -->`;
  });
  const closed = [...markdown.matchAll(BLOCK)].map((m) => m[1]);
  for (const s of starts) if (!closed.includes(s)) throw new Error(`docs/${guideName}.md: <!-- generated:${s} --> has no matching <!-- end generated:${s} --> on a later line`);
  return filled;
}

// ── rendering ───────────────────────────────────────────────────────────────────────────────

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** GitHub's heading anchor: lower case, punctuation dropped, each space a `-`. */
export function slug(text: string): string {
  return text
    .replace(/<[^>]*>/g, '')
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The first `# ` heading of a guide (its title), else its name. */
export function guideTitle(g: Guide): string {
  const m = /^#[ \t]+(.+?)[ \t#]*$/m.exec(g.markdown);
  return m ? m[1].replace(/`/g, '') : g.name;
}

/**
 * Where a Markdown link of a guide points on the served pages: another guide → its page; the
 * reference → `../`; absolute URLs, anchors and site paths unchanged; any other relative path
 * (a repository file the gateway does not serve) → null.
 */
export function rewriteHref(href: string, guideNames: ReadonlySet<string>): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return href;
  const [path, frag] = href.split(/(?=#)/, 2) as [string, string | undefined];
  const clean = path.replace(/^\.\//, '');
  const m = /^([A-Za-z0-9_-]+)\.md$/.exec(clean);
  if (m && guideNames.has(m[1])) return `${m[1]}.html${frag ?? ''}`;
  if (/^reference\/?(index\.html)?$/.test(clean)) return `../${frag ?? ''}`;
  if (/^guides\/[A-Za-z0-9_-]+\.html$/.test(clean)) return clean.slice('guides/'.length) + (frag ?? '');
  return null;
}

interface Rendered {
  html: string;
  /** `h2` headings (id, text) for the page's table of contents. */
  sections: { id: string; text: string }[];
}

/** Render one guide's Markdown (generated blocks already filled) to an HTML fragment. */
export function renderMarkdown(markdown: string, guideNames: ReadonlySet<string>): Rendered {
  const used = new Map<string, number>();
  const sections: Rendered['sections'] = [];
  const md = new Marked({ gfm: true });
  md.use({
    renderer: {
      heading(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, { tokens, depth, text }: Tokens.Heading) {
        const inner = this.parser.parseInline(tokens);
        let id = slug(text) || 'section';
        const n = used.get(id) ?? 0;
        used.set(id, n + 1);
        if (n > 0) id = `${id}-${n}`;
        if (depth === 2) sections.push({ id, text: inner.replace(/<[^>]*>/g, '') });
        return `<h${depth} id="${escapeHtml(id)}">${inner}<a class="anchor" href="#${escapeHtml(id)}" aria-label="Link to this section">#</a></h${depth}>\n`;
      },
      link(this: { parser: { parseInline(t: Tokens.Generic[]): string } }, { href, title, tokens }: Tokens.Link) {
        const inner = this.parser.parseInline(tokens);
        const to = rewriteHref(href, guideNames);
        if (to === null) return `<span class="repo-path" title="${escapeHtml(`${href} in the dockgate repository`)}">${inner}</span>`;
        return `<a href="${escapeHtml(to)}"${title ? ` title="${escapeHtml(title)}"` : ''}>${inner}</a>`;
      },
    },
  });
  const html = md.parse(markdown, { async: false }) as string;
  return { html, sections };
}

/** The stylesheet shared by every page (no web fonts, no script). */
export const STYLE = `:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-code: #f6f8fa; --accent: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); }
header.top { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.5rem; border-bottom: 1px solid var(--line); background: #fff; position: sticky; top: 0; z-index: 1; }
header.top .brand { font-weight: 700; color: var(--fg); text-decoration: none; }
header.top a { color: var(--accent); text-decoration: none; }
.layout { display: flex; max-width: 1280px; margin: 0 auto; }
nav.side { flex: 0 0 15rem; padding: 1.2rem 1rem 2rem 1.5rem; border-right: 1px solid var(--line); font-size: .93rem; }
nav.side ul { list-style: none; margin: 0 0 1rem; padding: 0; }
nav.side li { margin: .15rem 0; }
nav.side a { color: var(--fg); text-decoration: none; display: block; padding: .15rem .4rem; border-radius: 4px; }
nav.side a:hover { background: var(--bg-code); }
nav.side a[aria-current="page"] { background: #ddf4ff; font-weight: 600; }
nav.side .toc a { color: var(--muted); padding-left: 1rem; font-size: .88rem; }
main.content { flex: 1 1 auto; min-width: 0; padding: 1.2rem 2.5rem 4rem; }
main.content h1 { font-size: 2rem; margin: .4rem 0 1rem; }
main.content [id] { scroll-margin-top: 4rem; }
main.content h2 { border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2.2rem; }
main.content a { color: var(--accent); }
a.anchor { margin-left: .4rem; color: var(--line) !important; text-decoration: none; font-weight: 400; visibility: hidden; }
h1:hover a.anchor, h2:hover a.anchor, h3:hover a.anchor, h4:hover a.anchor { visibility: visible; }
code { font: .88em/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg-code); padding: .1em .3em; border-radius: 4px; }
pre { background: var(--bg-code); border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; overflow-x: auto; }
pre code { background: none; padding: 0; font-size: .85rem; }
table { border-collapse: collapse; margin: 1rem 0; width: 100%; font-size: .9rem; }
th, td { border: 1px solid var(--line); padding: .35rem .6rem; vertical-align: top; text-align: left; }
th { background: var(--bg-code); }
td:last-child { min-width: 16rem; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 4px solid var(--line); color: var(--muted); }
.repo-path { font-style: italic; }
footer { max-width: 1280px; margin: 0 auto; padding: 1rem 1.5rem 2rem; color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
@media (max-width: 800px) { .layout { display: block; } nav.side { border-right: 0; border-bottom: 1px solid var(--line); } main.content { padding: 1rem; } }
`;

/** A full page for one guide. `all` gives the navigation (in order). */
export function renderPage(g: Guide, all: { name: string; title: string }[], ctx: BlockContext): string {
  const names = new Set(all.map((x) => x.name));
  const { html, sections } = renderMarkdown(fillGeneratedBlocks(g.markdown, ctx, g.name), names);
  const title = guideTitle(g);
  const nav = all
    .map((x) => {
      const current = x.name === g.name;
      const toc =
        current && sections.length > 1
          ? `\n<ul class="toc">${sections.map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.text)}</a></li>`).join('')}</ul>`
          : '';
      return `<li><a href="${x.name}.html"${current ? ' aria-current="page"' : ''}>${escapeHtml(x.title)}</a>${toc}</li>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · dockgate docs</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css">
</head>
<body>
<header class="top"><a class="brand" href="index.html">dockgate docs</a><a href="../">API reference</a><a href="../../openapi.yaml">OpenAPI (YAML)</a><a href="../../openapi.json">OpenAPI (JSON)</a></header>
<div class="layout">
<nav class="side" aria-label="Guides">
<ul>
${nav}
</ul>
<ul><li><a href="../">API reference (every command)</a></li></ul>
</nav>
<main class="content">
${html}</main>
</div>
<footer>Rendered from <code>docs/${escapeHtml(g.name)}.md</code> by <code>npm run generate</code>.</footer>
</body>
</html>
`;
}

/** Every guide page plus the stylesheet, for `guides` read from `docs/` (or given, for tests). */
export function renderGuides(ctx: BlockContext & Pick<GenerateContext, 'hash'>, guides: Guide[]): GeneratedFile[] {
  const ordered = orderGuides(guides);
  const nav = ordered.map((g) => ({ name: g.name, title: guideTitle(g) }));
  const files: GeneratedFile[] = ordered.map((g) => {
    const path = `${GUIDES_DIR}/${g.name}.html`;
    return { path, content: withHeader(path, renderPage(g, nav, ctx), ctx.hash) };
  });
  files.push({ path: `${GUIDES_DIR}/style.css`, content: `/* ${headerText(ctx.hash)} */\n${STYLE}` });
  return files;
}

/** Writes `docs/guides/<name>.html` for every `docs/*.md`, and `docs/guides/style.css`. */
export const emit: Emitter = async (ctx) => renderGuides(ctx, await readGuides());

/** `--sync`: rewrite the generated blocks of the Markdown copies in `docs/` from the catalog. */
async function main(): Promise<void> {
  if (!process.argv.includes('--sync')) {
    console.error('usage: npx tsx generator/emitters/guides.ts --sync   (pages are written by npm run generate)');
    process.exit(2);
  }
  const { commands } = await import('../../spec/catalog.js');
  for (const g of await readGuides()) {
    const next = fillGeneratedBlocks(g.markdown, { commands }, g.name);
    if (next !== g.markdown) {
      await writeFile(join(repoRoot, 'docs', `${g.name}.md`), next);
      console.log(`updated docs/${g.name}.md`);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
