// Launch the system Chromium through playwright-core (no browser download) and small page helpers.
//
// Environment:
//   CHROMIUM_BIN   path of chromium (default /usr/bin/chromium)

import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ARTIFACTS_DIR } from './server.js';

export { ARTIFACTS_DIR };

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser() {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/**
 * A fresh context (own cookies) and page. The browser asks for Chinese first
 * (Accept-Language: zh-CN), like the users OneGrid is made for.
 * @param {import('playwright-core').Browser} browser
 * @param {{ viewport?: {width:number,height:number}, locale?: string, isMobile?: boolean }} [opts]
 */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({
    viewport: opts.viewport ?? DESKTOP,
    locale: opts.locale ?? 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    isMobile: opts.isMobile ?? false,
    hasTouch: opts.isMobile ?? false,
  });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`console.error: ${msg.text()}`);
  });
  page.consoleErrors = consoleErrors;
  return { context, page };
}

/** Screenshot into e2e/artifacts/<name>. */
export async function screenshot(page, name, opts = {}) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true, animations: 'disabled' });
  return file;
}

/**
 * Poll `fn` (errors count as "not yet", e.g. while a navigation replaces the document)
 * until it returns a truthy value; returns that value.
 */
export async function waitUntil(what, fn, { timeout = 30_000, interval = 100 } = {}) {
  const start = Date.now();
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > timeout) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Current value of <html lang>, or null while the document is being replaced. */
export async function htmlLang(page) {
  try {
    return await page.evaluate(() => document.documentElement.getAttribute('lang'));
  } catch {
    return null;
  }
}

/**
 * Sign in through the login form. Returns the page URL after the redirect.
 * @param {import('playwright-core').Page} page
 */
export async function signIn(page, baseUrl, { username, password }) {
  const res = await page.goto(new URL('/login', baseUrl).toString());
  if (!res || res.status() !== 200) {
    throw new Error(`GET /login answered ${res ? res.status() : 'nothing'}`);
  }
  await page.locator('form#login-form').waitFor({ state: 'visible' });
  await page.locator('form#login-form input[name=username]').fill(username);
  await page.locator('form#login-form input[name=password]').fill(password);
  try {
    await Promise.all([
      page.waitForURL((u) => u.pathname !== '/login', { waitUntil: 'load', timeout: 30_000 }),
      page.locator('form#login-form button[type=submit]').click(),
    ]);
  } catch (err) {
    const text = await page.locator('body').innerText().catch(() => '');
    throw new Error(`sign-in as ${username} did not leave /login (now at ${page.url()}): ${err.message}\n` +
      `page text: ${text.slice(0, 500)}`);
  }
  return page.url();
}
