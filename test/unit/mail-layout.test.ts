/**
 * The one email layout (functions/mail/layout.ts) across every email the system sends: hostile values
 * escaped, links into the configured portal, Chinese first and English second, a footer saying why,
 * a plain-text alternative; the overdue notice and the registration reminder say what to do in words.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { escapeHtml, renderMail, safeHref } from '../../functions/mail/layout.ts';
import { actionUrl, everyMail, expectedAction } from './mail.fixtures.ts';

const portal = 'https://portal.example.cn/patents/';
const script = '<script>alert(1)</script>';
const attribute = '"><img src=x onerror=alert(1)>';

beforeEach(() => {
  vi.stubEnv('PORTAL_URL', portal);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('every email in the layout', () => {
  it('covers every email the system sends', async () => {
    expect(Object.keys(await everyMail(''))).toEqual(Object.keys(expectedAction));
  });

  it('has the header, a title, the footer saying why, and a plain-text alternative without markup', async () => {
    for (const [name, mail] of Object.entries(await everyMail(''))) {
      const html = mail.html!;
      expect(html, name).toMatch(/^<!DOCTYPE html><html lang="zh-CN">/);
      expect(html, name).toContain('专利转化运用</a>');
      expect(html, name).toMatch(/<h1 [^>]*>[^<]+<br><span [^>]*>[^<]+<\/span><\/h1>/);
      expect(html, name).toContain('您收到此邮件');
      expect(html, name).toContain('You get this email');
      expect(mail.text, name).toContain('专利转化运用 / Patent revitalization programme');
      expect(mail.text, name).toContain('您收到此邮件');
      expect(mail.text, name).toContain('You get this email');
      expect(mail.text, name).not.toMatch(/<\/?[a-z][^>]*>/i);
      // Mail clients drop these; the layout never needs them.
      expect(html, name).not.toMatch(/<script|<style|<link|javascript:/i);
    }
  });

  it('says everything in Chinese first, English second', async () => {
    for (const [name, mail] of Object.entries(await everyMail(''))) {
      for (const body of [mail.html!, mail.text]) {
        expect(body.indexOf('专利转化运用'), name).toBeLessThan(
          body.indexOf('Patent revitalization programme'),
        );
        expect(body.indexOf('您收到此邮件'), name).toBeLessThan(body.indexOf('You get this email'));
      }
      const [, zh, en] = /<h1 [^>]*>([^<]+)<br><span [^>]*>([^<]+)<\/span>/.exec(mail.html!)!;
      expect(zh, name).toMatch(/[\u4e00-\u9fff]/);
      expect(en, name).toMatch(/^[A-Z0-9][a-z0-9()]* [a-z0-9]/);
      expect(mail.text.indexOf(zh!), name).toBeLessThan(mail.text.indexOf(en!));
    }
  });

  it('escapes every interpolated value: a patent title, names, file names, comments of <script>', async () => {
    for (const value of [script, attribute]) {
      for (const [name, mail] of Object.entries(await everyMail(value))) {
        const html = mail.html!;
        expect(html, name).not.toContain(value);
        expect(html, name).not.toMatch(/<script|<img src=x/i);
        if (name !== 'quarterlyReport') expect(html, name).toContain(escapeHtml(value));
        // The plain text carries the value as given: it is never read as markup.
        if (name !== 'quarterlyReport') expect(mail.text, name).toContain(value);
      }
    }
    // The report's names (the fixture has an institution named with markup) go through the same escaper.
    const { quarterlyReport } = await everyMail('');
    expect(quarterlyReport!.html).toContain('&lt;b&gt;北京&lt;/b&gt;理工');
  });

  it('links to the portal configured by PORTAL_URL (context portalUrl), in the HTML and the text', async () => {
    for (const [name, mail] of Object.entries(await everyMail(''))) {
      const url = actionUrl(name);
      expect(url.startsWith(portal), name).toBe(true);
      expect(mail.html, name).toContain(`href="${escapeHtml(url)}"`);
      expect(mail.text, name).toContain(url);
      const hrefs = [...mail.html!.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!);
      expect(hrefs.length, name).toBeGreaterThanOrEqual(2); // the header and the action
      for (const href of hrefs) expect(href.startsWith(portal), `${name}: ${href}`).toBe(true);
      expect(mail.html, name).not.toContain('patents.example.org');
    }
  });

  it('the digest links to the portal inbox, not a placeholder, when PORTAL_URL is set', async () => {
    const { digest } = await everyMail('');
    expect(digest!.html).toContain(`href="${portal}inbox"`);
  });
});

describe('the overdue notice and the registration reminder say what to do in words', () => {
  it('the overdue license filing: file with CNIPA, then record the number and date on the deal page (link)', async () => {
    const { overdueFiling: mail } = await everyMail('');
    expect(mail!.subject).toContain('Filing overdue');
    expect(mail!.text).toContain('专利实施许可合同备案逾期');
    expect(mail!.text).toContain('应于 2026-05-31 前办理专利实施许可合同备案');
    expect(mail!.text).toContain('国家知识产权局');
    expect(mail!.text).toContain('打开该交易的页面（点击下方按钮），录入备案证明上的备案号和备案日期并保存');
    expect(mail!.text).toContain("open the deal's page (the button below), enter the filing number and date");
    expect(mail!.text).toContain('省级管理部门');
    expect(mail!.html).toContain(`>录入备案号和备案日期 / Record the filing number and date</a>`);
    expect(mail!.text).toContain(
      `录入备案号和备案日期 / Record the filing number and date: ${portal}deals/deal-0001`,
    );
  });

  it('the registration reminder: Patent Law art. 10, register with CNIPA, then record the registration (link)', async () => {
    const { registrationReminder: mail } = await everyMail('');
    expect(mail!.subject).toContain('Registration reminder');
    expect(mail!.text).toContain('专利法第十条');
    expect(mail!.text).toContain('著录项目变更');
    expect(mail!.text).toContain('录入登记号和登记日并保存');
    expect(mail!.html).toContain(`href="${portal}deals/deal-0001"`);
  });

  it('names the API only on a line for integrators', async () => {
    const mails = await everyMail('');
    for (const name of ['overdueFiling', 'registrationReminder']) {
      const lines = mails[name]!.text.split('\n').filter((line) => /(GET|PUT|POST) \/v1\//.test(line));
      expect(lines, name).toEqual([
        '系统对接 / For integrators: PUT /v1/deals/deal-0001/filing {"number": "...", "date": "YYYY-MM-DD"}',
      ]);
    }
  });
});

describe('the layout', () => {
  it('refuses a link that is not http(s): no javascript: or data: in an email', () => {
    expect(() => safeHref('javascript:alert(1)')).toThrow('http(s)');
    expect(() => safeHref('data:text/html,<script>alert(1)</script>')).toThrow('http(s)');
    expect(safeHref('https://portal.example.cn/a b')).toBe('https://portal.example.cn/a%20b');
    expect(() =>
      renderMail({
        title: { zh: '标题' },
        blocks: [],
        action: { label: { zh: '点击' }, href: 'javascript:alert(1)' },
        reason: { zh: '原因' },
      }),
    ).toThrow('http(s)');
  });

  it('escapes the five characters of HTML, in text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    const { html } = renderMail({
      title: { zh: '标题', en: 'Title' },
      blocks: [
        { table: { head: ['列'], rows: [[script]] } },
        { facts: [[script, script]] },
        { list: [script] },
      ],
      reason: { zh: script },
    });
    expect(html).not.toContain('<script>');
    expect(html.split('&lt;script&gt;alert(1)&lt;/script&gt;')).toHaveLength(6);
  });

  it('is the one escapeHtml of the project: no other definition in functions/', async () => {
    const root = resolve(import.meta.dirname, '../../functions');
    const definitions: string[] = [];
    for (const entry of await readdir(root, { recursive: true })) {
      if (!entry.endsWith('.ts')) continue;
      const source = await readFile(join(root, entry), 'utf8');
      if (/function escapeHtml\b|const escapeHtml\b/.test(source)) definitions.push(entry);
    }
    expect(definitions).toEqual(['mail/layout.ts']);
  });
});
