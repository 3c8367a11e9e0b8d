/** The health use-case: runs every component probe in parallel, each bounded by a timeout. */
import { type ComponentName, componentNames, type Health } from '../../schemas/health.ts';

export type Probe = () => Promise<string | undefined>;

export async function checkHealth(probes: Record<ComponentName, Probe>, timeoutMs = 5000): Promise<Health> {
  const entries = await Promise.all(
    componentNames.map(async (name) => {
      const started = performance.now();
      try {
        const detail = await Promise.race([
          probes[name](),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
          ),
        ]);
        return [
          name,
          {
            status: 'up' as const,
            latencyMs: Math.round(performance.now() - started),
            ...(detail ? { detail } : {}),
          },
        ] as const;
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        return [
          name,
          { status: 'down' as const, latencyMs: Math.round(performance.now() - started), detail },
        ] as const;
      }
    }),
  );
  const components = Object.fromEntries(entries) as Health['components'];
  return { status: entries.every(([, c]) => c.status === 'up') ? 'ok' : 'degraded', components };
}
