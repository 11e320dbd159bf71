// G1–G2 in the browser: a street administrator proposes a division of a demo grid, sees the
// current and the proposed division on two maps with both quality reports, and accepts it.
// Run with `npm test --prefix e2e` (scripts/test does it); ONEGRID_BIN names the binary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite } from '../lib/suite.js';
import { screenshot, signIn, PHONE } from '../lib/browser.js';

const ctx = suite('partition');
const withPage = ctx.withPage;

test('g1 propose a division, compare it on two maps, accept it', { timeout: 300_000 }, async () => {
  const creds = await ctx.server.credential('street_admin');
  let proposal;
  await withPage('g1-partition', async (page) => {
    await signIn(page, ctx.server.baseUrl, creds);
    const res = await page.goto(ctx.server.url('/partition'));
    assert.equal(res?.status(), 200, 'GET /partition');
    // The first grid of the first community (options list communities, each before its grids).
    const value = await page.locator('select[name=area_id] option').nth(1).getAttribute('value');
    await page.selectOption('select[name=area_id]', value);
    await page.fill('input[name=cap]', '25');
    await Promise.all([page.waitForURL(/\/partition\/\d+$/), page.locator('#partition-form button[type=submit]').click()]);
    proposal = new URL(page.url()).pathname;
    await page.waitForFunction(
      () => document.querySelectorAll('#map-current path[data-micro-grid-id]').length > 0
        && document.querySelectorAll('#map-proposed path[data-part]').length > 0,
      null, { timeout: 60_000, polling: 250 },
    );
    const current = await page.locator('#map-current path[data-micro-grid-id]').count();
    const proposed = await page.locator('#map-proposed path[data-part]').count();
    assert.ok(proposed > current, `more proposed micro-grids (${proposed}) than now (${current}) under a cap of 25`);
    assert.ok(await page.locator('[data-testid=partition-reports]').isVisible());
    await screenshot(page, 'partition-proposal.png');
  });
  await withPage('g1-partition-phone', async (page) => {
    await signIn(page, ctx.server.baseUrl, creds);
    await page.goto(ctx.server.url(proposal));
    await page.locator('#map-proposed path[data-part]').first().waitFor({ state: 'attached' });
    await screenshot(page, 'partition-proposal-phone.png');
  }, { viewport: PHONE, isMobile: true });
  await withPage('g1-partition-accept', async (page) => {
    await signIn(page, ctx.server.baseUrl, creds);
    await page.goto(ctx.server.url(proposal));
    page.once('dialog', (d) => d.accept());
    await Promise.all([page.waitForURL((u) => u.pathname === proposal), page.locator('#accept-proposal').click()]);
    await page.locator('[data-testid=partition-outcome]').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#accept-proposal').count(), 0, 'an accepted proposal cannot be accepted again');
    await screenshot(page, 'partition-accepted.png');
  });
});
