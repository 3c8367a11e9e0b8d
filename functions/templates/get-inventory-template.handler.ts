import { create as contentDisposition } from 'content-disposition';
import { getInventoryTemplateRoute } from '../../schemas/routes/intake.ts';
import { NotFoundError } from '../shared/errors.ts';
import { type HttpResponse, httpRoute } from '../shared/http.ts';
import { renderedWorkbooks } from './rendered-workbooks.generated.ts';
import { renderTemplateCsv, type TemplateDocument, templateDocuments } from './template-documents.ts';

/** The Chinese name for browsers that read filename* (RFC 8187), an ASCII one for those that do not. */
const attachment = (name: string, asciiName: string) => contentDisposition(name, { fallback: asciiName });

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
      render: () => ({
        status: 200,
        binaryBase64: renderedWorkbooks[name],
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        headers: {
          'content-disposition': attachment(
            `${document.fileName.zh}.xlsx`,
            `${document.fileName.ascii}.xlsx`,
          ),
          ...caching,
        },
      }),
    },
    [`${name}.csv`]: {
      render: () => ({
        status: 200,
        text: csv,
        contentType: 'text/csv; charset=utf-8',
        headers: {
          'content-disposition': attachment(`${document.fileName.zh}.csv`, `${document.fileName.ascii}.csv`),
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
