/**
 * The pipeline event as the workflow sees it (docs/pipeline.md): built from the `pipeline-event` item
 * that transitionWrites puts, passed to every task as `{ event, executionArn }`.
 */
import type { LifecycleEvent, LifecycleState } from '../../schemas/lifecycle.ts';
import { keys } from '../shared/dynamo/keys.ts';

export interface PipelineEvent {
  eventId: string;
  type: LifecycleEvent;
  applicationNumber: string;
  institutionUscc?: string;
  provinceCode?: string;
  version: number;
  from: LifecycleState;
  to: LifecycleState;
  at: string;
  actor: string;
  executionArn?: string;
  details: Record<string, unknown>;
}

/** The input of every pipeline task (lambda:invoke Payload). */
export interface PipelineTaskInput {
  event: PipelineEvent;
  executionArn?: string;
}

/** The events the workflow has a stage for; the stream consumer starts executions for these only. */
export const pipelineHandledEvents = [
  'inventoried',
  'rescreened',
  'evaluationClosed',
  'dealRecorded',
  'filingConfirmed',
  'productFiled',
] as const satisfies readonly LifecycleEvent[];

/** The sort key of the event's item (one per patent version). */
export const eventSortKey = (event: Pick<PipelineEvent, 'version' | 'type'>) =>
  keys.pipelineEventSk(event.version, event.type);

/** The stage (task state of workflows/patent-pipeline.asl.json) that handles an event, if any. */
export function stageOf(event: Pick<PipelineEvent, 'type' | 'to'>): string | undefined {
  switch (event.type) {
    case 'inventoried':
    case 'rescreened':
      return event.to === 'conversion-pool' ? 'MatchAndPush' : undefined;
    case 'evaluationClosed':
      return 'TierPatent';
    case 'dealRecorded':
    case 'filingConfirmed':
    case 'productFiled':
      return 'NotifyTransition';
    default:
      return undefined;
  }
}

const own = new Set([
  'pk',
  'sk',
  'entity',
  'type',
  'eventId',
  'applicationNumber',
  'institutionUscc',
  'provinceCode',
  'version',
  'from',
  'to',
  'at',
  'actor',
  'executionArn',
  'startedExecutionArn',
  'details',
]);

/** The pipeline event of a stored `pipeline-event` item (unmarshalled). */
export function pipelineEventFromItem(item: Record<string, unknown>): PipelineEvent {
  const text = (name: string) => (typeof item[name] === 'string' ? (item[name] as string) : undefined);
  const pk = text('pk') ?? '';
  const sk = text('sk') ?? '';
  const applicationNumber = text('applicationNumber') ?? pk.replace(/^PAT#/, '');
  const version = typeof item.version === 'number' ? item.version : Number(sk.split('#')[1]);
  // Items written before the event carried `details` keep their extra attributes at the top level.
  const extra = Object.fromEntries(Object.entries(item).filter(([name]) => !own.has(name)));
  const details = {
    ...extra,
    ...(item.details && typeof item.details === 'object' ? (item.details as Record<string, unknown>) : {}),
  };
  const type = (text('type') ?? sk.split('#')[2]) as LifecycleEvent;
  return {
    eventId: text('eventId') ?? `${type}:${applicationNumber}:${version}`,
    type,
    applicationNumber,
    ...(text('institutionUscc') ? { institutionUscc: text('institutionUscc') } : {}),
    ...(text('provinceCode') ? { provinceCode: text('provinceCode') } : {}),
    version,
    from: text('from') as LifecycleState,
    to: text('to') as LifecycleState,
    at: text('at') ?? '',
    actor: text('actor') ?? '',
    ...(text('executionArn') ? { executionArn: text('executionArn') } : {}),
    details,
  };
}

/**
 * The execution name of an event (Step Functions: 1-80 characters of [A-Za-z0-9-_]): readable, and
 * the same for the same event. Retries add `-r<n>`.
 */
export function executionName(
  event: Pick<PipelineEvent, 'applicationNumber' | 'version' | 'type'>,
  retry = 0,
) {
  const base = `${event.applicationNumber.replace(/[^A-Za-z0-9]/g, '_')}-${String(event.version).padStart(6, '0')}-${event.type}`;
  return `${base.slice(0, 72)}${retry ? `-r${retry}` : ''}`;
}
