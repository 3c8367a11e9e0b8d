/** The S3 client, created once per container (see ./dynamodb.ts). */
import { S3Client } from '@aws-sdk/client-s3';
import { config } from '../config.ts';
import { traced } from '../powertools.ts';

export const s3 = traced(
  new S3Client({
    forcePathStyle: config.s3ForcePathStyle(),
    // s3rver stores aws-chunked framing as data when the SDK adds checksums by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
  }),
);
