// Browser checks of generated pages: the Nu Html Checker (vnu.jar, valid HTML5) and
// axe-core in Debian's headless Chromium (WCAG 2.1 A and AA), plus a check that each
// page fits a 320 px wide phone screen without sideways scrolling.
//
//   node check.mjs [--screenshots DIR --shot-page FILE [--report-page FILE]] FILE.html...
// Exits non-zero and names the page and the rule for every problem found.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
let shots = null, shotPage = null, reportPage = null;
const pages = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--screenshots') shots = args[++i];
  else if (args[i] === '--shot-page') shotPage = args[++i];
  else if (args[i] === '--report-page') reportPage = args[++i];
  else pages.push(path.resolve(args[i]));
}
if (pages.length === 0) {
  console.error('usage: node check.mjs [--screenshots DIR --shot-page FILE [--report-page FILE]] FILE.html...');
  process.exit(2);
}
let problems = 0;

// 1. Nu Html Checker.
const vnu = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build/dist/vnu.jar');
const v = spawnSync('java', ['-jar', vnu, '--errors-only', '--format', 'gnu', ...pages], { encoding: 'utf8' });
if (v.error) {
  console.error(`vnu: cannot run java: ${v.error.message}`);
  process.exit(2);
}
if (v.status !== 0) {
  process.stdout.write(v.stderr + v.stdout);
  problems += (v.stderr + v.stdout).split('\n').filter((l) => l.trim()).length;
} else {
  console.log(`vnu: ${pages.length} pages valid`);
}

// 2. axe-core and the 320 px check in Chromium.
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
// The pages forbid every script by their Content-Security-Policy; the checker's own
// script is injected with CSP bypassed, as a browser extension would be.
const context = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 640 } });
const axePath = require.resolve('axe-core/axe.min.js');
for (const file of pages) {
  const page = await context.newPage();
  const blocked = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) blocked.push(r.url()); });
  await page.goto(pathToFileURL(file).href);
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () =>
    await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  for (const violation of result.violations) {
    problems++;
    console.log(`${file}: axe ${violation.id} (${violation.impact}): ${violation.help}`);
    for (const node of violation.nodes.slice(0, 3)) console.log(`    ${node.target.join(' ')}`);
  }
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  if (overflow > 0) {
    problems++;
    console.log(`${file}: ${overflow} px wider than a 320 px screen`);
  }
  if (blocked.length) {
    problems++;
    console.log(`${file}: loads from other hosts: ${blocked.join(', ')}`);
  }
  await page.close();
}
console.log(`axe: ${pages.length} pages checked in Chromium at 320 px`);

// 3. Screenshots for the docs.
if (shots && shotPage) {
  for (const [name, width] of [['phone', 375], ['desktop', 1280]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await page.goto(pathToFileURL(path.resolve(shotPage)).href);
    await page.screenshot({ path: path.join(shots, `week-${name}.png`), fullPage: name === 'phone' ? false : false });
    await page.close();
  }
  if (reportPage) {  // docs/reports.md's picture: a class's report, as printed on a screen
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    await page.goto(pathToFileURL(path.resolve(reportPage)).href);
    await page.screenshot({ path: path.join(shots, 'report-class.png') });
    await page.close();
  }
  console.log(`screenshots written to ${shots}`);
}
await browser.close();
if (problems) {
  console.log(`${problems} problems`);
  process.exit(1);
}
