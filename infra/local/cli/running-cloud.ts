/** Finds the running local cloud (npm start) through the state file it writes under .data/. */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The state file of the cloud `npm start` runs with the same DATA_DIR: an absolute DATA_DIR as it is,
 * a relative one from the project folder (where npm runs every script, as npm start resolves it).
 */
export function stateFile(dataDir = process.env.DATA_DIR): string {
  return resolve(import.meta.dirname, '../../..', dataDir ?? '.data', 'local-cloud.json');
}

export function runningCloud(): { apiUrl: string; controlUrl: string } {
  const file = stateFile();
  if (!existsSync(file)) {
    console.error(
      `The local cloud is not running (no ${file}): start it with npm start (in another terminal, with the same DATA_DIR), then run this again.`,
    );
    process.exit(1);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as { apiUrl: string; controlUrl: string };
}

export async function post(url: string, body: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    console.error(
      'The local cloud does not answer: is npm start still running? Start it again, then run this again.',
    );
    process.exit(1);
  }
  const answer = (await response.json()) as { error?: string };
  if (!response.ok) {
    console.error(answer.error ?? `failed with HTTP ${response.status}`);
    process.exit(1);
  }
  return answer;
}
