/** The payload check every pipeline task does first: a task invoked without a pipeline event fails loudly. */
import type { PipelineTaskInput } from './events.ts';

export function taskInput(payload: unknown, task: string, types: readonly string[]): PipelineTaskInput {
  const input = payload as Partial<PipelineTaskInput> | undefined;
  const event = input?.event;
  if (!event?.eventId || !event.applicationNumber || !types.includes(event.type)) {
    throw new Error(
      `${task} handles pipeline events of type ${types.join(', ')} with eventId and applicationNumber; got ${JSON.stringify(payload).slice(0, 500)}`,
    );
  }
  return { event, ...(input?.executionArn ? { executionArn: input.executionArn } : {}) };
}
