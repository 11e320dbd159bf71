// Case handling browser test (issue 3): a resident reports a problem with a photo on a phone,
// anonymously, at a point in the demo grid worker's grid; the grid worker registers, dispatches
// to the grid, accepts, starts and reports it handled with an after photo; the command centre
// (the demo street admin) checks and closes it; the resident rates it on the private link.
// Screenshots go to e2e/artifacts/c*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { suite } from '../lib/suite.js';
import { screenshot, signIn, waitUntil, PHONE } from '../lib/browser.js';

const ctx = suite('cases');
const withPage = ctx.withPage;

const CATEGORY_GROUP = 'E01';
const CATEGORY = 'E0102'; // 暴露垃圾 (exposed rubbish), a leaf of the built-in catalogue
const DESCRIPTION = `小区东门垃圾桶满溢，垃圾堆在路边（e2e ${Date.now()}）`;
const REPLY = '垃圾已清运，桶边已冲洗';

function crc32(buf) {
  let crc = -1;
  for (let i = 0; i < buf.length; i++) {
    crc ^= buf[i];
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ -1) >>> 0;
}

/** An RGB PNG from its filtered rows (filter byte 0, then R G B per pixel). */
function pngFromRows(width, height, raw) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid RGB PNG with a diagonal gradient (what a camera would send, only smaller). */
function png(width, height, [r, g, b]) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const shade = (x + y) / (width + height);
      row.set([Math.round(r * shade), Math.round(g * (1 - shade)), b], 1 + x * 3);
    }
    rows.push(row);
  }
  return pngFromRows(width, height, Buffer.concat(rows));
}

/** A PNG of random pixels: it does not compress, like a camera photo. */
function noise(width, height) {
  const raw = Buffer.alloc((1 + width * 3) * height);
  let x = 2463534242;
  for (let i = 0; i < raw.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    raw[i] = i % (1 + width * 3) === 0 ? 0 : x & 0xff;
  }
  return pngFromRows(width, height, raw);
}

/** JSON from the API, signed in by the session cookie when one is given. */
async function api(path, { cookie, method = 'GET', body } = {}) {
  const res = await fetch(ctx.server.url(`/api/v1${path}`), {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return { json: JSON.parse(text), res };
}

/** A point inside the grid worker's grid: a micro-grid's vertex centroid, checked by /locate. */
async function pointInGridOf(worker) {
  const { res } = await api('/auth/login', { method: 'POST', body: worker });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const me = (await api('/me', { cookie })).json;
  const post = me.posts.find((p) => p.role === 'grid_worker' && p.level === 'grid');
  assert.ok(post, `the demo grid worker holds a grid post: ${JSON.stringify(me.posts)}`);
  for (let page = 1; ; page++) {
    const list = (await api(`/micro-grids?geometry=true&per_page=500&page=${page}`)).json;
    for (const m of list.items.filter((x) => x.grid_id === post.unit_id && x.geometry)) {
      const ring = m.geometry.type === 'Polygon' ? m.geometry.coordinates[0] : m.geometry.coordinates[0][0];
      const pts = ring.slice(0, -1);
      const lng = pts.reduce((s, p) => s + p[0], 0) / pts.length;
      const lat = pts.reduce((s, p) => s + p[1], 0) / pts.length;
      const at = (await api(`/locate?lat=${lat}&lng=${lng}`)).json;
      if (at.grid.id === post.unit_id) return { lat, lng, grid: at.grid.name, microGrid: at.micro_grid.name, community: at.community.name };
    }
    if (page * list.per_page >= list.total) break;
  }
  throw new Error(`no point found in grid ${post.unit_id}`);
}

/** A phone page fits the phone's width: nothing scrolls sideways. */
async function fitsWidth(page, what) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `${what} is ${scroll}px wide on a ${width}px phone`);
}

/** Clicks a submit button and waits for the page the form leads to. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

/** Opens a step's form on the case page and sends it; `fill` fills its fields first. */
async function takeStep(page, action, fill) {
  const details = page.locator(`details.act[data-action="${action}"]`);
  await details.waitFor({ state: 'attached' });
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  if (fill) await fill(details);
  await submit(page, details.locator('button[type=submit]'));
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('done'), action,
    `${action} was taken (now at ${page.url()}): ${await page.locator('#actions').innerText().catch(() => '')}`);
}

test('c1 c4 c6 a resident reports with a photo on a phone, a grid worker handles it, the resident rates it', { timeout: 600_000 }, async () => {
  const worker = await ctx.server.credential('grid_worker');
  const commandCentre = await ctx.server.credential('street_admin');
  const spot = await pointInGridOf(worker);
  let trackUrl;
  let caseId;

  // --- The resident, on a phone, without an account.
  await withPage('c1-resident', async (page) => {
    const origin = ctx.server.baseUrl;
    await page.context().grantPermissions(['geolocation'], { origin });
    await page.context().setGeolocation({ latitude: spot.lat, longitude: spot.lng, accuracy: 10 });
    const res = await page.goto(ctx.server.url('/report'));
    assert.equal(res?.status(), 200, 'GET /report without signing in');
    await page.selectOption('#category-group', CATEGORY_GROUP);
    await page.selectOption('#category', CATEGORY);
    await page.fill('textarea[name=description]', DESCRIPTION);
    // The map shows the micro-grids; a tap places the pin, "use my location" moves it to the phone's position.
    await page.waitForFunction(() => document.querySelectorAll('#pick-map path[data-micro-grid-id]').length >= 100,
      null, { timeout: 90_000, polling: 250 });
    await page.locator('#pick-map').click();
    await waitUntil('a pin from the tap', async () => (await page.inputValue('#lat')) !== '');
    await page.click('#use-location');
    await waitUntil('the pin at the phone\'s position', async () =>
      Math.abs(Number(await page.inputValue('#lat')) - spot.lat) < 1e-5
      && Math.abs(Number(await page.inputValue('#lng')) - spot.lng) < 1e-5);
    await waitUntil('the place named under the map', async () =>
      (await page.locator('#pin-status').innerText()).includes(spot.microGrid));
    assert.match(await page.locator('#pin-status').getAttribute('class'), /ok/);
    // A camera-sized photo is scaled down before it is sent.
    const big = noise(2400, 1800);
    assert.ok(big.length > 2 * 1024 * 1024);
    await page.setInputFiles('#photos', { name: 'camera.png', mimeType: 'image/png', buffer: big });
    await waitUntil('the large photo scaled down', async () => page.$eval('#photos', (i) =>
      !i.dataset.shrinking && i.files.length === 1 && i.files[0].type === 'image/jpeg'));
    const shrunk = await page.$eval('#photos', (i) => ({ name: i.files[0].name, size: i.files[0].size }));
    assert.equal(shrunk.name, 'camera.jpg');
    assert.ok(shrunk.size < big.length / 2, `scaled to ${shrunk.size} bytes from ${big.length}`);
    await page.setInputFiles('#photos', { name: 'rubbish.png', mimeType: 'image/png', buffer: png(160, 120, [200, 16, 46]) });
    await page.locator('#photo-previews img').waitFor({ state: 'visible' });
    await page.check('input[name=anonymous]');
    await fitsWidth(page, 'the report form');
    await screenshot(page, 'c1-report-phone.png');

    await submit(page, page.locator('#report-form button[type=submit]'));
    const url = new URL(page.url());
    assert.match(url.pathname, /^\/track\/[0-9a-f]{64}$/, 'redirected to the private tracking page');
    assert.equal(url.searchParams.get('new'), '1');
    await page.locator('#tracking-link').waitFor({ state: 'visible' });
    const link = await page.inputValue('#track-link');
    assert.equal(link, `${origin}${url.pathname}`, 'the whole link is shown to copy');
    trackUrl = link;
    assert.equal(await page.locator('#case-status').getAttribute('data-status'), 'received');
    const photo = page.locator('.photos img').first();
    await photo.waitFor({ state: 'visible' });
    assert.ok(await photo.evaluate((img) => img.complete && img.naturalWidth === 160), 'the photo is shown from the private link');
    const number = (await page.locator('h1 small').innerText()).trim();
    assert.match(number, /^\d{4}-\d{6}$/);
    caseId = Number(number.split('-')[1]);
    await fitsWidth(page, 'the tracking page with its link');
    await screenshot(page, 'c6-track-received-phone.png');
  }, { viewport: PHONE, isMobile: true });

  // --- The grid worker, on a phone: told of the new case, takes it through to handled.
  await withPage('c4-worker', async (page) => {
    await signIn(page, ctx.server.baseUrl, worker);
    const badge = page.locator('#nav-cases .badge').first();
    assert.ok(Number(await badge.innerText()) >= 1, 'the navigation counts the open cases');
    // The work list holds the new case (overdue ones come first; it may be on a later page).
    await page.goto(ctx.server.url('/cases'));
    let listed = false;
    for (let i = 0; i < 100; i++) {
      listed = (await page.locator(`#case-list li[data-case="${caseId}"]`).count()) > 0;
      const next = page.locator('.pager a[rel=next]');
      if (listed || (await next.count()) === 0) break;
      await submit(page, next);
    }
    assert.ok(listed, `case ${caseId} is on the grid worker's list`);
    await fitsWidth(page, 'the work list');
    await screenshot(page, 'c3-worker-list-phone.png');
    await page.goto(ctx.server.url('/notifications'));
    const notice = page.locator(`#notifications li[data-kind=new_case] a[href="/cases/${caseId}"]`).first();
    await submit(page, notice);
    assert.equal(new URL(page.url()).pathname, `/cases/${caseId}`);
    assert.match(await page.locator('.case-summary').innerText(), new RegExp(spot.microGrid));
    await page.locator('.photos figure[data-purpose=report] img').waitFor({ state: 'visible' });
    await page.locator('#case-map path[data-micro-grid-id]').first().waitFor({ state: 'attached', timeout: 90_000 });
    await fitsWidth(page, 'the case page');
    await screenshot(page, 'c4-worker-case-phone.png');

    await takeStep(page, 'register');
    await takeStep(page, 'dispatch', async (form) => {
      await form.locator('select[name=to_tier]').selectOption('grid');
    });
    await takeStep(page, 'accept');
    await takeStep(page, 'start', async (form) => {
      await form.locator('textarea[name=note]').fill('已到现场');
    });
    await takeStep(page, 'handle', async (form) => {
      await form.locator('textarea[name=reply]').fill(REPLY);
      await form.locator('input[name=photos]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: png(160, 120, [30, 122, 60]) });
    });
    assert.equal(await page.locator('#case-status').getAttribute('data-status'), 'handled');
    assert.equal(await page.locator('details.act').count(), 0, 'the handler does not check their own work');
    await page.locator('.photos figure[data-purpose=after] img').waitFor({ state: 'visible' });
    const steps = await page.locator('#timeline li[data-action]').evaluateAll((els) => els.map((e) => e.dataset.action));
    assert.deepEqual(steps, ['register', 'dispatch', 'accept', 'start', 'handle']);
    await fitsWidth(page, 'the handled case');
    await screenshot(page, 'c4-worker-handled-phone.png');
  }, { viewport: PHONE, isMobile: true });

  // --- The command centre checks the result and closes the case.
  await withPage('c4-command-centre', async (page) => {
    await signIn(page, ctx.server.baseUrl, commandCentre);
    await page.goto(ctx.server.url(`/cases/${caseId}`));
    await takeStep(page, 'verify');
    await takeStep(page, 'close');
    assert.equal(await page.locator('#case-status').getAttribute('data-status'), 'closed');
    assert.match(await page.locator('#final-reply').innerText(), new RegExp(REPLY));
    await screenshot(page, 'c4-command-centre-closed.png');
    // The weekly case meeting list of the case's community (C11) has it: received this week.
    await page.goto(ctx.server.url('/cases/weekly'));
    await page.selectOption('select[name=community_id]', { label: spot.community });
    await submit(page, page.locator('form.weekly-pick button[type=submit]'));
    await page.locator(`#weekly-list tr[data-case="${caseId}"]`).waitFor({ state: 'attached' });
    await screenshot(page, 'c11-weekly-list.png');
  });

  // --- The resident follows the link, reads the reply and rates.
  await withPage('c6-resident', async (page) => {
    const res = await page.goto(trackUrl);
    assert.equal(res?.status(), 200);
    assert.equal(await page.locator('#case-status').getAttribute('data-status'), 'closed');
    assert.match(await page.locator('#final-reply').innerText(), new RegExp(REPLY));
    const steps = await page.locator('#timeline li[data-action]').evaluateAll((els) => els.map((e) => e.dataset.action));
    assert.deepEqual(steps, ['register', 'dispatch', 'accept', 'start', 'handle', 'verify', 'close']);
    assert.equal(await page.locator('.photos img').count(), 2, 'the report photo and the after photo');
    await page.locator('#rate-form input[name=rating][value="5"]').check();
    await page.fill('#rate-form textarea[name=comment]', '处理很及时，谢谢网格员');
    await screenshot(page, 'c6-track-closed-phone.png');
    await submit(page, page.locator('#rate-form button[type=submit]'));
    assert.equal(new URL(page.url()).searchParams.get('rated'), '1');
    assert.equal(await page.locator('#rate-form').count(), 0, 'rated once');
    assert.equal((await page.locator('#rating .stars').innerText()).trim(), '★★★★★');
    await fitsWidth(page, 'the rated tracking page');
    await screenshot(page, 'c6-track-rated-phone.png');
  }, { viewport: PHONE, isMobile: true });
});
