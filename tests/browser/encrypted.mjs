// An encrypted diary (docs/site.md) in Debian's Chromium, served by the shipped nginx
// configuration: tests/encrypted_test.sh builds the site and starts nginx, this script
// drives the browser.
//
//   node encrypted.mjs BASE_URL KEY CHILD_NAME TAMPERED_KEY
// KEY: a family's key (the fragment of its address in access.csv); CHILD_NAME: one of its
// children; TAMPERED_KEY: another family's key, whose index.bin the test has altered on disk.
// Exits non-zero naming every problem.
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const [base, key, child, tampered] = process.argv.slice(2);
if (!tampered) {
  console.error('usage: node encrypted.mjs BASE_URL KEY CHILD_NAME TAMPERED_KEY');
  process.exit(2);
}
let problems = 0;
const ok = (m) => console.log(`ok   ${m}`);
const bad = (m) => { problems++; console.log(`FAIL ${m}`); };
const check = (cond, m) => (cond ? ok(m) : bad(m));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
// The site's own Content-Security-Policy is enforced here (no bypass): the loader has to
// work under it. Violations would show as console errors.
const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
const page = await context.newPage();
const errors = [];
page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
page.on('pageerror', (e) => errors.push(String(e)));
// The fragment changes at once, the page only once fetched and decrypted: wait for the
// loader to say which page it shows.
const shown = (p, test) => p.waitForFunction((t) => {
  const page = document.documentElement.dataset.page || '';
  return t.startsWith('=') ? page === t.slice(1) : page.endsWith(t);
}, test, { timeout: 15000 });

// 1. The family's address: the family page, then the child's current week.
await page.goto(`${base}/#${key}`);
await shown(page, '=index');
check((await page.textContent('main')).includes(child), `family page names ${child}`);
check(page.url().endsWith(`#${key}`), 'the key stays in the fragment');
const link = page.locator('ul.children a', { hasText: child }).first();
check((await link.getAttribute('href')).startsWith(`#${key}/`), 'links to the child carry the key');
await link.click();
await shown(page, '~current');
const week = await page.textContent('body');
check(week.includes(child), "the child's current week shows the child");
check(/Неделя|недел/.test(await page.textContent('h1')), `the week page's heading: ${await page.textContent('h1')}`);
check(page.url().includes(`#${key}/`), 'the key is still in the fragment on the week page');
// The previous week and back to the next one: each a sealed page of its own, the key kept.
const prevWeek = page.locator('a[rel="prev"]').first();
const prevHref = await prevWeek.getAttribute('href');
check(prevHref !== null && prevHref.startsWith(`#${key}/`) && prevHref.includes('~week~'),
  `the previous week's link carries the key (${(prevHref || '').replace(key, 'KEY')})`);
await prevWeek.click();
await shown(page, '=' + prevHref.split('/')[1]);
check(page.url().endsWith(prevHref) && (await page.textContent('body')).includes(child),
  "the previous week opens, the child's, key kept");
const nextWeek = page.locator('a[rel="next"]').first();
const nextHref = await nextWeek.getAttribute('href');
await nextWeek.click();
await shown(page, '=' + nextHref.split('/')[1]);
check(nextHref.startsWith(`#${key}/`) && page.url().endsWith(nextHref) && nextHref !== prevHref,
  `the next week opens, key kept (${nextHref.replace(key, 'KEY')})`);
const weekPage = nextHref.split('/')[1];

// 2. Moving between weeks and subjects keeps the key; Back works.
const nav = page.locator('nav.sections a').filter({ hasNotText: '' });
const results = page.locator(`a[href^="#${key}/"][href$="~results"]`).first();
await results.click();
await shown(page, '~results');
check(page.url().includes(`#${key}/`) && (await page.textContent('h1')).length > 0, 'results page opens, key kept');
const subject = page.locator(`a[href^="#${key}/"][href*="~subject~"]`).first();
if (await subject.count()) {
  await subject.click();
  await shown(page, '~subject~' + (await page.evaluate(() => location.hash)).split('~subject~')[1]);
  check(page.url().includes(`#${key}/`), 'a subject page opens, key kept');
} else {
  bad('no subject link on the results page');
}
await page.goBack();
await shown(page, '~results');
check(true, 'Back returns to the results page');
// The skip link moves the focus, it does not replace the key.
const skip = page.locator('a.skip');
if (await skip.count()) {
  await skip.focus();
  await page.keyboard.press('Enter');
  check(page.url().includes(`#${key}/`), 'the skip link keeps the key in the fragment');
}
check(nav !== null, 'navigation present');

// 3. axe on the decrypted page (axe is injected with CSP bypassed, in another context, as a
// browser extension would be; the page is reached the same way, through the loader).
const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 640 } });
const axePage = await axeContext.newPage();
for (const target of [`#${key}`, `#${key}/${weekPage}`, `#${key}/${(await page.evaluate(() => location.hash)).split('/')[1]}`]) {
  await axePage.goto(`${base}/${target}`);
  await shown(axePage, target.includes('/') ? '=' + target.split('/')[1] : '=index');
  await axePage.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const result = await axePage.evaluate(async () =>
    await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const label = target.replace(key, 'KEY');
  if (result.violations.length === 0) ok(`axe: no violations on the decrypted page ${label}`);
  for (const v of result.violations) bad(`axe on ${label}: ${v.id} (${v.impact}): ${v.help} ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ')}`);
  const overflow = await axePage.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${label} fits 320 px (${overflow} px over)`);
}
await axeContext.close();

// 4. A wrong key (one character changed), a key of the wrong length, a tampered blob: the
// message, and nothing of the diary.
const wrong = key.slice(0, 10) + (key[10] === 'A' ? 'B' : 'A') + key.slice(11);
for (const [what, hash] of [['a key one character off', wrong], ['a truncated key', key.slice(0, 40)],
  ['a tampered page (GCM tag fails)', tampered], ['a page name that does not exist', `${key}/nothing~here`],
  ['a malformed escape in the page name', `${key}/%E0%A4%A`], ['a page outside the area', `${key}/..%2F..%2Frobots`]]) {
  const p = await context.newPage();
  await p.goto(`${base}/#${hash}`);
  try {
    await shown(p, '=message:jp-bad');
    await p.waitForSelector('#jp-bad', { state: 'visible', timeout: 15000 });
    const text = await p.textContent('#jp-bad');
    check(/ссылке дневник не открывается/.test(text) && !(await p.textContent('body')).includes(child),
      `${what}: the message, no diary`);
  } catch (e) {
    bad(`${what}: no message (${e.message.split('\n')[0]})`);
  }
  await p.close();
}
// Changing the fragment by hand in an open diary to a wrong key shows the message too.
await page.evaluate((h) => { location.hash = h; }, wrong);
await page.waitForSelector('#jp-bad', { state: 'visible', timeout: 15000 }).then(
  () => ok('a wrong key typed into an open diary: the message'), () => bad('a wrong key typed into an open diary: no message'));
check(!(await page.textContent('body')).includes(child), 'and the child is no longer shown');
const front = await context.newPage();
await front.goto(`${base}/`);
check((await page.title()) === (await front.title()), `and the title is the front page's again (${await page.title()})`);
await front.close();

// 5. Without JavaScript: the plain message.
const noJs = await browser.newContext({ javaScriptEnabled: false });
const p = await noJs.newPage();
await p.goto(`${base}/#${key}`);
const body = await p.textContent('body');
check(/нужен JavaScript/.test(body) && !body.includes(child), 'without JavaScript: the message, no diary');
await noJs.close();

const csp = errors.filter((e) => /Content Security Policy|Refused to/.test(e));
check(csp.length === 0, `no CSP violation under the site's policy${csp.length ? ': ' + csp.join(' | ') : ''}`);
await browser.close();
console.log(problems ? `${problems} problems` : 'all encrypted-diary browser checks passed');
process.exit(problems ? 1 : 0);
