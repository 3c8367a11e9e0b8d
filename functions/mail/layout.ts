/**
 * The one layout of every email the system sends, and its plain-text alternative from the same content.
 *
 * A mail module describes what to say (a title, blocks of text, an optional table, one call to action,
 * why the reader gets it) in plain strings; this module alone writes HTML, so every interpolated value
 * goes through the one `escapeHtml` below. Chinese comes first, English second, as in every email of
 * the programme. Mail clients strip <style> blocks and scripts: tables for layout, inline styles only,
 * no external resource (the report's chart is an inline cid: part).
 *
 * Links go through `portalLink()` (context `portalUrl`, PORTAL_URL): a function that bundles this
 * module declares the `portal` setting (test/infra/settings.test.ts checks it).
 */
import { portalLink } from '../shared/portal.ts';

/** Escapes text for HTML element content and attribute values (the one escaper of the project). */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export const programmeName = { zh: '专利转化运用', en: 'Patent revitalization programme' } as const;

/** Text in both languages: Chinese first; English below it (omitted when the Chinese says it all). */
export interface Bilingual {
  zh: string;
  en?: string;
}

export type Cell = string | number | undefined;

/** HTML written by a trusted renderer that escaped its own values with `escapeHtml` (the report). */
export interface TrustedHtml {
  trustedHtml: string;
  text: string;
}

export type Block =
  /** A paragraph. */
  | { p: Bilingual }
  /** A bulleted list of single-language or "中文 / English" items. */
  | { list: string[] }
  /** Label-value pairs (two columns, no header). */
  | { facts: Array<[Bilingual | string, Cell]> }
  /** A table with a header row. */
  | { table: { head: Array<Bilingual | string>; rows: Cell[][] } }
  | TrustedHtml;

export interface MailContent {
  /** The heading of the email (and the HTML document's title). */
  title: Bilingual;
  /** "某某大学：" / "张三，您好：": the addressee, on its own line. */
  greeting?: string;
  blocks: Block[];
  /** The one thing to do: a button in HTML, a labelled URL in text. http(s) only. */
  action?: { label: Bilingual; href: string };
  /** Small print under the action, e.g. the API route for integrators. */
  notes?: string[];
  /** The footer: why the reader gets this email. */
  reason: Bilingual;
  /** Where the reader stops this kind of email, where one can (a link in the footer). */
  optOut?: { label: Bilingual; href: string };
}

const font = "'PingFang SC','Microsoft YaHei','Noto Sans SC',Arial,sans-serif";
const color = { text: '#1f2328', muted: '#57606a', line: '#d0d7de', head: '#f3f5f8', brand: '#0b5cad' };
const cell = `padding:6px 10px;border:1px solid ${color.line};font-size:13px;vertical-align:top;`;
const th = `${cell}background:${color.head};font-weight:bold;text-align:left;`;

const e = escapeHtml;
const str = (value: Cell) => (value === undefined ? '' : String(value));
const bi = (text: Bilingual | string): Bilingual => (typeof text === 'string' ? { zh: text } : text);
const oneLine = (text: Bilingual | string) => {
  const { zh, en } = bi(text);
  return en ? `${zh} ${en}` : zh;
};

/** Refuses anything but an absolute http(s) URL: a link in an email is never javascript: or data:. */
export function safeHref(href: string): string {
  const url = new URL(href);
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error(`An email link must be http(s), got ${url.protocol}`);
  return url.toString();
}

function blockHtml(block: Block): string {
  if ('trustedHtml' in block) return block.trustedHtml;
  if ('p' in block) {
    const { zh, en } = block.p;
    return `<p style="margin:0 0 12px 0;font-size:14px;line-height:1.6;">${e(zh)}${
      en ? `<br><span style="color:${color.muted};font-size:13px;">${e(en)}</span>` : ''
    }</p>`;
  }
  if ('list' in block)
    return `<ul style="margin:0 0 12px 0;padding-left:20px;font-size:14px;line-height:1.6;">${block.list
      .map((item) => `<li>${e(item)}</li>`)
      .join('')}</ul>`;
  if ('facts' in block)
    return `<table role="presentation" style="border-collapse:collapse;margin:0 0 12px 0;">${block.facts
      .map(([label, value]) => {
        const { zh, en } = bi(label);
        return `<tr><td style="${th}white-space:nowrap;">${e(zh)}${en ? `<br><span style="color:${color.muted};font-weight:normal;font-size:12px;">${e(en)}</span>` : ''}</td><td style="${cell}">${e(str(value))}</td></tr>`;
      })
      .join('')}</table>`;
  const { head, rows } = block.table;
  return `<table style="border-collapse:collapse;margin:0 0 12px 0;"><tr>${head
    .map((h) => {
      const { zh, en } = bi(h);
      return `<th style="${th}">${e(zh)}${en ? `<br><span style="color:${color.muted};font-weight:normal;font-size:12px;">${e(en)}</span>` : ''}</th>`;
    })
    .join('')}</tr>${rows
    .map((row) => `<tr>${row.map((value) => `<td style="${cell}">${e(str(value))}</td>`).join('')}</tr>`)
    .join('')}</table>`;
}

function blockText(block: Block): string[] {
  if ('trustedHtml' in block) return [block.text];
  if ('p' in block) return [block.p.zh, ...(block.p.en ? [block.p.en] : [])];
  if ('list' in block) return block.list.map((item) => `- ${item}`);
  if ('facts' in block) return block.facts.map(([label, value]) => `${oneLine(label)}: ${str(value)}`);
  const { head, rows } = block.table;
  return [head.map(oneLine).join(' | '), ...rows.map((row) => `- ${row.map(str).join(' | ')}`)];
}

const heading = ({ zh, en }: Bilingual) => (en ? `${zh} / ${en}` : zh);

/** The HTML document of an email. */
export function renderMailHtml(content: MailContent): string {
  const home = safeHref(portalLink(''));
  const title = heading(content.title);
  const action = content.action
    ? `<table role="presentation" style="border-collapse:separate;margin:8px 0 8px 0;"><tr><td style="background:${color.brand};border-radius:4px;"><a href="${e(safeHref(content.action.href))}" style="display:inline-block;padding:10px 20px;color:#ffffff;text-decoration:none;font-size:14px;font-weight:bold;">${e(heading(content.action.label))}</a></td></tr></table><p style="margin:0 0 16px 0;font-size:12px;color:${color.muted};word-break:break-all;">${e(safeHref(content.action.href))}</p>`
    : '';
  const notes = content.notes?.length
    ? `<p style="margin:0 0 8px 0;font-size:12px;color:${color.muted};">${content.notes.map(e).join('<br>')}</p>`
    : '';
  const { zh: reasonZh, en: reasonEn } = content.reason;
  return `<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${e(title)}</title></head><body style="margin:0;padding:0;background:#f6f8fa;font-family:${font};color:${color.text};">
<table role="presentation" width="100%" style="border-collapse:collapse;background:#f6f8fa;"><tr><td style="padding:16px;">
<table role="presentation" style="border-collapse:collapse;width:100%;max-width:960px;margin:0 auto;background:#ffffff;border:1px solid ${color.line};">
<tr><td style="padding:12px 24px;background:${color.brand};"><a href="${e(home)}" style="color:#ffffff;text-decoration:none;font-size:15px;font-weight:bold;">${e(programmeName.zh)}</a> <span style="color:#dbe8f6;font-size:13px;">${e(programmeName.en)}</span></td></tr>
<tr><td style="padding:20px 24px 8px 24px;">
<h1 style="margin:0 0 16px 0;font-size:20px;line-height:1.4;">${e(content.title.zh)}${content.title.en ? `<br><span style="font-size:15px;color:${color.muted};font-weight:normal;">${e(content.title.en)}</span>` : ''}</h1>
${content.greeting ? `<p style="margin:0 0 12px 0;font-size:14px;">${e(content.greeting)}</p>` : ''}
${content.blocks.map(blockHtml).join('\n')}
${action}${notes}
</td></tr>
<tr><td style="padding:12px 24px 16px 24px;border-top:1px solid ${color.line};font-size:12px;color:${color.muted};line-height:1.6;">${e(reasonZh)}${reasonEn ? `<br>${e(reasonEn)}` : ''}${
    content.optOut
      ? `<br><a href="${e(safeHref(content.optOut.href))}" style="color:${color.muted};">${e(heading(content.optOut.label))}</a>`
      : ''
  }<br>${e(programmeName.zh)} · ${e(programmeName.en)} · <a href="${e(home)}" style="color:${color.muted};">${e(home)}</a><br>本邮件由系统自动发送，请勿直接回复。This email was sent automatically; replies are not read.</td></tr>
</table>
</td></tr></table>
</body></html>`;
}

/** The plain-text alternative: the same content, line by line. */
export function renderMailText(content: MailContent): string {
  const lines = [`${programmeName.zh} / ${programmeName.en}`, '', content.title.zh];
  if (content.title.en) lines.push(content.title.en);
  lines.push('');
  if (content.greeting) lines.push(content.greeting);
  for (const block of content.blocks) lines.push(...blockText(block), '');
  if (content.action) lines.push(`${heading(content.action.label)}: ${safeHref(content.action.href)}`, '');
  if (content.notes?.length) lines.push(...content.notes, '');
  lines.push('--', content.reason.zh);
  if (content.reason.en) lines.push(content.reason.en);
  if (content.optOut) lines.push(`${heading(content.optOut.label)}: ${safeHref(content.optOut.href)}`);
  lines.push(`${programmeName.zh} · ${programmeName.en} · ${safeHref(portalLink(''))}`);
  return lines.join('\n');
}

/** Both bodies of an email. */
export function renderMail(content: MailContent): { text: string; html: string } {
  return { text: renderMailText(content), html: renderMailHtml(content) };
}
