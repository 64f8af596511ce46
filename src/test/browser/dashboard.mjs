// DashboardIT's browser half: drives Debian's chromium through playwright-core as a user would, and exits
// non-zero with the step that failed. Arguments come from the environment (DashboardIT sets them):
//   PM_LINK      a one-time login link of a full-access token
//   PM_LINK_RO   one of a read-only token
//   PM_APPS      the two apps, running: "web,ticker" (ticker writes "tick N" twice a second)
//   PM_SHOTS     the folder for the screenshots (dashboard.png, dashboard-phone.png, dashboard-app.png)
//   CHROMIUM     the browser to drive
import { chromium } from 'playwright-core';

const env = name => {
  if (!process.env[name]) throw new Error(name + ' is not set');
  return process.env[name];
};
const [web, ticker] = env('PM_APPS').split(',');
const shots = env('PM_SHOTS');
const WAIT = 15_000;

function check(ok, what) {
  if (!ok) throw new Error(what);
}

function step(text) {
  console.log('- ' + text);
}

const browser = await chromium.launch({executablePath: env('CHROMIUM'), args: ['--no-sandbox', '--disable-gpu']});
const errors = [];
try {
  const context = await browser.newContext({viewport: {width: 1280, height: 720}});
  const page = await context.newPage();
  page.on('pageerror', e => errors.push('page error: ' + e.message));
  page.on('console', m => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
  const row = name => page.locator(`tr[data-name="${name}"]`);
  const cell = (name, key) => row(name).locator('td.' + key);

  step('log in with the link: the dashboard, both apps running');
  const link = env('PM_LINK');
  await page.goto(link);
  check(new URL(page.url()).pathname === '/', 'the login link should lead to /, not ' + page.url());
  for (const name of [web, ticker]) await cell(name, 'state').filter({hasText: 'running'}).waitFor({timeout: WAIT});
  await page.locator('#link', {hasText: 'live'}).waitFor({timeout: WAIT});
  check((await page.locator('#who').textContent()).includes('token default'), 'the header should name the token');

  step('the link works once');
  const again = await (await browser.newContext()).newPage();
  const reused = await again.goto(link);
  check(reused.status() === 401, 'a used link should answer 401, not ' + reused.status());
  check((await again.textContent('body')).includes('pm dashboard'), 'a used link should say to run pm dashboard');
  await again.context().close();

  // Set on the page: still there after the changes below means the page never reloaded.
  await page.evaluate(() => { window.notReloaded = true; });

  step(`restart ${web} with its button: a new pid, without a reload`);
  const pidBefore = await cell(web, 'pid').textContent();
  await row(web).getByRole('button', {name: 'restart ' + web, exact: true}).click();
  await page.waitForFunction(([name, before]) => {
    const tr = document.querySelector(`tr[data-name="${name}"]`);
    return tr.querySelector('td.pid').textContent !== before && tr.querySelector('td.state').textContent.includes('running');
  }, [web, pidBefore], {timeout: WAIT});
  check(/^\d+$/.test(await cell(web, 'pid').textContent()), 'the new pid should be a number');
  await page.locator('#notice', {hasText: web + ' restarted'}).waitFor({timeout: WAIT});

  step(`${ticker} is killed: pm restarts it, and the restart count and pid change live`);
  const tickerPid = Number(await cell(ticker, 'pid').textContent());
  check((await cell(ticker, 'restarts').textContent()) === '0', 'no restarts yet');
  process.kill(tickerPid, 'SIGKILL');
  await cell(ticker, 'restarts').filter({hasText: /^1$/}).waitFor({timeout: WAIT});
  await page.waitForFunction(([name, before]) => {
    const tr = document.querySelector(`tr[data-name="${name}"]`);
    return tr.querySelector('td.pid').textContent !== String(before) && tr.querySelector('td.state').textContent.includes('running');
  }, [ticker, tickerPid], {timeout: WAIT});

  step('CPU and memory sparklines fill from the samples');
  await page.waitForFunction(name => {
    const pts = document.querySelector(`tr[data-name="${name}"] td.mem polyline`).getAttribute('points');
    return pts && pts.split(' ').length >= 2;
  }, web, {timeout: WAIT});
  check(/MiB|KiB/.test(await cell(web, 'mem').textContent()), 'memory should be shown in bytes');

  step(`keyboard: Enter on ${ticker}'s name opens its page, its heading focused`);
  await row(ticker).locator('a').focus();
  await page.keyboard.press('Enter');
  // The hash changes at once, its hashchange (which draws the page and focuses it) comes as a later task.
  await page.waitForFunction(() => location.hash.startsWith('#/app/'));
  check(await page.waitForFunction(() => document.activeElement.tagName === 'H1', null, {timeout: WAIT}).then(() => true, () => false),
    'the page heading should have the focus');

  step('its page: spec, state history, and the log tail, live');
  await page.locator('dl.spec dd', {hasText: 'ticker.sh'}).waitFor({timeout: WAIT});
  await page.locator('table.history td', {hasText: 'starting'}).first().waitFor({timeout: WAIT});
  await page.locator('pre.log', {hasText: 'tick'}).waitFor({timeout: WAIT});
  const ticks = () => page.evaluate(() => [...document.querySelectorAll('pre.log span.out')].filter(s => s.textContent.includes('tick ')).length);
  const seen = await ticks();
  await page.waitForFunction(n => [...document.querySelectorAll('pre.log span.out')].filter(s => s.textContent.includes('tick ')).length > n,
    seen, {timeout: WAIT});
  await page.locator('pre.log span.err', {hasText: 'on stderr'}).first().waitFor({timeout: WAIT});

  step(`${ticker} crashes while its page is open: pm restarts it, and its last exit shows the crash, live`);
  const pagePid = Number(await page.locator('dd.pid').textContent());
  check(!(await page.locator('dd.exit').textContent()).includes('SIGUSR1'), 'no SIGUSR1 exit yet');
  process.kill(pagePid, 'SIGUSR1');
  await page.locator('dd.exit', {hasText: 'killed by SIGUSR1'}).waitFor({timeout: WAIT});
  await page.waitForFunction(before => document.querySelector('dd.pid').textContent !== String(before)
    && document.querySelector('h1 .state').textContent.includes('running'), pagePid, {timeout: WAIT});
  await page.waitForTimeout(1000); // the page's fetch after the events
  const crashes = await page.locator('table.history td', {hasText: 'killed by SIGUSR1'}).count();
  check(crashes === 1, 'the crash should be one row of the history, not ' + crashes);
  await page.screenshot({path: shots + '/dashboard-app.png', fullPage: true});

  step('stop asks first: cancel leaves it running, confirm stops it; start starts it again');
  const main = page.locator('main');
  await main.getByRole('button', {name: 'stop ' + ticker, exact: true}).click();
  await page.locator('dialog[open]', {hasText: 'Stop ' + ticker + '?'}).waitFor({timeout: WAIT});
  await page.keyboard.press('Escape');
  await page.locator('dialog[open]').waitFor({state: 'detached', timeout: WAIT}).catch(() => {});
  check(!(await page.locator('dialog').evaluate(d => d.open)), 'Escape should close the question');
  await page.waitForTimeout(500);
  check((await page.locator('h1 .state').textContent()).includes('running'), 'cancel should leave it running');
  await main.getByRole('button', {name: 'stop ' + ticker, exact: true}).click();
  await page.locator('#confirm-ok').click();
  await page.locator('h1 .state', {hasText: 'stopped'}).waitFor({timeout: WAIT});
  await page.locator('table.history td', {hasText: 'stopping'}).first().waitFor({timeout: WAIT});
  await main.getByRole('button', {name: 'start ' + ticker, exact: true}).click();
  await page.locator('h1 .state', {hasText: 'running'}).waitFor({timeout: WAIT});
  check(await page.evaluate(() => window.notReloaded === true), 'the page should never have reloaded');

  step('phone width: one column, nothing wider than the screen');
  await page.setViewportSize({width: 390, height: 844});
  await page.goto(new URL('/#/', page.url()).href);
  await cell(web, 'state').filter({hasText: 'running'}).waitFor({timeout: WAIT});
  check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page should not scroll sideways at 390 px');
  const box = await row(web).getByRole('button', {name: 'restart ' + web, exact: true}).boundingBox();
  check(box && box.x >= 0 && box.x + box.width <= 390, 'the restart button should be on screen');
  await page.screenshot({path: shots + '/dashboard-phone.png', fullPage: true});

  step('a read-only token: the same table, no buttons');
  const ro = await (await browser.newContext()).newPage();
  await ro.goto(env('PM_LINK_RO'));
  await ro.locator(`tr[data-name="${web}"] td.state`, {hasText: 'running'}).waitFor({timeout: WAIT});
  check((await ro.locator('#who').textContent()).includes('read-only'), 'the header should say read-only');
  check(await ro.locator('button[data-verb]').count() === 0, 'a read-only page should offer no buttons');
  await ro.goto(new URL('/#/app/' + web, ro.url()).href);
  await ro.locator('pre.log', {hasText: 'sleeper up'}).waitFor({timeout: WAIT});
  check(await ro.locator('button[data-verb]').count() === 0, 'nor on an app page');

  step('the screenshot kept as docs/dashboard.png: the table, full width');
  await page.setViewportSize({width: 1280, height: 400});
  await cell(ticker, 'state').filter({hasText: 'running'}).waitFor({timeout: WAIT});
  await page.waitForFunction(name => document.querySelector(`tr[data-name="${name}"] td.mem polyline`).getAttribute('points').split(' ').length >= 10,
    web, {timeout: 30_000}); // twenty seconds of samples, for a picture with some history
  await page.screenshot({path: shots + '/dashboard.png'});

  check(errors.length === 0, 'the page logged errors:\n' + errors.join('\n'));
  console.log('ok');
} finally {
  await browser.close();
}
