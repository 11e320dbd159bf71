// Foundation browser tests: sign-in, language switch, the map, and grid-scoped access.
// Run with `npm test --prefix e2e` (scripts/test does it); ONEGRID_BIN names the binary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite } from '../lib/suite.js';
import {
  screenshot, waitUntil, htmlLang, signIn,
} from '../lib/browser.js';

const ctx = suite('foundation');
const withPage = ctx.withPage;

const MICRO_GRID_PATH = /^\/territory\/micro-grids\/[^/]+\/?$/;

test('i1 sign in, switch language, open the map and click a micro-grid', { timeout: 300_000 }, async () => {
  const creds = await ctx.server.credential('street_admin');

  await withPage('i1', async (page) => {
    // --- login form ---
    const loginRes = await page.goto(ctx.server.url('/login'));
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
    const landed = await signIn(page, ctx.server.baseUrl, creds);
    assert.equal(new URL(landed).pathname, '/', 'after sign-in the browser is on /');
    await page.locator('nav#main-nav').waitFor({ state: 'visible' });

    // --- zh-CN by default; a#lang-switch switches to English and it is remembered ---
    assert.equal(await htmlLang(page), 'zh-CN', 'html[lang] is zh-CN by default');
    await page.locator('a#lang-switch').click();
    await waitUntil('html[lang="en"] after clicking a#lang-switch',
      async () => (await htmlLang(page)) === 'en');
    await page.waitForLoadState('load');

    const homeRes = await page.goto(ctx.server.url('/'));
    assert.equal(homeRes?.status(), 200, 'GET / after switching language');
    assert.equal(await htmlLang(page), 'en', 'the language choice is remembered across requests');
    await page.locator('nav#main-nav').waitFor({ state: 'visible' });
    await screenshot(page, 'home-en.png');

    // --- the map: one SVG path.mg-polygon per micro-grid ---
    const mapRes = await page.goto(ctx.server.url('/map'));
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
  const creds = await ctx.server.credential('grid_worker');
  const forbiddenPath = await ctx.server.printed('FORBIDDEN_URL_FOR', 'grid_worker');
  const forbiddenText = await ctx.server.printed('FORBIDDEN_TEXT_FOR', 'grid_worker');
  assert.ok(forbiddenText.length >= 2, `FORBIDDEN_TEXT_FOR is too short to test: "${forbiddenText}"`);

  await withPage('r4', async (page) => {
    const landed = await signIn(page, ctx.server.baseUrl, creds);
    assert.notEqual(new URL(landed).pathname, '/login', 'grid_worker is signed in');

    const res = await page.goto(ctx.server.url(forbiddenPath));
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
