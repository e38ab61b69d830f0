/**
 * A real browser for page tests: playwright-core driving Debian's Chromium (never a downloaded
 * browser), against the app listening on a random local port of a startTestRegistry registry.
 * One browser per test file; each test takes a fresh context (cookies, JavaScript on or off).
 */

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { checkChineseText } from './chinese-page.ts';
import { startTestRegistry, type TestRegistry } from './registry.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Where page tests keep their screenshots (CI keeps this folder). */
export const SCREENSHOTS = 'test-results/screenshots';
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const NARROW = { width: 360, height: 780 };

export interface TestBrowser {
  readonly t: TestRegistry;
  readonly baseUrl: string;
  readonly browser: Browser;
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

export interface TestBrowserOptions {
  /** The port to listen on (0: any free one); a test that must know it before the app exists picks it. */
  readonly port?: number;
  readonly app?: Parameters<typeof startTestRegistry>[1];
}

export async function startTestBrowser(options: TestBrowserOptions = {}): Promise<TestBrowser> {
  // Fail loudly, never skip: a machine without Chromium must not pass the web tests silently.
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: ` +
        'run `apt-get update && apt-get install -y --no-install-recommends chromium` (as root) and rerun the tests',
    );
  }
  const t = await startTestRegistry(undefined, options.app);
  await t.app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // Playwright gives every launch a fresh temporary profile (--user-data-dir) and removes it on close.
    timeout: 30_000,
  });
  return {
    t,
    baseUrl: `http://127.0.0.1:${address.port}`,
    browser,
    newContext: (options = {}) => browser.newContext({ baseURL: `http://127.0.0.1:${address.port}`, ...options }),
    close: async () => {
      await browser.close().catch(() => undefined);
      await t.close();
    },
  };
}

/**
 * axe-core finds nothing, nothing scrolls sideways at 360 px, a Chinese page has no English left in it
 * (chinese-page.ts), and a screenshot is kept at both widths.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await checkChineseText(page, name);
  // Evaluated through the DevTools protocol: the pages' CSP (script-src 'self') refuses an inline script tag.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> };
      }
    ).axe.run();
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
  });
  assert.deepEqual(violations, [], `axe on ${name}`);
  await page.setViewportSize(NARROW);
  const width = await page.evaluate(
    () =>
      (globalThis as unknown as { document: { scrollingElement: { scrollWidth: number } } }).document.scrollingElement
        .scrollWidth,
  );
  assert.ok(width <= NARROW.width, `${name} scrolls sideways at 360 px: ${width}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-360.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}
