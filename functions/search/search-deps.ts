/**
 * Wires the search use-case to the engine this deployment has: the endpoint in SEARCH_ENDPOINT (the
 * local cloud's embedded engine), or none: on AWS the OpenSearch adapter is a later slice
 * (docs/search.md), and until then every search answers 503 NOT_CONFIGURED instead of failing.
 */
import { searchEnvNames } from '../../schemas/resource-names.ts';
import { NotConfiguredError } from '../shared/errors.ts';
import { httpSearchIndex, searchPath } from './http-search-index.ts';
import type { PatentSearchIndex } from './ports.ts';
import type { SearchDeps } from './search.ts';

export const unconfiguredSearchIndex: PatentSearchIndex = {
  async search() {
    throw new NotConfiguredError(
      'Search is not configured in this deployment: list patents with GET /v1/patents (filters by industry, strategic industry and TRL) until the operators enable search.',
    );
  },
};

export function searchDeps(env: NodeJS.ProcessEnv = process.env, path = searchPath): SearchDeps {
  const endpoint = env[searchEnvNames.endpoint];
  return { index: endpoint ? httpSearchIndex(endpoint, undefined, path) : unconfiguredSearchIndex };
}
