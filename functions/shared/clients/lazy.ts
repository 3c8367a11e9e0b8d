/**
 * An AWS SDK package loaded on first use, once per container. The DynamoDB client, which every
 * function needs for its first request, is created at init (./dynamodb.ts); the other services are
 * loaded by `import()` when a request first needs them, so a function pays for an SDK package only
 * on the paths that use it (getJob needs the S3 presigner only for a job with an error report, the
 * health probe needs Step Functions, S3 and the Scheduler only when an admin calls it). esbuild keeps
 * `import()` of an external package dynamic, whereas it hoists every static import of one to the top of
 * the bundle, where Node loads it at init (docs/bundles.md, "SDK packages on first use").
 * A failed load is not remembered: the next call tries again.
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
