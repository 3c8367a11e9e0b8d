/**
 * deadline-sweep task (or run alone with `npm run job`): flags license filings past their due date,
 * reminds pending assignment registrations and overdue payments (money.ts), and emails the institution and its province admins. Input `{ now?: ISO time }`; output the counts.
 */

import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { Context } from 'aws-lambda';
import type * as z from 'zod';
import { overdueSweepInputSchema } from '../../schemas/task-inputs.ts';
import { logger } from '../shared/powertools.ts';
import { taskHandler } from '../shared/task-handler.ts';
import { moneyDeps } from './money-deps.ts';
import { flagOverdueFilings } from './overdue.ts';
import { remindOverduePayments } from './payment-reminders.ts';
import { provinceAdminDirectory, transferDeps } from './transfer-deps.ts';

const deps = transferDeps();
const money = moneyDeps();

export const handler = taskHandler(
  async (event: z.infer<typeof overdueSweepInputSchema>, context: Context) => {
    const directory = await provinceAdminDirectory();
    const outcome = await flagOverdueFilings(
      { ...deps, directory },
      {
        now: event.now,
        shouldStop: () => context.getRemainingTimeInMillis() < 60_000,
      },
    );
    logger.info('overdue filings flagged', { ...outcome, failed: outcome.failed.length });
    // Overdue payments and royalty reports: one reminder per obligation to the deal's institution.
    const payments = await remindOverduePayments(money, {
      now: event.now,
      shouldStop: () => context.getRemainingTimeInMillis() < 30_000,
    });
    logger.info('overdue payments reminded', { ...payments, failed: payments.failed.length });
    outcome.failed.push(...payments.failed);
    if (outcome.failed.length) {
      // Fail so that the workflow's Retry / the alarms see it; flagging is conditional, a retry is safe.
      throw new Error(
        `${outcome.failed.length} overdue deals could not be flagged, e.g. ${outcome.failed
          .slice(0, 5)
          .map((f) => `${f.dealId}: ${f.error}`)
          .join('; ')}`,
      );
    }
    return {
      due: outcome.due,
      flagged: outcome.flagged,
      reminded: outcome.reminded,
      skipped: outcome.skipped,
      mailed: outcome.mailed,
      withoutRecipient: outcome.withoutRecipient.length,
      complete: outcome.complete && payments.complete,
      paymentsReminded: payments.reminded,
      paymentReminderMails: payments.mailed,
    };
  },
).use(parser({ schema: overdueSweepInputSchema }));
