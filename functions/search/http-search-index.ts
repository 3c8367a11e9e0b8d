/**
 * The search port over HTTP: the adapter a function uses to reach an engine that lives outside it. In
 * the local cloud that is the embedded engine served by the local process (infra/local/search.ts).
 * The request is the port's own JSON (plain text and filter values), never a query language.
 */
import { ServiceUnavailableError } from '../shared/errors.ts';
import type { PatentSearchAnswer, PatentSearchIndex, PatentSearchRequest } from './ports.ts';

export const searchPath = '/search/patents';
/** The same port over the engine's second index, of technology needs (./need-documents.ts). */
export const needSearchPath = '/search/needs';

export function httpSearchIndex(endpoint: string, timeoutMs = 5000, path = searchPath): PatentSearchIndex {
  return {
    // The local stream is polled every 200 ms and the engine updated in the same process (a change is
    // searchable within 2 s: test/integration/search.test.ts); 15 s leaves room for a loaded machine.
    indexingLagMs: 15_000,
    async search(request: PatentSearchRequest): Promise<PatentSearchAnswer> {
      let response: Response;
      try {
        response = await fetch(new URL(path, endpoint), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        throw new ServiceUnavailableError(
          `The search engine did not answer (${(error as Error).message}): send the same request again in a few seconds.`,
        );
      }
      if (!response.ok)
        throw new ServiceUnavailableError(
          `The search engine answered ${response.status}: send the same request again in a few seconds; if it persists, tell the operators.`,
        );
      return (await response.json()) as PatentSearchAnswer;
    },
  };
}
