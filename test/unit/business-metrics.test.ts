/**
 * Business metrics (docs/operations.md "Dashboard and business metrics"): what each use-case boundary
 * records, and the EMF lines Powertools writes for them: the namespace, the `service` dimension the
 * dashboard graphs by, a metric's own dimension (kind, event) as a single metric, dimensionless counts
 * buffered until the handler ends, and no warning from an invocation that counted nothing.
 */

import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recordJobEnd } from '../../functions/intake/job-metrics.ts';
import type { MailDeps, MailItem } from '../../functions/mail/mail-outbox.ts';
import { mailStreamConsumer } from '../../functions/mail/mail-stream-consumer.ts';
import { newMetrics, powertoolsRecorder } from '../../functions/shared/business-metrics.ts';
import { logger } from '../../functions/shared/powertools.ts';
import { transitionCounts } from '../../functions/streams/transition-counts.ts';
import {
  type BusinessMetric,
  businessMetricNames,
  type MetricsRecorder,
} from '../../schemas/business-metrics.ts';

type Counted = [BusinessMetric, number, string?];
function arrayRecorder(): MetricsRecorder & { counted: Counted[] } {
  const counted: Counted[] = [];
  return {
    counted,
    count: (name, value, dimension) => counted.push(dimension ? [name, value, dimension] : [name, value]),
  };
}

/** EMF lines printed by Powertools (POWERTOOLS_DEV: through the global console), parsed. */
function emfLines(log: ReturnType<typeof vi.spyOn>) {
  return log.mock.calls
    .map((call: unknown[]) => JSON.parse(String(call[0])) as Record<string, unknown>)
    .filter((line: Record<string, unknown>) => '_aws' in line);
}
type Emf = {
  _aws: {
    CloudWatchMetrics: Array<{
      Namespace: string;
      Dimensions: string[][];
      Metrics: Array<{ Name: string; Unit: string }>;
    }>;
  };
} & Record<string, unknown>;

describe('Powertools business metrics', () => {
  let log: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    // The vitest environment disables metrics; these tests turn them on and read the global console.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    log = vi.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
  });

  it('emits a dimensioned count at once, in the Patents namespace, by service and its own dimension', () => {
    const metrics = newMetrics();
    powertoolsRecorder(metrics).count('Transitions', 3, 'inventoried');
    const [line] = emfLines(log) as Emf[];
    expect(line!._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Patents',
        Dimensions: [['service', 'event']],
        Metrics: [{ Name: 'Transitions', Unit: 'Count' }],
      },
    ]);
    expect(line).toMatchObject({ service: 'patents', event: 'inventoried', Transitions: 3 });
    expect(metrics.hasStoredMetrics()).toBe(false);
  });

  it('buffers dimensionless counts until published (logMetrics at the end of the handler)', async () => {
    const metrics = newMetrics();
    const recorder = powertoolsRecorder(metrics);
    const handler = middy(async () => {
      recorder.count('MailsSent', 2);
      recorder.count('MailsSent', 1);
      recorder.count('MailsFailed', 1);
      expect(emfLines(log)).toEqual([]);
      expect(metrics.serializeMetrics()).toMatchObject({
        service: 'patents',
        MailsSent: [2, 1],
        MailsFailed: 1,
      });
    }).use(logMetrics(metrics));
    await handler({}, {} as Context);
    const lines = emfLines(log) as Emf[];
    expect(lines).toHaveLength(1);
    expect(lines[0]!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['service']]);
    expect(lines[0]).toMatchObject({ MailsSent: [2, 1], MailsFailed: 1 });
  });

  it('says nothing when an invocation counted nothing, and passes other warnings to the logger', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const loggerWarn = vi.spyOn(logger, 'warn');
    const metrics = newMetrics();
    await middy(async () => {}).use(logMetrics(metrics))({}, {} as Context);
    expect(emfLines(log)).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
    expect(loggerWarn).not.toHaveBeenCalled();
    metrics.addDimension('kind', '');
    expect(loggerWarn).toHaveBeenCalledWith(expect.stringContaining('dimension kind'), expect.anything());
  });

  it('refuses a dimensioned metric without its dimension', () => {
    expect(() => powertoolsRecorder(newMetrics()).count('RowsAccepted', 1)).toThrow(/kind/);
  });
});

describe('batch job end', () => {
  it('counts rows accepted, refused and unchanged by kind', () => {
    const recorder = arrayRecorder();
    recordJobEnd(recorder, {
      jobId: 'j1',
      status: 'succeeded',
      kind: 'evaluations',
      rowsTotal: 10,
      rowsAccepted: 6,
      rowsRejected: 3,
      rowsUnchanged: 1,
    });
    expect(recorder.counted).toEqual([
      ['RowsAccepted', 6, 'evaluations'],
      ['RowsRefused', 3, 'evaluations'],
      ['RowsUnchanged', 1, 'evaluations'],
    ]);
  });

  it('counts a failed job by kind, and nothing for a skipped one', () => {
    const recorder = arrayRecorder();
    recordJobEnd(recorder, { jobId: 'j1', status: 'failed', kind: 'inventory', code: 'FILE_TOO_LARGE' });
    recordJobEnd(recorder, { status: 'failed', kind: 'legal-status' });
    recordJobEnd(recorder, { jobId: 'j2', status: 'skipped', reason: 'not queued' });
    recordJobEnd(recorder, { status: 'skipped' });
    expect(recorder.counted).toEqual([
      ['JobsFailed', 1, 'inventory'],
      ['JobsFailed', 1, 'legal-status'],
    ]);
  });
});

describe('transitions by event (core stream)', () => {
  const record = (seq: string, entity: string, type?: string, eventName = 'INSERT'): DynamoDBRecord =>
    ({
      eventName,
      dynamodb: {
        SequenceNumber: seq,
        NewImage: { entity: { S: entity }, ...(type ? { type: { S: type } } : {}) },
      },
    }) as DynamoDBRecord;

  it('counts the INSERTs of pipeline events, every event type, nothing else', () => {
    const counts = transitionCounts([
      record('1', 'pipeline-event', 'inventoried'),
      record('2', 'pipeline-event', 'tiered'),
      record('3', 'patent'),
      record('4', 'pipeline-event', 'inventoried'),
      record('5', 'pipeline-event', 'inventoried', 'MODIFY'),
      record('6', 'mail'),
    ]);
    expect([...counts]).toEqual([
      ['inventoried', 2],
      ['tiered', 1],
    ]);
  });

  it('counts only the records before the first failed one (Lambda redelivers from it)', () => {
    const batch = [
      record('1', 'pipeline-event', 'matched'),
      record('2', 'pipeline-event', 'dealRecorded'),
      record('3', 'pipeline-event', 'matched'),
    ];
    expect([...transitionCounts(batch, [{ itemIdentifier: '2' }])]).toEqual([['matched', 1]]);
    expect([...transitionCounts(batch, [{ itemIdentifier: '1' }])]).toEqual([]);
  });
});

describe('mail sent and failed (mail consumer of the core stream)', () => {
  const item = (mailId: string): MailItem =>
    ({ mailId, status: 'queued', attempts: 0, queuedAt: '2026-12-01T00:00:00Z' }) as MailItem;
  const image = (mail: MailItem) =>
    ({
      dynamodb: {
        NewImage: Object.fromEntries(
          Object.entries(mail).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }]),
        ),
      },
    }) as unknown as DynamoDBRecord;

  it('counts each send and each failed send, not a mail already taken', async () => {
    const deps: MailDeps = {
      store: {
        put: async () => {},
        get: async () => undefined,
        claim: async (mailId) => mailId !== 'taken',
        markSent: async () => {},
        markFailed: async () => {},
        due: async () => [],
      },
      send: async (mail) => {
        if (mail.mailId === 'bounce') throw new Error('rejected');
        return { messageId: 'm' };
      },
      now: () => new Date('2026-12-01T00:00:00Z'),
    };
    const recorder = arrayRecorder();
    const consumer = mailStreamConsumer(deps, recorder);
    for (const id of ['ok', 'bounce', 'taken', 'ok2']) await consumer.handle(image(item(id)));
    expect(recorder.counted).toEqual([
      ['MailsSent', 1],
      ['MailsFailed', 1],
      ['MailsSent', 1],
    ]);
  });
});

describe('the metric list', () => {
  it('names the metrics the issue asks for', () => {
    expect(businessMetricNames).toEqual([
      'RowsAccepted',
      'RowsRefused',
      'RowsUnchanged',
      'JobsFailed',
      'Transitions',
      'MailsSent',
      'MailsFailed',
      'PipelineFailures',
      'ReportScopes',
    ]);
  });
});
