/**
 * exceljs' streaming workbook writer, imported alone: exceljs' entry brings the in-memory workbook, the
 * readers and their zip libraries as well (about 600 KB more in a bundle, measured). The same class as
 * ExcelJS.stream.xlsx.WorkbookWriter.
 */
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import type ExcelJS from 'exceljs';
import WorkbookWriterModule from 'exceljs/lib/stream/xlsx/workbook-writer.js';

export const WorkbookWriter = WorkbookWriterModule as unknown as typeof ExcelJS.stream.xlsx.WorkbookWriter;
export type WorkbookWriter = ExcelJS.stream.xlsx.WorkbookWriter;

/** A streaming workbook written into memory; `bytes()` is the size so far, `done()` the whole file. */
export function workbookInMemory(options: { useSharedStrings?: boolean } = {}) {
  const chunks: Buffer[] = [];
  let bytes = 0;
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    bytes += chunk.length;
  });
  const finishedWriting = finished(sink);
  finishedWriting.catch(() => undefined); // awaited by done(); an abandoned workbook leaves no stray rejection
  const workbook = new WorkbookWriter({
    stream: sink,
    useStyles: true,
    useSharedStrings: options.useSharedStrings ?? false,
  });
  return {
    workbook,
    bytes: () => bytes,
    async done(): Promise<Buffer> {
      await workbook.commit();
      await finishedWriting;
      return Buffer.concat(chunks);
    },
  };
}
