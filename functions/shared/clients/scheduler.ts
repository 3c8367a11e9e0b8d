/** The EventBridge Scheduler SDK and its client, loaded on first use, once per container (./lazy.ts). */
import { traced } from '../powertools.ts';
import { onFirstUse } from './lazy.ts';

export const schedulerSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-scheduler');
  return { sdk, client: traced(new sdk.SchedulerClient({})) };
});
