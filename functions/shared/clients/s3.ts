/** The S3 SDK and its client, loaded on first use, once per container (./lazy.ts). */
import { config } from '../config.ts';
import { traced } from '../powertools.ts';
import { onFirstUse } from './lazy.ts';

export const s3Sdk = onFirstUse(async () => {
  const sdk = await import('@aws-sdk/client-s3');
  const client = traced(
    new sdk.S3Client({
      forcePathStyle: config.s3ForcePathStyle(),
      // s3rver stores aws-chunked framing as data when the SDK adds checksums by default.
      requestChecksumCalculation: 'WHEN_REQUIRED',
    }),
  );
  return { sdk, client };
});

/** The presigners (GET links, upload POST forms), loaded on first use. */
export const s3RequestPresigner = onFirstUse(() => import('@aws-sdk/s3-request-presigner'));
export const s3PresignedPost = onFirstUse(() => import('@aws-sdk/s3-presigned-post'));
