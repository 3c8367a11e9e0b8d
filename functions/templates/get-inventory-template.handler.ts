import { getInventoryTemplateRoute } from '../../schemas/routes/intake.ts';
import { attachmentHeader, xlsxAttachment } from '../shared/attachment.ts';
import { NotFoundError } from '../shared/errors.ts';
import { type HttpResponse, httpRoute } from '../shared/http.ts';
import { renderedWorkbooks } from './rendered-workbooks.generated.ts';
import { renderTemplateCsv, type TemplateDocument, templateDocuments } from './template-documents.ts';

interface TemplateFile {
  render: () => HttpResponse;
}

const caching = { 'cache-control': 'private, max-age=3600' };

/** The XLSX (rendered at build time) and CSV files of one template. */
function templateFiles(
  name: keyof typeof templateDocuments,
  document: TemplateDocument,
): Record<string, TemplateFile> {
  const csv = renderTemplateCsv(document.columns);
  return {
    [`${name}.xlsx`]: {
      render: () =>
        xlsxAttachment(
          {
            xlsx: renderedWorkbooks[name],
            fileName: `${document.fileName.zh}.xlsx`,
            asciiFileName: `${document.fileName.ascii}.xlsx`,
          },
          caching,
        ),
    },
    [`${name}.csv`]: {
      render: () => ({
        status: 200,
        text: csv,
        contentType: 'text/csv; charset=utf-8',
        headers: {
          ...attachmentHeader({
            fileName: `${document.fileName.zh}.csv`,
            asciiFileName: `${document.fileName.ascii}.csv`,
          }),
          ...caching,
        },
      }),
    },
  };
}

const files: Readonly<Record<string, TemplateFile>> = Object.assign(
  {},
  ...Object.entries(templateDocuments).map(([name, document]) =>
    templateFiles(name as keyof typeof templateDocuments, document),
  ),
);

export const handler = httpRoute(getInventoryTemplateRoute, async ({ params }) => {
  const name: string = params.file;
  const file = Object.hasOwn(files, name) ? files[name] : undefined;
  if (!file) {
    throw new NotFoundError(
      `There is no template "${name}". Available: ${Object.keys(files).join(', ')} (GET /v1/templates/inventory.xlsx).`,
    );
  }
  return file.render();
});
