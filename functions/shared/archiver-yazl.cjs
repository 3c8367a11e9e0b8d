/**
 * What exceljs' streaming workbook writer takes from archiver, on yazl. exceljs/lib/stream/xlsx/
 * workbook-writer.js calls `Archiver('zip', options)`, then `pipe(stream)`, `append(source, { name })`
 * with a string, a Buffer or a stream (its own StreamBuf per worksheet, written while rows come),
 * `file(path, { name })` for images given by file name, `on('error')` and `finalize()`; nothing else.
 *
 * The Lambda bundles alias `archiver` to this module (infra/constructs/app-function.ts
 * `workbookAliases`): archiver's directory globbing, tar and JSON formats and its Node 0.x stream
 * copies (readdir-glob, glob, minimatch, async, lazystream, tar-stream, archiver-utils, zip-stream,
 * compress-commons, readable-stream: about 200 KB of every bundle that writes a workbook) give way to
 * yazl (about 15 KB), which deflates with Node's zlib and writes the entries in order, streaming, as
 * archiver does. The sources (tests, the local cloud) use archiver itself; the bundles are checked by
 * test/aws/bundles-smoke.test.ts (the pool export and a report workbook, read back by exceljs).
 */
const { EventEmitter } = require('node:events');
const { PassThrough } = require('node:stream');
const { ZipFile } = require('yazl');

class ZipArchive extends EventEmitter {
  constructor(options) {
    super();
    this.compressionLevel = options?.zlib?.level ?? 6;
    this.zipFile = new ZipFile();
    this.zipFile.on('error', (error) => this.emit('error', error));
  }

  pipe(destination) {
    this.zipFile.outputStream.pipe(destination);
    return destination;
  }

  append(source, data) {
    const name = entryName(data.name);
    const options = { compressionLevel: this.compressionLevel };
    if (typeof source === 'string' || Buffer.isBuffer(source)) {
      const bytes =
        typeof source === 'string' ? Buffer.from(source, data.base64 ? 'base64' : 'utf8') : source;
      this.zipFile.addBuffer(bytes, name, options);
    } else {
      // exceljs' StreamBuf inherits from Duplex without its state (no `_readableState`): piped into a
      // real stream now, before the worksheet writes its first row, as archiver does (archiver-utils
      // normalizeInputSource).
      let readable = source;
      if (!source._readableState) {
        readable = new PassThrough();
        source.pipe(readable); // StreamBuf's pipe() returns nothing
      }
      this.zipFile.addReadStream(readable, name, options);
    }
    return this;
  }

  file(path, data) {
    this.zipFile.addFile(path, entryName(data.name), { compressionLevel: this.compressionLevel });
    return this;
  }

  finalize() {
    this.zipFile.end();
    return Promise.resolve();
  }
}

/** Archiver's sanitizePath: forward slashes, no leading slash (exceljs names entries `/xl/...`). */
function entryName(name) {
  return String(name).replace(/\\/g, '/').replace(/^\/+/, '');
}

module.exports = function archiver(format, options) {
  if (format !== 'zip') throw new Error(`archiver-yazl writes zip archives only, not ${format}`);
  return new ZipArchive(options);
};
