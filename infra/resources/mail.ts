import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration, ScheduleDeclaration } from './declarations.ts';

/** Queued emails are sent by the one core stream reader (infra/resources/streams.ts). */

export const mailFunctions = {
  queueTestMail: {
    entry: 'functions/mail/queue-test-mail.handler.ts',
    description: 'POST /v1/admin/mail:test: queues a test email so an operator can check delivery',
    tables: { core: 'readWrite' },
    settings: settingsOf('portal'),
  },
  retryMail: {
    entry: 'functions/mail/retry-mail.handler.ts',
    description: 'Schedule: re-sends emails whose delivery failed',
    tables: { core: 'readWrite' },
    buckets: { reports: 'read' },
    sendsMail: true,
    timeoutSeconds: 300,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const mailSchedules = {
  'mail-retry': {
    description: 'Re-sends emails whose delivery failed (every 15 minutes)',
    cron: 'cron(0/15 * * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'retryMail' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
