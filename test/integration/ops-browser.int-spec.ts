import * as fs from 'node:fs';
import { chromium, Browser } from 'playwright-core';
import { startTestApp, TestApp, TestEnv } from '../utils/app';

/** Debian's chromium (`apt-get install -y chromium`); .ci/services.sh installs it. */
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`Swagger UI browser test skipped: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

(haveChromium ? describe : describe.skip)('operations: Swagger UI in a real browser', () => {
  let t: TestApp & { env: TestEnv; stop(): Promise<void> };
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('renders /docs and lists the endpoints, operations and API ones', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${t.url}/docs`, { waitUntil: 'load' });
    await page.waitForSelector('.opblock-summary-path', { timeout: 30_000 });
    expect(await page.locator('.info .title').first().innerText()).toContain('Table Order API');
    const paths = await page.locator('.opblock-summary-path').allInnerTexts();
    const flat = paths.map((p) => p.replace(/\u200b/g, '').trim());
    expect(flat).toEqual(expect.arrayContaining(['/health/live', '/health/ready', '/metrics']));
    expect(flat.filter((p) => p.startsWith('/api/v1/')).length).toBeGreaterThan(0);
    // The bearer-auth button is there for integrators.
    await expect(page.locator('.btn.authorize').count()).resolves.toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
