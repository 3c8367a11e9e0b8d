/**
 * The docs page as a person uses it, in a real browser: Debian's Chromium driven by playwright-core
 * (never `npx playwright install`: .ci/run installs the `chromium` package when it is missing). It
 * opens /docs on the local system, authorizes with a dev token and executes GET /v1/patents.
 * Caught when written: every Execute failed (the document's only server was https:// while the local
 * API speaks http), GET /v1/patents answered 500 on the demo data (undeclared transfer fields), and
 * unions showed no member names.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloud, token } from './helpers.ts';

const chromiumPath = '/usr/bin/chromium';

describe('the docs page (/docs) in Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(chromiumPath))
      throw new Error(
        `${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does it), then run again.`,
      );
    browser = await chromium.launch({
      executablePath: chromiumPath,
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
  afterAll(() => browser?.close());

  it('authorizes with a dev token and executes GET /v1/patents with a 200, over http', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
    const answered: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/v1/patents') answered.push(response.status());
    });

    await page.goto(`${cloud().apiUrl}/docs`);
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    await page.locator('.modal-ux input[type=text]').fill(await token('national-admin'));
    await page.locator('.modal-ux button.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();

    // Swagger UI names the block by tag and operationId.
    const operation = page.locator('#operations-patents-listPatents');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();

    expect(failed).toEqual([]);
    expect((await status.textContent())?.trim()).toBe('200');
    expect(answered).toEqual([200]);
    // The request went to the API the page came from, with no example filter pre-filled.
    expect((await operation.locator('.request-url pre').textContent())?.trim()).toBe(
      `${cloud().apiUrl}/v1/patents?limit=25`,
    );
    expect(await operation.locator('.curl-command').textContent()).toContain('Authorization: Bearer');
  });

  it("shows a union by its members' names (GET /v1/patents/{applicationNumber}: Patent or PublicPatent)", async () => {
    const page = await browser.newPage();
    await page.goto(`${cloud().apiUrl}/docs`);
    const operation = page.locator('#operations-patents-getPatent');
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('tab', { name: 'Schema' }).first().click();
    await operation.getByText('Any of').first().click();
    const schema = operation.locator('.json-schema-2020-12').first();
    await schema.getByText('PublicPatent').waitFor();
    const text = (await schema.textContent()) ?? '';
    expect(text).toContain('#0 Patent');
    expect(text).toContain('#1 PublicPatent');
    expect(text).not.toContain('any');
  });
});
