/**
 * Wires the search use-cases to the engine this deployment has (schemas/resource-names.ts,
 * searchEnvNames): on AWS the OpenSearch domain (SEARCH_ENGINE=opensearch, its endpoint in
 * SEARCH_ENDPOINT, ./opensearch-index.ts); in the local cloud the embedded engine over HTTP
 * (SEARCH_ENGINE=embedded, ./http-search-index.ts); with neither every search answers 503
 * NOT_CONFIGURED instead of failing.
 */
import { searchEnvNames } from '../../schemas/resource-names.ts';
import { NotConfiguredError } from '../shared/errors.ts';
import { httpSearchIndex, needSearchPath, searchPath } from './http-search-index.ts';
import { openSearchTransport } from './opensearch-client.ts';
import { openSearchIndexNames } from './opensearch-documents.ts';
import { openSearchIndex } from './opensearch-index.ts';
import type { PatentSearchIndex } from './ports.ts';
import type { SearchDeps } from './search.ts';

export const unconfiguredSearchIndex: PatentSearchIndex = {
  async search() {
    throw new NotConfiguredError(
      'Search is not configured in this deployment: list patents with GET /v1/patents (filters by industry, strategic industry and TRL) until the operators enable search.',
    );
  },
};

/** The index of patents (`searchPath`) or of needs (`needSearchPath`) of the deployment's engine. */
export function searchDeps(env: NodeJS.ProcessEnv = process.env, path = searchPath): SearchDeps {
  const endpoint = env[searchEnvNames.endpoint];
  if (!endpoint) return { index: unconfiguredSearchIndex };
  if (env[searchEnvNames.engine] === 'opensearch')
    return {
      index: openSearchIndex({
        transport: openSearchTransport(endpoint, env.AWS_REGION),
        index: path === needSearchPath ? openSearchIndexNames.needs : openSearchIndexNames.patents,
      }),
    };
  return { index: httpSearchIndex(endpoint, undefined, path) };
}
