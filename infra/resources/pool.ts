/** Conversion pool: the province feed and export. Joined with the other areas in infra/resources.ts. */

import type { FunctionDeclaration } from './declarations.ts';

export const poolFunctions = {
  getPoolFeed: {
    entry: 'functions/pool/get-pool-feed.handler.ts',
    description:
      'GET /v1/pool: the conversion-pool patents of a province changed since a time, with their evaluation state (cursor feed)',
    tables: { core: 'read' },
    timeoutSeconds: 29,
  },
  exportPool: {
    entry: 'functions/pool/export-pool.handler.ts',
    description: 'GET /v1/pool/export.xlsx: the conversion pool of a province as a spreadsheet (bounded)',
    tables: { core: 'read' },
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
} as const satisfies Record<string, FunctionDeclaration>;
