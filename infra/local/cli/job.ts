/**
 * npm run job -- <schedule-name> [--key value ...]: fires a schedule of the running local cloud now and
 * prints the run; `--key value` pairs become the job's input (e.g. npm run job -- evaluation-digest --day 2026-11-24).
 */
import { schedules } from '../../resources.ts';
import { post, runningCloud } from './running-cloud.ts';

const name = process.argv[2];
if (!name || !(name in schedules)) {
  console.error(
    `Usage: npm run job -- <schedule-name>; the schedules are: ${Object.keys(schedules).join(', ')}.`,
  );
  process.exit(1);
}
const payload: Record<string, string | boolean> = {};
const rest = process.argv.slice(3);
for (let i = 0; i < rest.length; i++) {
  const key = /^--(.+)$/.exec(rest[i]!)?.[1];
  if (!key) continue;
  const value = rest[i + 1];
  if (value === undefined || value.startsWith('--')) payload[key] = true;
  else {
    payload[key] = value;
    i++;
  }
}
const cloud = runningCloud();
const run = (await post(`${cloud.controlUrl}/_local/schedules/${encodeURIComponent(name)}/fire`, {
  payload,
})) as {
  ok: boolean;
  error?: string;
};
console.log(JSON.stringify(run, null, 2));
process.exit(run.ok ? 0 : 1);
