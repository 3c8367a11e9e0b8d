/**
 * The XLSX templates the API serves are rendered at build time (functions/templates/generate-workbooks.ts,
 * `npm run codes`). This fails when a template's columns or words changed and the workbooks were not
 * rendered again: every part of each workbook must equal a fresh render, except the workbook's own
 * creation time (docProps/core.xml); zip entry dates are not compared.
 */
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { renderTemplateXlsx } from '../../functions/templates/inventory-template.ts';
import { renderedWorkbooks } from '../../functions/templates/rendered-workbooks.generated.ts';
import { templateDocuments } from '../../functions/templates/template-documents.ts';

async function parts(xlsx: Buffer): Promise<Record<string, string>> {
  const zip = await JSZip.loadAsync(xlsx);
  const entries: Record<string, string> = {};
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir || name === 'docProps/core.xml') continue;
    entries[name] = await entry.async('string');
  }
  return entries;
}

describe('the pre-rendered template workbooks', () => {
  it.each(Object.entries(templateDocuments))(
    '%s.xlsx equals a fresh render (else run `npm run codes`)',
    async (name, document) => {
      const served = await parts(
        Buffer.from(renderedWorkbooks[name as keyof typeof renderedWorkbooks], 'base64'),
      );
      const fresh = await parts(await renderTemplateXlsx(document));
      expect(Object.keys(served).sort()).toEqual(Object.keys(fresh).sort());
      for (const part of Object.keys(fresh))
        expect(served[part], `${name}.xlsx ${part} is stale: run npm run codes`).toBe(fresh[part]);
    },
  );

  it('a changed column is noticed', async () => {
    const changed = {
      ...templateDocuments.inventory,
      columns: templateDocuments.inventory.columns.map((c, i) => (i === 0 ? { ...c, zh: `${c.zh}X` } : c)),
    };
    const served = await parts(Buffer.from(renderedWorkbooks.inventory, 'base64'));
    const fresh = await parts(await renderTemplateXlsx(changed));
    expect(Object.keys(fresh).some((part) => served[part] !== fresh[part])).toBe(true);
  });
});
