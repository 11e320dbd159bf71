// Participation browser test (issue 4): a resident takes a volunteer task on the phone, the
// grid worker confirms and evaluates it, the points appear, and the resident redeems an item.
// Screenshots go to e2e/artifacts/p*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { suite } from '../lib/suite.js';
import { screenshot, signIn, PHONE } from '../lib/browser.js';

const ctx = suite('participation');
const withPage = ctx.withPage;

async function gridPoints(page) {
  await page.goto(ctx.server.url('/points'));
  return Number(await page.locator('[data-currency=grid_points]').first().innerText());
}

/** Submits the form around `button` and waits for the page it leads to. */
async function submit(page, button) {
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), button.click()]);
}

const TASK = '楼道杂物清理';

test('p5 a resident claims a task, the organiser confirms it, points appear, the resident redeems', { timeout: 300_000 }, async () => {
  const resident = await ctx.server.credential('resident');
  const worker = await ctx.server.credential('grid_worker');
  let before;

  await withPage('p5-resident', async (page) => {
    await signIn(page, ctx.server.baseUrl, resident);
    before = await gridPoints(page);
    const res = await page.goto(ctx.server.url('/tasks'));
    assert.equal(res?.status(), 200);
    const card = page.locator('section.task', { hasText: TASK }).first();
    await submit(page, card.locator('button[type=submit]'));
    const claim = page.locator('section.claim', { hasText: TASK }).first();
    assert.match(await claim.innerText(), /已认领/);
    await submit(page, claim.locator('form[action$="/check-in"] button'));
    await submit(page, page.locator('section.claim', { hasText: TASK }).first().locator('form[action$="/check-out"] button'));
    assert.match(await page.locator('section.claim', { hasText: TASK }).first().innerText(), /已签退/);
    await screenshot(page, 'p5-resident-checked-out.png');
  }, { viewport: PHONE, isMobile: true });

  await withPage('p5-organiser', async (page) => {
    await signIn(page, ctx.server.baseUrl, worker);
    await page.goto(ctx.server.url('/tasks/manage'));
    await submit(page, page.locator('a', { hasText: TASK }).first());
    const row = page.locator('tr[data-claim]', { has: page.locator('form[action$="/confirm"]') }).first();
    await row.locator('input[name=minutes]').fill('120');
    await submit(page, row.locator('form[action$="/confirm"] button'));
    const toEvaluate = page.locator('tr[data-claim]', { has: page.locator('form[action$="/evaluate"]') }).first();
    await submit(page, toEvaluate.locator('form[action$="/evaluate"] button'));
    assert.match(await page.locator('table').innerText(), /已评价/);
    await screenshot(page, 'p5-organiser-evaluated.png');
  });

  await withPage('p3-resident', async (page) => {
    await signIn(page, ctx.server.baseUrl, resident);
    const after = await gridPoints(page);
    assert.equal(after, before + 2, 'the evaluation credited the task\'s 2 points');
    await screenshot(page, 'p1-resident-points.png');
    await page.goto(ctx.server.url('/store'));
    await screenshot(page, 'p3-store-phone.png');
    const affordable = page.locator('section.item form[action$="/redeem"] button').first();
    await submit(page, affordable);
    assert.match(new URL(page.url()).pathname, /^\/points$/);
    const voucher = await page.locator('#new-voucher .voucher').innerText();
    assert.match(voucher, /^[2-9A-Z]{10}$/);
    assert.ok((await gridPoints(page)) < after, 'the redemption debited the points');
    await page.goto(ctx.server.url(`/points?voucher=${voucher}`));
    await screenshot(page, 'p3-resident-voucher.png');
  }, { viewport: PHONE, isMobile: true });
});
