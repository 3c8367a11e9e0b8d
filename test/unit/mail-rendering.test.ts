/**
 * Every email the system sends, drawn by a real browser: Debian's Chromium driven by playwright-core
 * (never `npx playwright install`: .ci/run installs the `chromium` package when it is missing), each
 * HTML body to a PNG whose size is checked and whose pixels are not blank; the hostile variant (a
 * patent title `<script>alert(1)</script>`, names ending in `"><img src=x onerror=...>`) runs no
 * script and adds no element. Chinese is drawn with the chart's Noto Sans SC (a fontconfig file
 * naming its folder), as in report-rendering.test.ts, so the result does not depend on the machine.
 * Set MAIL_PNG_DIR to keep the images.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartFontPackagePath } from '../../functions/reports/render-chart.ts';
import { actionUrl, everyMail } from './mail.fixtures.ts';

const chromiumPath = '/usr/bin/chromium';
const width = 800;
let dir: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath))
    throw new Error(
      `${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does it), then run again.`,
    );
  dir = await mkdtemp(join(tmpdir(), 'mail-rendering-'));
  const fontDir = dirname(createRequire(import.meta.url).resolve(chartFontPackagePath));
  await writeFile(
    join(dir, 'fonts.conf'),
    `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>${fontDir}</dir><cachedir>${join(dir, 'fc-cache')}</cachedir></fontconfig>`,
  );
  browser = await chromium.launch({
    executablePath: chromiumPath,
    env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf'), HOME: dir },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A PNG's size from its IHDR chunk (bytes 16-23, big-endian). */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

/** Share of pixels that differ from the page's background (its top-left pixel), and of dark (text) pixels. */
async function ink(png: Buffer): Promise<{ notBackground: number; dark: number }> {
  const page = await browser.newPage();
  try {
    // Browser code as a string: the project compiles without the DOM library.
    return await page.evaluate<{ notBackground: number; dark: number }>(`(async () => {
      const image = new Image();
      image.src = ${JSON.stringify(`data:image/png;base64,${png.toString('base64')}`)};
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      const [r0, g0, b0] = [data[0], data[1], data[2]];
      let notBackground = 0;
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        if (Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0) > 24) notBackground++;
        if (r + g + b < 200) dark++;
      }
      const pixels = data.length / 4;
      return { notBackground: notBackground / pixels, dark: dark / pixels };
    })()`);
  } finally {
    await page.close();
  }
}

describe('every email, drawn by Chromium', () => {
  it('renders each HTML body to a PNG of the viewport width, tall enough, not blank, with its action link', async () => {
    const keep = process.env.MAIL_PNG_DIR;
    if (keep) await mkdir(keep, { recursive: true });
    for (const [name, mail] of Object.entries(await everyMail(''))) {
      const page = await browser.newPage({ viewport: { width, height: 600 } });
      try {
        await page.setContent(mail.html!, { waitUntil: 'load' });
        const png = await page.screenshot({ fullPage: true, type: 'png' });
        if (keep) await writeFile(join(keep, `${name}.png`), png);
        expect(png.subarray(1, 4).toString(), name).toBe('PNG');
        const size = pngSize(png);
        expect(size.width, name).toBe(width);
        expect(size.height, name).toBeGreaterThanOrEqual(600);
        expect(size.height, name).toBeLessThan(name === 'quarterlyReport' ? 8000 : 3000);
        const { notBackground, dark } = await ink(png);
        expect(notBackground, name).toBeGreaterThan(0.05);
        expect(dark, name).toBeGreaterThan(0.003);
        // Laid out as meant: nothing wider than the viewport (no horizontal scrolling in a mail pane).
        expect(await page.evaluate<number>('document.documentElement.scrollWidth'), name).toBeLessThanOrEqual(
          width,
        );
        // The call to action is a visible link to the portal page.
        const action = page.locator(`a[href="${actionUrl(name)}"]`).first();
        expect(await action.isVisible(), name).toBe(true);
        const text = (await page.locator('body').textContent()) ?? '';
        expect(text, name).toContain('您收到此邮件');
        expect(text, name).toContain('You get this email');
      } finally {
        await page.close();
      }
    }
  }, 180_000);

  it('a hostile value runs no script and adds no element: it is shown as text', async () => {
    const hostile = '<script>window.pwned=1;alert(1)</script>"><img src=x onerror="window.pwned=2">';
    for (const [name, mail] of Object.entries(await everyMail(hostile))) {
      const page = await browser.newPage({ viewport: { width, height: 600 } });
      const dialogs: string[] = [];
      page.on('dialog', async (dialog) => {
        dialogs.push(dialog.message());
        await dialog.dismiss();
      });
      try {
        await page.setContent(mail.html!, { waitUntil: 'load' });
        expect(dialogs, name).toEqual([]);
        expect(await page.evaluate<unknown>('window.pwned'), name).toBeUndefined();
        expect(await page.locator('script, img[src="x"]').count(), name).toBe(0);
        if (name !== 'quarterlyReport')
          expect(await page.locator('body').textContent(), name).toContain('<script>window.pwned=1');
      } finally {
        await page.close();
      }
    }
  }, 180_000);
});
