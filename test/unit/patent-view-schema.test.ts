/**
 * Every attribute the pipeline keeps on a patent item is declared in the patent's view, so that
 * GET /v1/patents answers a patent under evaluation (strict answers made the demo's listing a 500:
 * evaluationStatus, evaluationOpenedAt and evaluationDeadline were not declared).
 */
import { describe, expect, it } from 'vitest';
import { patentSchema } from '../../schemas/patent.ts';

// The window's attributes on the patent item, as functions/evaluations/ports.ts documents them.
const windowAttributes = [
  'evaluationStatus',
  'evaluationOpenedAt',
  'evaluationDeadline',
  'evaluationClosedAt',
  'evaluationClosedReason',
  'evaluationAggregate',
];

describe('the patent view', () => {
  it('declares the evaluation window kept on the patent', () => {
    expect(windowAttributes.filter((field) => !(field in patentSchema.shape))).toEqual([]);
  });

  it('parses a patent whose window is open, with its fields', () => {
    const window = {
      evaluationStatus: 'open',
      evaluationOpenedAt: '2026-11-01T00:00:00.000Z',
      evaluationDeadline: '2026-12-31T00:00:00.000Z',
    };
    const partial = patentSchema.pick({
      evaluationStatus: true,
      evaluationOpenedAt: true,
      evaluationDeadline: true,
    });
    expect(partial.strict().parse(window)).toEqual(window);
  });
});
