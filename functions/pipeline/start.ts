/**
 * Starting the pipeline: one execution per pipeline event the workflow has a stage for (the core
 * stream's INSERTs of `pipeline-event` items, filtered by type in infra/resources/pipeline.ts). The
 * execution name derives from the event, so that where names are unique (Standard, the local runner) a
 * redelivered record starts nothing new; where they are not (Express in AWS) the tasks' applied markers
 * make the second execution change nothing.
 */
import { executionName, type PipelineEvent, pipelineHandledEvents } from './events.ts';

export interface ExecutionStarter {
  /** Starts the pipeline with this input; 'exists' when an execution of that name ran already. */
  start(name: string, input: string): Promise<{ executionArn?: string; exists?: boolean }>;
}

/** Notes on the pipeline event item which execution it started (shown in the patent history). */
export interface StartRecorder {
  noteStarted(event: PipelineEvent, executionArn: string): Promise<void>;
}

export type StartOutcome =
  | { eventId: string; started: true; executionArn?: string }
  | { eventId: string; started: false; reason: 'not-handled' | 'already-started' };

export async function startPipeline(
  deps: { starter: ExecutionStarter; recorder?: StartRecorder },
  event: PipelineEvent,
  retry = 0,
): Promise<StartOutcome> {
  // The workflow's Choice decides what runs (e.g. nothing for a patent kept in the base pool).
  if (!(pipelineHandledEvents as readonly string[]).includes(event.type))
    return { eventId: event.eventId, started: false, reason: 'not-handled' };
  const result = await deps.starter.start(executionName(event, retry), JSON.stringify({ event }));
  if (result.exists) return { eventId: event.eventId, started: false, reason: 'already-started' };
  if (result.executionArn && deps.recorder) await deps.recorder.noteStarted(event, result.executionArn);
  return {
    eventId: event.eventId,
    started: true,
    ...(result.executionArn ? { executionArn: result.executionArn } : {}),
  };
}
