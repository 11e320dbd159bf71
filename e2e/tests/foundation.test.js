// Foundation browser tests: sign-in, language switch, the map, and grid-scoped access.
// Run with `npm test --prefix e2e` (scripts/test does it); ONEGRID_BIN names the binary.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.js';
import {
  launchBrowser, newPage, screenshot, waitUntil, htmlLang, signIn,
} from '../lib/browser.js';

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;

before(async () => {
  server = await startServer({ name: 'foundation' });
  browser = await launchBrowser();
}, { timeout: 240_000 });

after(async () => {
  await browser?.close().catch(() => {});
  await server?.stop();
});

/**
 * Run `fn` with a fresh browser context; on failure add a screenshot, the page's
 * errors and the tail of the server's output to the error.
 */
async function withPage(name, fn, opts) {
  const { context, page } = await newPage(browser, opts);
  try {
    await fn(page);
  } catch (err) {
    const shot = await screenshot(page, `${name}-FAILED.png`).catch(() => '(no screenshot)');
    const extra = [
      `page url: ${page.url()}`,
      `screenshot: ${shot}`,
      `page errors:\n${page.consoleErrors.join('\n') || '(none)'}`,
      `--- server output (tail) ---\n${server.logs().slice(-6000)}`,
    ].join('\n');
    if (err instanceof Error) err.message += `\n${extra}`;
    throw err;
  } finally {
    await context.close().catch(() => {});
  }
}

const MICRO_GRID_PATH = /^\/territory\/micro-grids\/[^/]+\/?$/;

test('i1 sign in, switch language, open the map and click a micro-grid', { timeout: 300_000 }, async () => {
  const creds = await server.credential('street_admin');

  await withPage('i1', async (page) => {
    // --- login form ---
    const loginRes = await page.goto(server.url('/login'));
    assert.equal(loginRes?.status(), 200, 'GET /login');
    for (const sel of [
      'form#login-form',
      'form#login-form input[name=username]',
      'form#login-form input[name=password]',
      'form#login-form button[type=submit]',
    ]) {
      assert.ok(await page.locator(sel).first().isVisible(), `${sel} is shown on /login`);
    }

    // --- sign in as street_admin -> "/" with the main navigation ---
    const landed = await signIn(page, server.baseUrl, creds);
    assert.equal(new URL(landed).pathname, '/', 'after sign-in the browser is on /');
    await page.locator('nav#main-nav').waitFor({ state: 'visible' });

    // --- zh-CN by default; a#lang-switch switches to English and it is remembered ---
    assert.equal(await htmlLang(page), 'zh-CN', 'html[lang] is zh-CN by default');
    await page.locator('a#lang-switch').click();
    await waitUntil('html[lang="en"] after clicking a#lang-switch',
      async () => (await htmlLang(page)) === 'en');
    await page.waitForLoadState('load');

    const homeRes = await page.goto(server.url('/'));
    assert.equal(homeRes?.status(), 200, 'GET / after switching language');
    assert.equal(await htmlLang(page), 'en', 'the language choice is remembered across requests');
    await page.locator('nav#main-nav').waitFor({ state: 'visible' });
    await screenshot(page, 'home-en.png');

    // --- the map: one SVG path.mg-polygon per micro-grid ---
    const mapRes = await page.goto(server.url('/map'));
    assert.equal(mapRes?.status(), 200, 'GET /map');
    await page.locator('div#map').waitFor({ state: 'attached' });
    await page.waitForFunction(
      () => document.querySelectorAll('path.mg-polygon').length >= 300,
      null,
      { timeout: 90_000, polling: 250 },
    );
    const polygons = await page.locator('path.mg-polygon').count();
    assert.ok(polygons >= 300, `at least 300 micro-grid polygons (got ${polygons})`);
    await page.locator('div#map').scrollIntoViewIfNeeded();
    await screenshot(page, 'map.png', { fullPage: false });

    // --- click a micro-grid -> its unit page ---
    // A real mouse click on the first polygon whose bounding-box centre is in the viewport
    // and actually hits that polygon; if none qualifies (or nothing happens), dispatch a
    // click event on the first polygon.
    const target = await page.evaluate(() => {
      const paths = Array.from(document.querySelectorAll('path.mg-polygon'));
      const vw = window.innerWidth;
      const vh = window.innerHeight;
      for (let i = 0; i < paths.length; i += 1) {
        const r = paths[i].getBoundingClientRect();
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        if (r.width < 2 || r.height < 2 || x <= 0 || y <= 0 || x >= vw || y >= vh) continue;
        if (document.elementFromPoint(x, y) === paths[i]) return { index: i, x, y };
      }
      return null;
    });
    const onMicroGrid = (u) => MICRO_GRID_PATH.test(u.pathname);
    let navigated = false;
    if (target) {
      try {
        await Promise.all([
          page.waitForURL(onMicroGrid, { timeout: 15_000 }),
          page.mouse.click(target.x, target.y),
        ]);
        navigated = true;
      } catch {
        navigated = onMicroGrid(new URL(page.url()));
      }
    }
    if (!navigated) {
      await Promise.all([
        page.waitForURL(onMicroGrid, { timeout: 30_000 }),
        page.locator('path.mg-polygon').first().dispatchEvent('click'),
      ]);
    }
    await page.waitForLoadState('load');
    assert.match(new URL(page.url()).pathname, MICRO_GRID_PATH);
    await page.locator('[data-testid=unit-page]').waitFor({ state: 'visible' });
    const h1 = page.locator('h1').first();
    await h1.waitFor({ state: 'visible' });
    assert.ok((await h1.innerText()).trim().length > 0, 'the micro-grid page has a non-empty h1');
    await screenshot(page, 'micro-grid.png');
  });
});

test("r4 grid worker cannot open another grid's residents in the UI", { timeout: 120_000 }, async () => {
  const creds = await server.credential('grid_worker');
  const forbiddenPath = await server.printed('FORBIDDEN_URL_FOR', 'grid_worker');
  const forbiddenText = await server.printed('FORBIDDEN_TEXT_FOR', 'grid_worker');
  assert.ok(forbiddenText.length >= 2, `FORBIDDEN_TEXT_FOR is too short to test: "${forbiddenText}"`);

  await withPage('r4', async (page) => {
    const landed = await signIn(page, server.baseUrl, creds);
    assert.notEqual(new URL(landed).pathname, '/login', 'grid_worker is signed in');

    const res = await page.goto(server.url(forbiddenPath));
    assert.ok(res, `GET ${forbiddenPath} got a response`);
    assert.ok([403, 404].includes(res.status()),
      `GET ${forbiddenPath} as grid_worker must be 403 or 404, got ${res.status()} (${res.url()})`);
    const body = await res.text();
    assert.ok(!body.includes(forbiddenText),
      `the response body of ${forbiddenPath} must not contain "${forbiddenText}"`);
    const shown = await page.locator('body').innerText().catch(() => '');
    assert.ok(!shown.includes(forbiddenText),
      `the page shown for ${forbiddenPath} must not contain "${forbiddenText}"`);
  });
});
