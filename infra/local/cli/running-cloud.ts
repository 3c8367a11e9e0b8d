/** Finds the running local cloud (npm start) through the state file it writes under .data/. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function runningCloud(): { apiUrl: string; controlUrl: string } {
  const file = join(
    resolve(import.meta.dirname, '../../..'),
    process.env.DATA_DIR ?? '.data',
    'local-cloud.json',
  );
  if (!existsSync(file)) {
    console.error(
      'The local cloud is not running: start it with npm start (in another terminal), then run this again.',
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
