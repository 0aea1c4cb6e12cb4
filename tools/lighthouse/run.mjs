// Lighthouse (mobile profile: the default config's phone emulation and simulated slow 4G) on the
// five pages a person reads most: the home page, a review's overview, its research page, a screen
// result and a start plan. The last two answer a form post, so the run is a Lighthouse user flow:
// Puppeteer drives Debian's Chromium (CHROME_PATH; no browser is ever downloaded), fills the forms
// and Lighthouse measures the navigation the submit starts.
//
// Usage: node run.mjs BASE_URL OUT_DIR   (make lighthouse starts the server and calls this)
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import {startFlow} from 'lighthouse';

const [base, out] = process.argv.slice(2);
if (!base || !out) {
  console.error('usage: node run.mjs BASE_URL OUT_DIR');
  process.exit(2);
}
const LDN = `${base}/therapies/low-dose-naltrexone/`;
const iso = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const flow = await startFlow(page, {name: 'CareChoices: five pages on a phone'});

await flow.navigate(base + '/', {name: 'Home page'});
await flow.navigate(LDN, {name: 'Review overview (LDN)'});
await flow.navigate(LDN + 'research/', {name: 'Research page (LDN)'});

// The screen: fill in the review's form, then measure the result page the submit opens.
await page.goto(LDN + 'check/');
await page.type('#id_medicines', 'ibuprofen');
await page.click('#id_surgery_planned');
await page.$eval('#id_surgery_date', (field, day) => { field.value = day; }, iso(60));
await flow.navigate(async () => {
  await page.click('form button[type="submit"]');
}, {name: 'Screen result'});
if (!(await page.$('h1')) || (await page.$eval('h1', (h) => h.textContent)) !== 'What we found') {
  throw new Error(`the screen did not answer: ${await page.title()}`);
}

// The plan: from the result, open the plan form, give a start date, measure the plan page.
await Promise.all([page.waitForNavigation(), page.click('form[action="/plan/"] button[type="submit"]')]);
await page.$eval('#id_start_date', (field, day) => { field.value = day; }, iso(30));
await page.$eval('#id_time_zone', (field) => { field.value = 'Europe/London'; });
await flow.navigate(async () => {
  await page.click('form[action="/plan/"] button[type="submit"]');
}, {name: 'Start plan'});

await browser.close();

const result = await flow.createFlowResult();
fs.mkdirSync(out, {recursive: true});
fs.writeFileSync(path.join(out, 'lighthouse-flow.html'), await flow.generateReport());
fs.writeFileSync(path.join(out, 'lighthouse-flow.json'), JSON.stringify(result));
const scores = result.steps.map((step) => ({
  page: step.name,
  url: step.lhr.finalDisplayedUrl,
  formFactor: step.lhr.configSettings.formFactor,
  scores: Object.fromEntries(Object.entries(step.lhr.categories)
    .map(([id, category]) => [id, Math.round(category.score * 100)])),
  // The audits that cost points: weighted in a category's score and not passed.
  failing: Object.values(step.lhr.categories)
    .flatMap((category) => category.auditRefs.filter((ref) => ref.weight > 0))
    .map((ref) => step.lhr.audits[ref.id])
    .filter((audit) => audit.score !== null && audit.score < 1)
    .map((audit) => `${audit.id}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ''}`),
}));
fs.writeFileSync(path.join(out, 'lighthouse-scores.json'), JSON.stringify(scores, null, 2) + '\n');
for (const {page: name, scores: s, failing} of scores) {
  console.log(`${name.padEnd(24)} performance ${s.performance}  accessibility ${s.accessibility}  `
    + `best practices ${s['best-practices']}  SEO ${s.seo}`);
  for (const item of failing) console.log(`    ${item}`);
}
const low = scores.filter(({scores: s}) => Object.values(s).some((value) => value < 95));
process.exit(low.length ? 1 : 0);
