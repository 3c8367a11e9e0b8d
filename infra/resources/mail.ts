import type { FunctionDeclaration, ScheduleDeclaration, StreamConsumerDeclaration } from './declarations.ts';

export const mailFunctions = {
  queueTestMail: {
    entry: 'functions/mail/queue-test-mail.handler.ts',
    description: 'POST /v1/admin/mail:test: queues a test email so an operator can check delivery',
    tables: { core: 'readWrite' },
  },
  dispatchMail: {
    entry: 'functions/mail/dispatch-mail.handler.ts',
    description: 'Core stream consumer: sends queued emails (SES in AWS, .eml outbox locally)',
    tables: { core: 'readWrite' },
    buckets: { reports: 'read' },
    sendsMail: true,
    timeoutSeconds: 60,
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

export const mailStreamConsumers = [
  {
    table: 'core',
    function: 'dispatchMail',
    filterPattern: { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['mail'] } } } },
    batchSize: 10,
    retryAttempts: 3,
  },
] as const satisfies readonly StreamConsumerDeclaration[];

export const mailSchedules = {
  'mail-retry': {
    description: 'Re-sends emails whose delivery failed (every 15 minutes)',
    cron: 'cron(0/15 * * * ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'retryMail' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
