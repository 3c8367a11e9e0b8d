/**
 * The business metrics of a batch job's end (docs/operations.md "Dashboard and business metrics"),
 * recorded by the batch-ingest handlers from what the use-case returned: rows stored (created or
 * updated), refused and unchanged, and failed jobs, each by the job's kind.
 */
import type { BatchKind } from '../../schemas/batch-job.ts';
import type { MetricsRecorder } from '../../schemas/business-metrics.ts';
import type { IngestFileResult } from './ingest-file.ts';

export function recordJobEnd(
  recorder: MetricsRecorder,
  result: IngestFileResult | { status: 'failed' | 'skipped'; kind?: BatchKind },
): void {
  if (result.status === 'succeeded') {
    recorder.count('RowsAccepted', result.rowsAccepted, result.kind);
    recorder.count('RowsRefused', result.rowsRejected, result.kind);
    recorder.count('RowsUnchanged', result.rowsUnchanged, result.kind);
  } else if (result.status === 'failed' && result.kind) {
    recorder.count('JobsFailed', 1, result.kind);
  }
}
