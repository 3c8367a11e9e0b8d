/**
 * Local EventBridge Scheduler: croner fires each schedule of infra/resources.ts on the same cron
 * expression in the same time zone, and `fire(name)` runs one now (npm run job -- <name>).
 */
import { Cron } from 'croner';
import { type ScheduleDeclaration, type ScheduleName, schedules } from '../resources.ts';

/**
 * EventBridge cron(min hour day-of-month month day-of-week year) -> croner's 7-part pattern (seconds
 * first). The six AWS fields are passed as they are: croner reads `?`, the year field, and with
 * `cronerOptions` AWS's day-of-week numbering (1-7 from Sunday, croner's Quartz mode `alternativeWeekdays`)
 * and numeric-prefix steps such as 0/15 (`sloppyRanges`).
 */
export function toCronerPattern(awsCron: string): string {
  const match = /^cron\((.+)\)$/.exec(awsCron.trim());
  if (!match) throw new Error(`${awsCron} is not an EventBridge cron(...) expression`);
  const fields = match[1]!.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new Error(`${awsCron} must have 6 fields: minutes hours day-of-month month day-of-week year`);
  return `0 ${fields.join(' ')}`;
}

/** How croner must read a toCronerPattern pattern to mean what EventBridge Scheduler means. */
export const cronerOptions = { mode: '7-part', alternativeWeekdays: true, sloppyRanges: true } as const;

export interface ScheduleRun {
  name: ScheduleName;
  startedAt: string;
  finishedAt?: string;
  ok?: boolean;
  result?: unknown;
  error?: string;
}

export class LocalScheduler {
  private readonly jobs: Cron[] = [];
  readonly runs: ScheduleRun[] = [];
  readonly createdAt = Date.now() / 1000;
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly run: (
      name: ScheduleName,
      declaration: ScheduleDeclaration,
      payload?: Record<string, unknown>,
    ) => Promise<unknown>,
    private readonly log: (line: string) => void,
  ) {}

  start(): void {
    for (const [name, declaration] of Object.entries(schedules) as Array<
      [ScheduleName, ScheduleDeclaration]
    >) {
      this.jobs.push(
        new Cron(
          toCronerPattern(declaration.cron),
          { ...cronerOptions, timezone: declaration.timezone, name, protect: true },
          async () => {
            await this.fire(name).catch(() => undefined);
          },
        ),
      );
    }
  }

  next(name: ScheduleName): Date | null {
    return this.jobs.find((job) => job.name === name)?.nextRun() ?? null;
  }

  /** Runs a schedule's target now; `payload` (from npm run job -- name --key value) is its input. */
  async fire(name: string, payload?: Record<string, unknown>): Promise<ScheduleRun> {
    const declaration = (schedules as Record<string, ScheduleDeclaration>)[name];
    if (!declaration) {
      throw new Error(`No schedule "${name}": the schedules are ${Object.keys(schedules).join(', ')}.`);
    }
    const entry: ScheduleRun = { name: name as ScheduleName, startedAt: new Date().toISOString() };
    this.runs.push(entry);
    if (this.runs.length > 200) this.runs.shift();
    const input = declaration.input || payload ? { ...declaration.input, ...payload } : undefined;
    const task = this.run(name as ScheduleName, declaration, input);
    this.running.add(task);
    try {
      entry.result = await task;
      entry.ok = true;
    } catch (error) {
      entry.ok = false;
      entry.error = (error as Error).message;
      this.log(`schedule ${name} failed: ${entry.error}`);
    } finally {
      this.running.delete(task);
      entry.finishedAt = new Date().toISOString();
    }
    return entry;
  }

  async stop(): Promise<void> {
    for (const job of this.jobs) job.stop();
    await Promise.allSettled([...this.running]);
  }
}
