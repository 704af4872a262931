/**
 * The guide pages (generator/emitters/guides.ts): catalog facts in the guides come from the catalog,
 * links between guides work on the served pages, links to repository files point at files that
 * exist, and headings get GitHub's anchors. No browser here (see browser.test.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  fillGeneratedBlocks,
  GENERATED_BLOCKS,
  guideTitle,
  progressTable,
  readGuides,
  renderGuides,
  renderMarkdown,
  rewriteHref,
  slug,
  type Guide,
} from '../../generator/emitters/guides.js';
import { HEADER_MARKER } from '../../generator/header.js';
import { commands } from '../../spec/catalog.js';
import type { CommandDef } from '../../spec/types.js';

const docsDir = join(import.meta.dirname, '..', '..', 'docs');
const text = (c: string | Uint8Array) => (typeof c === 'string' ? c : Buffer.from(c).toString('utf8'));

describe('guides', () => {
  it('keeps the Markdown copies of generated blocks equal to the catalog', async () => {
    const guides = await readGuides();
    const stale = guides.filter((g) => fillGeneratedBlocks(g.markdown, { commands }, g.name) !== g.markdown).map((g) => `docs/${g.name}.md`);
    expect(stale, 'run: npx tsx generator/emitters/guides.ts --sync').toEqual([]);
    const used = guides.flatMap((g) => [...g.markdown.matchAll(/<!-- generated:([a-z0-9-]+) -->/g)].map((m) => m[1]));
    expect(new Set(used)).toEqual(new Set(Object.keys(GENERATED_BLOCKS)));
  });

  it('renders the progress table from the catalog, not from the Markdown copy', async () => {
    const progress = (await readGuides()).find((g) => g.name === 'progress')!;
    const base = commands.find((c) => c.command_type === 'cover_open')!;
    const synthetic: CommandDef = { ...base, command_type: 'zz_synthetic_job', progress: { ...base.progress!, event_method: 'zz_synthetic_job_progress', succeeded: ['zz_done'] } };
    const files = renderGuides({ commands: [...commands, synthetic], hash: '0123456789abcdef' }, [progress]);
    const html = text(files.find((f) => f.path === 'docs/guides/progress.html')!.content);
    expect(progress.markdown).not.toContain('zz_synthetic_job');
    expect(html).toContain('<code>zz_synthetic_job_progress</code>');
    expect(html).toContain('<code>zz_done</code>');
    const tracked = commands.filter((c) => c.progress);
    expect(html).toContain(`${tracked.length + 1} of the ${commands.length + 1} command types are progress-tracked`);
    for (const c of tracked) expect(progressTable(commands)).toContain(`| \`${c.command_type}\` | \`${c.progress!.event_method}\`<br>`);
  });

  it('rejects an unknown or unterminated generated block, naming the guide', () => {
    expect(() => fillGeneratedBlocks('<!-- generated:nope -->\nx\n<!-- end generated:nope -->', { commands }, 'g')).toThrow(/docs\/g\.md: unknown generated block "nope"/);
    expect(() => fillGeneratedBlocks('<!-- generated:progress-commands -->\nx\n', { commands }, 'g')).toThrow(/has no matching/);
  });

  it('rewrites links for the served pages', () => {
    const names = new Set(['signing', 'lifecycle']);
    expect(rewriteHref('signing.md', names)).toBe('signing.html');
    expect(rewriteHref('./lifecycle.md#timeouts', names)).toBe('lifecycle.html#timeouts');
    expect(rewriteHref('reference/index.html', names)).toBe('../');
    expect(rewriteHref('https://example.com/a.md', names)).toBe('https://example.com/a.md');
    expect(rewriteHref('#state-diagram', names)).toBe('#state-diagram');
    expect(rewriteHref('missing.md', names)).toBeNull();
    expect(rewriteHref('../spec/signing.ts', names)).toBeNull();
  });

  it('gives headings GitHub anchors and shows unserved repository paths as text', () => {
    expect(slug('`timeout_seconds` 0 and commands without a reply')).toBe('timeout_seconds-0-and-commands-without-a-reply');
    expect(slug('Vector 1 — GET with a query')).toBe('vector-1--get-with-a-query');
    const { html, sections } = renderMarkdown('# T\n\n## A b\n\n## A b\n\nsee [x](signing.md#headers), [code](../spec/signing.ts)\n', new Set(['signing']));
    expect(html).toContain('<h2 id="a-b">');
    expect(html).toContain('<h2 id="a-b-1">');
    expect(sections.map((s) => s.id)).toEqual(['a-b', 'a-b-1']);
    expect(html).toContain('<a href="signing.html#headers">x</a>');
    expect(html).toMatch(/<span class="repo-path" title="\.\.\/spec\/signing\.ts in the dockgate repository">code<\/span>/);
  });

  it('links only to guides, the reference, URLs, or repository files that exist', async () => {
    const guides = await readGuides();
    const names = new Set(guides.map((g) => g.name));
    const bad: string[] = [];
    for (const g of guides) {
      for (const m of g.markdown.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const href = m[1];
        if (rewriteHref(href, names) !== null) {
          const md = /^(?:\.\/)?([A-Za-z0-9_-]+)\.md(?:#.*)?$/.exec(href);
          if (md && !names.has(md[1])) bad.push(`docs/${g.name}.md → ${href}`);
          continue;
        }
        const path = href.split('#')[0];
        if (!existsSync(join(docsDir, path))) bad.push(`docs/${g.name}.md → ${href} (no such file)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('writes one page per guide, each with the generated header, its title and the stylesheet', async () => {
    const guides: Guide[] = [
      { name: 'index', markdown: '# Home\n\n[a](a.md)\n' },
      { name: 'a', markdown: '# Guide `A`\n\ntext\n' },
    ];
    const files = renderGuides({ commands, hash: 'feedfacecafebeef' }, guides);
    expect(files.map((f) => f.path)).toEqual(['docs/guides/index.html', 'docs/guides/a.html', 'docs/guides/style.css']);
    for (const f of files) expect(text(f.content).slice(0, 400)).toContain(`${HEADER_MARKER}feedfacecafebeef`);
    const a = text(files[1].content);
    expect(guideTitle(guides[1])).toBe('Guide A');
    expect(a).toContain('<title>Guide A · dockgate docs</title>');
    expect(a).toContain('<link rel="stylesheet" href="style.css">');
    expect(a).toContain('<a href="a.html" aria-current="page">Guide A</a>');
    expect(a).not.toContain('<script');
  });
});
