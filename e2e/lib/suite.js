// One server (the demo, on a fresh data directory) and one browser per test file, and
// `withPage`, which runs a test step in a fresh browser context and, when it fails, adds a
// screenshot, the page's script errors and the tail of the server's output to the error.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './server.js';
import { launchBrowser, newPage, screenshot } from './browser.js';

export function suite(name) {
  const ctx = {
    /** @type {Awaited<ReturnType<typeof startServer>>} */
    server: undefined,
    /** @type {import('playwright-core').Browser} */
    browser: undefined,
    async withPage(shotName, fn, opts) {
      const { context, page } = await newPage(ctx.browser, opts);
      try {
        await fn(page);
        // Script errors fail the test (a missing /favicon.ico does not).
        assert.deepEqual(page.consoleErrors.filter((e) => e.startsWith('pageerror')), [], 'no script errors');
      } catch (err) {
        const shot = await screenshot(page, `${shotName}-FAILED.png`).catch(() => '(no screenshot)');
        if (err instanceof Error) {
          err.message += `\npage url: ${page.url()}\nscreenshot: ${shot}\npage errors:\n${page.consoleErrors.join('\n') || '(none)'}`
            + `\n--- server output (tail) ---\n${ctx.server.logs().slice(-6000)}`;
        }
        throw err;
      } finally {
        await context.close().catch(() => {});
      }
    },
  };
  before(async () => {
    ctx.server = await startServer({ name });
    ctx.browser = await launchBrowser();
  }, { timeout: 240_000 });
  after(async () => {
    await ctx.browser?.close().catch(() => {});
    await ctx.server?.stop();
  });
  return ctx;
}
