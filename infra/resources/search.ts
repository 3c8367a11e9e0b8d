/** Search: the full-text search of patents (docs/search.md). Joined with the other areas in infra/resources.ts. */

import type { FunctionDeclaration, WorkflowDeclaration } from './declarations.ts';

export const searchFunctions = {
  searchPatents: {
    entry: 'functions/search/search-patents.handler.ts',
    description:
      'GET /v1/search/patents: full-text search through the search port (locally the embedded engine; on AWS the OpenSearch domain)',
    // The hits' institutions (their names in the public view).
    tables: { core: 'read' },
    search: 'read',
  },
  searchNeeds: {
    entry: 'functions/search/search-needs.handler.ts',
    description:
      'GET /v1/search/needs: full-text search of enterprise technology needs through the same search port and engine',
    search: 'read',
  },
  saveSearch: {
    entry: 'functions/search/save-search.handler.ts',
    description:
      'POST /v1/saved-searches: a verified enterprise saves a patent search as a daily alert (at most 20)',
    tables: { core: 'readWrite' },
  },
  listSavedSearches: {
    entry: 'functions/search/list-saved-searches.handler.ts',
    description: "GET /v1/saved-searches: the enterprise's saved searches",
    tables: { core: 'read' },
  },
  deleteSavedSearch: {
    entry: 'functions/search/delete-saved-search.handler.ts',
    description: 'DELETE /v1/saved-searches/{savedSearchId}: a saved search deleted, its alerts stop',
    tables: { core: 'readWrite' },
  },
  refillSearchIndex: {
    entry: 'functions/search/refill-search-index.handler.ts',
    description:
      'search-refill task: scans the core table from a cursor and writes every patent and need to the OpenSearch indices (_bulk, external versions) for up to 10 minutes; answers the cursor to go on from',
    tables: { core: 'read' },
    search: 'write',
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const searchWorkflows = {
  'search-refill': {
    file: 'workflows/search-refill.asl.json',
    description:
      'Refills the OpenSearch indices from the core table (a new domain, a restored one, a new mapping version): the refill task in a loop until the table is done; started by an operator',
    // Standard: a national refill (1.5 million patents) runs for longer than Express allows.
    type: 'STANDARD',
    tasks: { RefillSearchIndexFunction: 'refillSearchIndex' },
  },
} as const satisfies Record<string, WorkflowDeclaration>;
