/**
 * What exceljs' streaming XLSX reader takes from unzipper: `Parse` (exceljs/lib/stream/xlsx/
 * workbook-reader.js calls `unzip.Parse({ forceStream: true })` and nothing else). The Lambda bundles
 * alias `unzipper` to this module (infra/constructs/app-function.ts), so they leave out unzipper's
 * Extract and Open (fstream, glob, rimraf, graceful-fs, big-integer: about 90 KB of every bundle that
 * reads spreadsheets). The path is relative because the alias would rewrite `unzipper/lib/parse.js`
 * to this file too. The sources (tests, the local cloud) use unzipper itself; the bundles are checked
 * by test/aws/bundles-smoke.test.ts (an XLSX upload and preview run by the synthesized bundles).
 */
module.exports = { Parse: require('../../node_modules/unzipper/lib/parse.js') };
