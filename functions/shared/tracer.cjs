// The Powertools Tracer, required as CommonJS on purpose (functions/shared/powertools.ts loads this file
// only when SDK tracing is on). Its ES module build does `import http from 'node:http'`, which esbuild
// hoists to the top of the ESM bundle even when the tracer is never used, and an ES import of node:http
// makes Node load undici, worker_threads and perf_hooks: ~15-50 ms of every cold start. Required from
// here, the tracer's code stays inside a lazy CommonJS wrapper and node:http is required, not imported.
const { Tracer } = require('@aws-lambda-powertools/tracer');
const { captureLambdaHandler } = require('@aws-lambda-powertools/tracer/middleware');

module.exports = { Tracer, captureLambdaHandler };
