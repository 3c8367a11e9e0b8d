import { getInventoryTemplateRoute } from '../../schemas/routes/intake.ts';
import { NotFoundError } from '../shared/errors.ts';
import { type HttpResponse, httpRoute } from '../shared/http.ts';
import {
  enterprisesDocument,
  evaluationDocument,
  inventoryDocument,
  renderTemplateCsv,
  renderTemplateXlsx,
  type TemplateDocument,
} from './inventory-template.ts';

/** RFC 8187 value: percent-encodes everything but attr-chars (encodeURIComponent leaves ! ' ( ) * alone). */
const encodeRfc8187 = (name: string) =>
  encodeURIComponent(name).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The Chinese name for browsers that read filename*, an ASCII one for those that do not. */
const attachment = (name: string, asciiName: string) =>
  `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeRfc8187(name)}`;

interface TemplateFile {
  render: () => Promise<HttpResponse>;
}

/** Rendered once per container: the template only changes with a deployment. */
const once = <T>(make: () => Promise<T>) => {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= make().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
};

const caching = { 'cache-control': 'private, max-age=3600' };

/** The XLSX and CSV files of one template, rendered once per container. */
function templateFiles(name: string, document: TemplateDocument): Record<string, TemplateFile> {
  const xlsx = once(async () => (await renderTemplateXlsx(document)).toString('base64'));
  const csv = once(async () => renderTemplateCsv(document.columns));
  return {
    [`${name}.xlsx`]: {
      render: async () => ({
        status: 200,
        binaryBase64: await xlsx(),
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
      render: async () => ({
        status: 200,
        text: await csv(),
        contentType: 'text/csv; charset=utf-8',
        headers: {
          'content-disposition': attachment(`${document.fileName.zh}.csv`, `${document.fileName.ascii}.csv`),
          ...caching,
        },
      }),
    },
  };
}

const files: Readonly<Record<string, TemplateFile>> = {
  ...templateFiles('inventory', inventoryDocument),
  ...templateFiles('enterprises', enterprisesDocument),
  ...templateFiles('evaluation', evaluationDocument),
};

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
