/**
 * A file download as an HTTP response: the body, its type and a Content-Disposition header that gives
 * browsers reading filename* (RFC 6266 / RFC 8187) the Chinese name and the others an ASCII one. Kept
 * apart from http.ts so that only the routes that send files bundle content-disposition.
 */
import { create as contentDisposition } from 'content-disposition';
import type { HttpResponse } from './http.ts';

export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface Attachment {
  /** The name a reader sees, in Chinese. */
  fileName: string;
  /** The same name in ASCII, for clients that do not read filename*. */
  asciiFileName: string;
}

/** The Content-Disposition header of a download named `file`. */
export const attachmentHeader = (file: Attachment): Record<string, string> => ({
  'content-disposition': contentDisposition(file.fileName, { fallback: file.asciiFileName }),
});

/** A workbook to download (`xlsx` as bytes or already base64), with any extra headers. */
export function xlsxAttachment(
  file: Attachment & { xlsx: Buffer | string },
  headers: Record<string, string> = {},
): HttpResponse {
  return {
    status: 200,
    binaryBase64: typeof file.xlsx === 'string' ? file.xlsx : file.xlsx.toString('base64'),
    contentType: xlsxContentType,
    headers: { ...attachmentHeader(file), ...headers },
  };
}
