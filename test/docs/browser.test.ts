/**
 * The served docs in a real browser (issue 4 item 4): the real gateway (`startGateway`, port 0,
 * temp SQLite, embedded broker) serves `/docs` (the Redoc API reference) and `/docs/guides/*.html`
 * (the Markdown guides), and headless Chromium (Debian's `chromium`, driven by playwright-core)
 * checks that
 * - no page logs a console error, throws, or has a request fail;
 * - the reference lists all 9 domains and every command type;
 * - a sample command shows its cURL, TypeScript and Go samples: the request-sample menu of
 *   `createCommand` (each language picked in turn) and the per-command section of `cover_open`;
 * - each guide renders its title, and every link between the served pages (fragments included)
 *   resolves.
 *
 * Without `/usr/bin/chromium` (override with CHROMIUM_PATH) the suite is skipped, except under
 * CI=true where it fails with the install command.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guideTitle, orderGuides, readGuides, type Guide } from '../../generator/emitters/guides.js';
import { loadConfig } from '../../server/config.js';
import { startGateway, type Gateway } from '../../server/main.js';
import { commands, DOMAINS } from '../../spec/catalog.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Redoc renders the whole catalog client-side: allow it time on a slow CI machine. */
const REDOC_READY_MS = 30_000;

if (!haveChromium && inCi) {
  describe('docs in a browser', () => {
    it('needs Chromium', () => {
      throw new Error(`${CHROMIUM} is missing: install it with "apt-get update && apt-get install -y chromium" (.ci/run does this), or set CHROMIUM_PATH.`);
    });
  });
}

describe.skipIf(!haveChromium)('docs in a browser', () => {
  let gw: Gateway;
  let dataDir: string;
  let browser: Browser;
  let guides: Guide[];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'dockgate-docs-'));
    guides = orderGuides(await readGuides());
    [gw, browser] = await Promise.all([
      startGateway(loadConfig([], { PORT: '0', MQTT_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEV_CREDENTIAL: 'false', SHUTDOWN_TIMEOUT_MS: '1000' })),
      chromium.launch({ executablePath: CHROMIUM, args: ARGS }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await gw?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** A fresh page that records console errors, uncaught exceptions, failed requests and HTTP errors. */
  async function open(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    return { page, problems };
  }

  /** Wait until `el` is in the viewport and stops moving (two equal positions 100 ms apart). */
  async function settled(page: Page, el: ReturnType<Page['locator']>): Promise<void> {
    await el.scrollIntoViewIfNeeded();
    let prev: { x: number; y: number } | null = null;
    for (let i = 0; i < 50; i++) {
      const box = await el.boundingBox();
      if (box && prev && Math.abs(box.y - prev.y) < 1 && Math.abs(box.x - prev.x) < 1) return;
      prev = box;
      await page.waitForTimeout(100);
    }
  }

  /** Load the reference and wait until Redoc has rendered its menu. */
  async function openReference(): Promise<{ page: Page; problems: string[] }> {
    const o = await open();
    await o.page.goto(`${gw.url}/docs`, { waitUntil: 'load' });
    await o.page.locator('.menu-content').getByText('Commands: device', { exact: true }).waitFor({ timeout: REDOC_READY_MS });
    return o;
  }

  it('serves the API reference with every domain and every command type, without console errors', async () => {
    const { page, problems } = await openReference();
    const menu = await page.locator('.menu-content').innerText();
    const labels = new Set(menu.split('\n').map((l) => l.trim()));
    for (const d of DOMAINS) expect(labels, `domain ${d} in the reference menu`).toContain(`Commands: ${d}`);
    const missing = commands.map((c) => c.command_type).filter((t) => !labels.has(t));
    expect(missing, 'command types missing from the reference menu').toEqual([]);
    for (const label of ['Downlink commands', 'Device requests']) expect(labels).toContain(label);
    await page.waitForTimeout(300); // late resource loads (images) would report here
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows the cURL, TypeScript and Go samples of a command', async () => {
    const { page, problems } = await openReference();
    const menu = page.locator('.menu-content');

    // The create operation: Redoc's request-sample panel has a language menu; pick each language.
    await menu.getByText('Downlink commands', { exact: true }).click();
    await menu.getByText('Create a downlink command', { exact: true }).click();
    const samples = page.locator('pre');
    await expect.poll(async () => (await samples.allInnerTexts()).join('\n'), { timeout: 10_000 }).toContain('curl -sS -X POST');
    const picker = page.getByRole('button', { name: 'cURL', exact: true });
    const expected: Record<string, string[]> = {
      TypeScript: ['createDockgateClient', 'client.commands.', 'waitForCommand'],
      Go: ['package main', 'hmac.New(sha256.New', 'X-Api-Signature'],
      cURL: ['openssl dgst -sha256 -hmac', 'X-Api-Signature: $SIG'],
    };
    let current = picker;
    for (const [lang, needles] of Object.entries(expected)) {
      // Redoc scrolls smoothly to the operation; a menu opened mid-scroll ends up off screen.
      await settled(page, current);
      await current.click();
      await page.getByRole('menuitem', { name: lang, exact: true }).click();
      for (const n of needles) await expect.poll(async () => (await samples.allInnerTexts()).join('\n'), { timeout: 5000, message: `${lang} sample shows ${n}` }).toContain(n);
      current = page.getByRole('button', { name: lang, exact: true });
    }

    // A command's own section (one per command type) carries the same three samples for that command.
    await menu.getByText('cover_open', { exact: true }).click();
    const own: Record<string, string[]> = {
      'cover_open/curl': ['"command_type":"cover_open"', 'openssl dgst -sha256 -hmac', 'curl -sS -X POST'],
      'cover_open/typescript': ['createDockgateClient', 'client.commands.cover_open({', 'waitForCommand'],
      'cover_open/go': ['package main', '"command_type":"cover_open"', 'hmac.New(sha256.New'],
    };
    for (const [id, needles] of Object.entries(own)) {
      const block = page.locator(`[id="${id}"]`);
      await block.waitFor({ timeout: 10_000 });
      await block.scrollIntoViewIfNeeded();
      const text = await block.innerText();
      for (const n of needles) expect(text, `${id} shows ${n}`).toContain(n);
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it('renders every guide with its title and navigation, without console errors', async () => {
    expect(guides.map((g) => g.name)).toEqual(expect.arrayContaining(['index', 'quickstart', 'signing', 'lifecycle', 'progress', 'device-requests', 'scenarios']));
    const { page, problems } = await open();
    const links = new Set<string>();
    const idsByPage = new Map<string, Set<string>>();
    for (const g of guides) {
      const url = `${gw.url}/docs/guides/${g.name}.html`;
      const res = await page.goto(url, { waitUntil: 'load' });
      expect(res?.status(), url).toBe(200);
      const title = guideTitle(g);
      expect(await page.locator('main h1').first().textContent(), `h1 of ${g.name}`).toContain(title);
      expect(await page.title()).toBe(`${title} · dockgate docs`);
      // The stylesheet applied (it is a separate file): the sidebar is laid out beside the content.
      expect(await page.locator('nav.side').evaluate((e) => getComputedStyle(e).borderRightStyle)).toBe('solid');
      // Navigation lists every guide.
      const nav = await page.locator('nav.side > ul').first().locator(':scope > li > a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(nav).toEqual(guides.map((x) => `${x.name}.html`));
      idsByPage.set(new URL(url).pathname, new Set(await page.evaluate(() => [...document.querySelectorAll('[id]')].map((e) => e.id))));
      for (const href of await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))) {
        if (href.startsWith(gw.url)) links.add(href);
      }
    }
    expect(problems).toEqual([]);
    await page.close();

    // Every same-site link resolves; a fragment into a guide names an element of that guide.
    const broken: string[] = [];
    for (const href of [...links].sort()) {
      const u = new URL(href);
      const res = await fetch(`${u.origin}${u.pathname}${u.search}`);
      await res.arrayBuffer();
      if (res.status !== 200) broken.push(`${href} → ${res.status}`);
      else if (u.hash && idsByPage.has(u.pathname) && !idsByPage.get(u.pathname)!.has(decodeURIComponent(u.hash.slice(1)))) broken.push(`${href} → no element #${u.hash.slice(1)}`);
    }
    expect(broken).toEqual([]);
  }, 60_000);

  it('links the docs home to every guide and to the reference', async () => {
    const { page, problems } = await open();
    await page.goto(`${gw.url}/docs/guides/index.html`, { waitUntil: 'load' });
    const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const g of guides.filter((x) => x.name !== 'index')) expect(hrefs, `docs home links ${g.name}`).toContain(`${g.name}.html`);
    expect(hrefs).toContain('../');
    await page.locator('main a[href="../"]').first().click();
    await page.locator('.menu-content').waitFor({ timeout: REDOC_READY_MS });
    expect(new URL(page.url()).pathname).toBe('/docs/');
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
