/** exceljs' own modules imported one by one (functions/intake/read-table.ts): typed where they are used. */
declare module 'exceljs/lib/stream/xlsx/workbook-reader.js' {
  const WorkbookReader: unknown;
  export default WorkbookReader;
}
declare module 'exceljs/lib/stream/xlsx/workbook-writer.js' {
  const WorkbookWriter: unknown;
  export default WorkbookWriter;
}
