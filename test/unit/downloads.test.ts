/**
 * File downloads name the file for every browser: the Chinese name in `filename*` (RFC 8187) and an
 * ASCII fallback in `filename`, built by the `content-disposition` library. The header is read back
 * with the same library's parser, as a browser would.
 */
import { parse } from 'content-disposition';
import { describe, expect, it } from 'vitest';
import { handler as getTemplate } from '../../functions/templates/get-inventory-template.handler.ts';
import { apiEvent } from '../support/api-event.ts';
import { lambdaContext } from '../support/lambda-context.ts';

const download = (file: string) =>
  getTemplate(
    apiEvent({
      method: 'GET',
      path: `/v1/templates/${file}`,
      routeKey: 'GET /v1/templates/{file}',
      pathParameters: { file },
      claims: { sub: 'user-1', 'cognito:groups': '[institution]', 'custom:uscc': '91110000MA0000001X' },
    }),
    lambdaContext(),
  ) as Promise<{ statusCode: number; headers: Record<string, string> }>;

describe('template downloads carry a Chinese file name with an ASCII fallback', () => {
  it.each([
    ['inventory.xlsx', '专利盘点模板.xlsx', 'patent-inventory-template.xlsx'],
    ['inventory.csv', '专利盘点模板.csv', 'patent-inventory-template.csv'],
    ['evaluation.xlsx', '专利评价反馈模板.xlsx', 'evaluation-feedback-template.xlsx'],
  ])('%s', async (file, zh, ascii) => {
    const response = await download(file);
    expect(response.statusCode).toBe(200);
    const header = response.headers['content-disposition']!;
    expect(header).toMatch(/^attachment;/);
    const disposition = parse(header);
    expect(disposition.type).toBe('attachment');
    // The parser prefers filename* (decoded UTF-8), as browsers do.
    expect(disposition.parameters.filename).toBe(zh);
    expect(header).toContain(`filename=${ascii}`);
  });
});
