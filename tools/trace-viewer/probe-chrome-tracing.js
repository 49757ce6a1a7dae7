const { chromium } = require('playwright-core');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
  const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 } });
  let page = await ctx.newPage();
  page.on('console', m => console.log('console', m.type(), m.text().slice(0,300)));
  await page.goto('chrome://chrome-urls');
  await page.getByRole('button').first().click();
  await page.waitForTimeout(1000);
  for (const u of ['chrome://tracing', 'chrome://traces', 'chrome://traces-internals']) {
    try { const r = await page.goto(u, {waitUntil:'commit'}); console.log(u, r && r.status()); } catch (e) { console.log(u, 'ERR', e.message.split('\n')[0]); }
    await page.waitForTimeout(3000);
    console.log(u, 'url now', page.url(), 'title', await page.title());
    console.log((await page.evaluate(() => document.body ? document.body.innerText : '')).slice(0,500));
    await page.screenshot({ path: 'probe_' + u.replace(/\W+/g,'_') + '.png' });
  }
  await browser.close();
})();
