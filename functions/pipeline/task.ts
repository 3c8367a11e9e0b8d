/**
 * The payload check every pipeline task does first (schemas/task-inputs.ts): a task invoked without a
 * pipeline event, or with an event of a type it has no stage for, fails loudly with what is wrong.
 */
import { pipelineTaskInputSchema } from '../../schemas/task-inputs.ts';
import type { PipelineEvent, PipelineTaskInput } from './events.ts';

export function taskInput(payload: unknown, task: string, types: readonly string[]): PipelineTaskInput {
  const parsed = pipelineTaskInputSchema.safeParse(payload);
  const problem = !parsed.success
    ? parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
        .join('; ')
    : types.includes(parsed.data.event.type)
      ? undefined
      : `event.type: ${parsed.data.event.type} has no ${task} stage`;
  if (!parsed.success || problem) {
    throw new Error(
      `${task} handles pipeline events of type ${types.join(', ')} with eventId and applicationNumber (${problem}); got ${JSON.stringify(payload)?.slice(0, 500)}`,
    );
  }
  const { event, executionArn } = parsed.data;
  return { event: event as PipelineEvent, ...(executionArn ? { executionArn } : {}) };
}
