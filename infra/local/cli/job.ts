/** npm run job -- <schedule-name>: fires a schedule of the running local cloud now and prints the run. */
import { schedules } from '../../resources.ts';
import { post, runningCloud } from './running-cloud.ts';

const name = process.argv[2];
if (!name || !(name in schedules)) {
  console.error(
    `Usage: npm run job -- <schedule-name>; the schedules are: ${Object.keys(schedules).join(', ')}.`,
  );
  process.exit(1);
}
const cloud = runningCloud();
const run = (await post(`${cloud.controlUrl}/_local/schedules/${encodeURIComponent(name)}/fire`, {
  args: process.argv.slice(3),
})) as {
  ok: boolean;
  error?: string;
};
console.log(JSON.stringify(run, null, 2));
process.exit(run.ok ? 0 : 1);
