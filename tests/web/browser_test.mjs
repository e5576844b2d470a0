// The web page in a real browser (Debian's chromium, driven by playwright-core) against the real
// gateway, registry and search with the sample data. Run by tests/integration/web_browser_test.cc,
// which starts the system and passes:
//   IBASHO_URL        the gateway, e.g. http://127.0.0.1:40123
//   IBASHO_PHASE      "main" (everything) or "api-down" (search has been stopped)
//   IBASHO_ARTIFACTS  where screenshots go
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDir = path.resolve(here, '../../clients/web');
const require = createRequire(path.join(webDir, 'package.json'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const BASE = process.env.IBASHO_URL;
const PHASE = process.env.IBASHO_PHASE || 'main';
const ARTIFACTS = process.env.IBASHO_ARTIFACTS || path.resolve('web-artifacts');
const CHROMIUM = process.env.IBASHO_CHROMIUM || '/usr/bin/chromium';
assert.ok(BASE, 'IBASHO_URL is required');
mkdirSync(ARTIFACTS, { recursive: true });

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const DESKTOP = { viewport: { width: 1280, height: 900 } };
const NERIMA_STATION = { latitude: 35.7377, longitude: 139.6541 };

let browser;
const hostsSeen = new Set();
const problems = [];  // console errors and CSP violations, with the page they came from

async function open(device = PHONE, url = '/', extra = {}) {
  const context = await browser.newContext({ ...device, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', ...extra });
  const page = await context.newPage();
  page.on('request', (r) => hostsSeen.add(new URL(r.url()).hostname));
  page.on('console', (m) => {
    // Map tiles point at a closed loopback port on purpose (no request may leave 127.0.0.1).
    if (m.type() === 'error' && !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${page.url()}: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(BASE + url);
  return { context, page };
}

async function cardTitles(page) {
  await page.locator('.card').first().waitFor();
  return page.locator('.card-title').allTextContents();
}

async function axe(page, label) {
  await page.evaluate(axeSource + '\n;0');
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target?.join(' ') }));
  });
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(serious, [], `${label}: axe found ${JSON.stringify(serious)}`);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
});
after(async () => {
  await browser?.close();
});

if (PHASE === 'api-down') {
  describe('when search is down', () => {
    test('a search shows the error state with a retry, not an empty page', async () => {
      const { context, page } = await open(PHONE, '/?q=' + encodeURIComponent('こども食堂'));
      await page.locator('.error-state[role="alert"]').waitFor();
      assert.match(await page.locator('.error-state').textContent(), /読み込めませんでした/);
      assert.equal(await page.locator('.error-state button').count(), 1);
      await shot(page, 'phone-api-down');
      await axe(page, 'api down');
      await context.close();
    });
  });
} else {
  describe('search page', () => {
    test('typing a search and pressing Enter shows cards and puts q in the URL', async () => {
      const { context, page } = await open(PHONE);
      await page.getByRole('combobox').fill('こども食堂');
      await page.keyboard.press('Enter');
      await page.waitForURL(/q=/);
      const titles = await cardTitles(page);
      assert.ok(titles.length > 0 && titles.length <= 10, `cards: ${titles.length}`);
      assert.equal(new URL(page.url()).searchParams.get('q'), 'こども食堂');
      assert.match(await page.locator('.status').textContent(), /件/);
      assert.match(await page.locator('.card-next').first().textContent(), /次回: \d+月\d+日\(.\)|日程は/);
      await shot(page, 'phone-results');
      await axe(page, 'results (phone)');
      await context.close();
    });

    test('a worry button searches and shows how the words were understood, with a way out', async () => {
      const { context, page } = await open(PHONE);
      await page.getByRole('button', { name: '学校に行きたくない' }).click();
      await page.locator('.interpretation').waitFor();
      assert.match(await page.locator('.interpretation').textContent(), /「不登校の居場所・フリースクール」.*として探しました/);
      await page.getByRole('link', { name: '文字どおりに探す' }).click();
      await page.waitForURL(/literal=1/);
      await page.locator('.status').filter({ hasText: '件' }).waitFor();
      assert.equal(await page.locator('.interpretation', { hasText: 'として探しました' }).count(), 0);
      await context.close();
    });

    test('a facet filter narrows the results and shows counts; clearing brings them back', async () => {
      const { context, page } = await open(DESKTOP);
      await cardTitles(page);
      const all = Number((await page.locator('.status').textContent()).match(/\d+/)[0]);
      const saturday = page.locator('.facet-weekday .facet-option', { hasText: '土' });
      const expected = Number((await saturday.locator('.count').textContent()).match(/\d+/)[0]);
      await saturday.locator('input').check();
      await page.waitForURL(/weekday=sat/);
      await page.locator('.status', { hasText: `${expected}件` }).waitFor();
      assert.ok(expected < all, `${expected} < ${all}`);
      assert.equal(await page.locator('#f-weekday-sat').isChecked(), true);
      await page.getByRole('button', { name: '条件をすべて外す' }).click();
      await page.locator('.status', { hasText: `${all}件` }).waitFor();
      await context.close();
    });

    test('paging moves through results and the back button returns', async () => {
      const { context, page } = await open(DESKTOP);
      const first = await cardTitles(page);
      await page.getByRole('link', { name: /次へ/ }).click();
      await page.waitForURL(/page=10/);
      await page.locator('.page-of', { hasText: '11〜' }).waitFor();
      const second = await page.locator('.card-title').allTextContents();
      assert.notDeepEqual(second, first);
      await page.goBack();
      await page.locator('.page-of', { hasText: '1〜10' }).waitFor();
      assert.deepEqual(await page.locator('.card-title').allTextContents(), first);
      await context.close();
    });

    test('suggestions complete hiragana and a pick searches for it', async () => {
      const { context, page } = await open(PHONE);
      const box = page.getByRole('combobox');
      await box.pressSequentially('ふとう', { delay: 30 });
      const option = page.getByRole('option').first();
      await option.waitFor();
      const text = await option.textContent();
      assert.match(text, /不登校/);
      await box.press('ArrowDown');
      assert.equal(await box.getAttribute('aria-activedescendant'), 'q-option-0');
      await box.press('Enter');
      await page.waitForURL((u) => new URL(u).searchParams.get('q') === text);
      await cardTitles(page);
      await context.close();
    });

    test('near me sorts by distance from the browser location', async () => {
      const { context, page } = await open(PHONE, '/', { geolocation: NERIMA_STATION, permissions: ['geolocation'] });
      await page.getByRole('button', { name: /近くをさがす/ }).click();
      await page.waitForURL(/near=35\.73/);
      await page.locator('.distance').first().waitFor();
      const metres = await page.locator('.distance').allTextContents();
      assert.ok(metres.length > 1);
      assert.match(metres[0], /約/);
      assert.equal(await page.getByRole('button', { name: /近い順/ }).getAttribute('aria-pressed'), 'true');
      await context.close();
    });

    test('the map shows clustered markers even though tiles cannot load', async () => {
      const { context, page } = await open(DESKTOP, '/?view=map');
      await page.locator('.leaflet-marker-icon').first().waitFor();
      assert.ok((await page.locator('.leaflet-marker-icon').count()) > 1);
      assert.ok((await page.locator('.marker-cluster').count()) > 0, 'markers are clustered');
      await page.locator('.map-notice', { hasText: '地図の画像を読み込めませんでした' }).waitFor();
      assert.ok((await page.locator('.map-list li').count()) > 10, 'the list below the map');
      await shot(page, 'desktop-map');
      await axe(page, 'map');
      await context.close();
    });

    test('the calendar lists upcoming sessions by day with a subscribable feed', async () => {
      const { context, page } = await open(PHONE, '/?category=kodomo_shokudo');
      await page.getByRole('link', { name: /カレンダー/ }).click();
      await page.waitForURL(/view=calendar/);
      await page.locator('.cal-day').first().waitFor();
      const days = await page.locator('.cal-day h3').allTextContents();
      assert.ok(days.length > 3, `days: ${days.length}`);
      assert.match(days[0], /\d+月\d+日\(.\)/);
      const ics = await page.locator('.ics-link').getAttribute('href');
      const response = await page.request.get(BASE + ics);
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-type'], /text\/calendar/);
      assert.match(await response.text(), /BEGIN:VEVENT/);
      await shot(page, 'phone-calendar');
      await axe(page, 'calendar');
      await context.close();
    });

    test('a card opens the detail page, which also works opened directly', async () => {
      const { context, page } = await open(PHONE, '/?q=' + encodeURIComponent('大泉まちの子ども食堂'));
      await cardTitles(page);
      const title = (await page.locator('.card-title').first().textContent()).trim();
      await page.locator('.card-title a').first().click();
      await page.waitForURL(/\/a\//);
      await page.locator('.detail h1').waitFor();
      assert.equal((await page.locator('.detail h1').textContent()).trim(), title);
      assert.ok((await page.locator('.upcoming li').count()) > 0);
      const ics = await page.getByRole('link', { name: /カレンダーに追加/ }).getAttribute('href');
      const response = await page.request.get(BASE + ics);
      assert.match(response.headers()['content-type'], /text\/calendar/);
      await shot(page, 'phone-detail');
      await axe(page, 'detail');
      const detailUrl = page.url();
      await page.getByRole('link', { name: /検索にもどる/ }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/a/'));
      await cardTitles(page);
      const direct = await browser.newPage();
      const answer = await direct.goto(detailUrl);
      assert.equal(answer.status(), 200);
      assert.match(await direct.title(), new RegExp(title));
      await direct.locator('.detail h1').waitFor();
      await direct.close();
      await context.close();
    });

    test('an unknown listing says so', async () => {
      const { context, page } = await open(PHONE, '/a/a_000000000000');
      await page.locator('h1', { hasText: '見つかりませんでした' }).waitFor();
      await context.close();
    });

    test('nothing found suggests what to try', async () => {
      const { context, page } = await open(PHONE, '/?q=' + encodeURIComponent('zzqxv'));
      await page.locator('.empty-state').waitFor();
      assert.ok((await page.locator('.try-list a').count()) > 3);
      await shot(page, 'phone-empty');
      await page.locator('.try-list a', { hasText: 'こども食堂' }).click();
      await cardTitles(page);
      await context.close();
    });

    test('the English switch changes the labels, not the search', async () => {
      const { context, page } = await open(PHONE, '/?q=' + encodeURIComponent('こども食堂'));
      const japanese = await cardTitles(page);
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForURL(/lang=en/);
      await page.getByRole('button', { name: 'Search', exact: true }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
      assert.deepEqual(await cardTitles(page), japanese);
      assert.match(await page.locator('.status').textContent(), /found/);
      await shot(page, 'phone-english');
      await axe(page, 'english');
      await context.close();
    });

    test('an English query finds Japanese listings and says how it was read', async () => {
      const { context, page } = await open(PHONE, '/?lang=en&q=' + encodeURIComponent('food for children'));
      await cardTitles(page);
      assert.match(await page.locator('.interpretation').textContent(), /Searched in Japanese as “こども食堂/);
      assert.match(await page.locator('.chip').first().textContent(), /[A-Za-z]/);  // English labels
      await context.close();
    });

    test('a shared URL opens with its query, filters and view in place', async () => {
      const url = '/?q=' + encodeURIComponent('こども食堂') + '&weekday=sat&fee=free';
      const { context, page } = await open(DESKTOP, url);
      await cardTitles(page);
      assert.equal(await page.getByRole('combobox').inputValue(), 'こども食堂');
      assert.equal(await page.locator('#f-weekday-sat').isChecked(), true);
      assert.equal(await page.locator('#f-fee-free').isChecked(), true);
      await shot(page, 'desktop-results');
      await axe(page, 'results (desktop)');
      await context.close();
    });

    test('the keyboard reaches the search box and focus is visible', async () => {
      const { context, page } = await open(DESKTOP);
      await cardTitles(page);
      for (let i = 0; i < 6 && !(await page.evaluate(() => document.activeElement?.id === 'q')); ++i) await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'q');
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(outline, 'none');
      await context.close();
    });

    test('the printed guide has QR codes and prints on A4 without script', async () => {
      const { context, page } = await open(DESKTOP, '/guide?category=kodomo_shokudo', { javaScriptEnabled: false });
      assert.ok((await page.locator('svg.qr').count()) > 3);
      assert.ok((await page.locator('h2').count()) > 1, 'grouped by area');
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.length > 10000);
      await shot(page, 'desktop-guide');
      await context.close();
    });

    test('no request left 127.0.0.1 and no page logged an error or CSP violation', () => {
      assert.deepEqual([...hostsSeen].filter((h) => h !== '127.0.0.1'), []);
      assert.deepEqual(problems, []);
    });
  });
}
