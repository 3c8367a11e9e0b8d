/** The Step Functions SDK and its client, loaded on first use, once per container (./lazy.ts). */
import { traced } from '../powertools.ts';
import { onFirstUse } from './lazy.ts';

export const sfnSdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-sfn');
  // StartSyncExecution goes to the sync- host prefix in AWS; a custom endpoint (local) has none.
  const client = traced(new sdk.SFNClient({ disableHostPrefix: Boolean(process.env.AWS_ENDPOINT_URL_SFN) }));
  return { sdk, client };
});
