/** Wires the intake use-cases to DynamoDB, S3 and Step Functions. */

import type { Readable } from 'node:stream';
import { evaluationDeps } from '../evaluations/evaluation-deps.ts';
import type { LateTierer } from '../evaluations/ports.ts';
import { dynamoInstitutionStore } from '../institutions/institution-store.ts';
import { evaluatorDeps } from '../market/market-deps.ts';
import { dynamoPatentWriter } from '../patents/patent-store.ts';
import { dynamoReviewStore } from '../patents/review-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { s3PresignedPost, s3RequestPresigner, s3Sdk } from '../shared/clients/s3.ts';
import { sfnSdk } from '../shared/clients/sfn.ts';
import { config } from '../shared/config.ts';
import { enterpriseWriter } from './enterprise-kind.ts';
import type { ReportObjectStore } from './error-report.ts';
import { evaluationWriter } from './evaluation-kind.ts';
import { dynamoJobStore } from './job-store.ts';
import { legalStatusWriter } from './legal-status-kind.ts';
import type { PresignedPost, UploadPolicy } from './uploads.ts';

export const jobs = () => dynamoJobStore(documents, config.tableName('core'));
export const institutions = () => dynamoInstitutionStore(documents, config.tableName('core'));
export const patentWriter = () => dynamoPatentWriter(documents, config.tableName('core'));
/** Bulk enterprise registration: the registry's use-case over its store. */
export const enterpriseRowWriter = () => enterpriseWriter(evaluatorDeps());
/**
 * Bulk evaluation feedback: the evaluation use-case over its store and settings; `tiering` (the rules a
 * late evaluation re-tiers by, functions/evaluations/tiering-deps.ts) is wired by the ingesting function
 * only, so the other intake functions do not carry the tiering settings.
 */
export const evaluationRowWriter = (tiering?: LateTierer) =>
  evaluationWriter({ ...evaluationDeps(), ...(tiering ? { tiering } : {}) });
/** Legal-status imports: the status change of the patents (lifecycle exits) over the review store. */
export const legalStatusRowWriter = () =>
  legalStatusWriter({ store: dynamoReviewStore(documents, config.tableName('core')), now: () => new Date() });

export async function openObject(bucket: string, key: string): Promise<Readable> {
  const { sdk, client } = await s3Sdk();
  const object = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
  return object.Body as Readable;
}

const reportContentType = 'text/csv; charset=utf-8';

/** Error reports go to the drop bucket (errors/<jobId>.csv): one PutObject, or a multipart upload. */
export const errorReports = (): ReportObjectStore => {
  const Bucket = config.bucketName('drop');
  return {
    async put(Key, Body) {
      const { sdk, client } = await s3Sdk();
      await client.send(new sdk.PutObjectCommand({ Bucket, Key, Body, ContentType: reportContentType }));
    },
    async startMultipart(Key) {
      const { sdk, client } = await s3Sdk();
      const { UploadId } = await client.send(
        new sdk.CreateMultipartUploadCommand({ Bucket, Key, ContentType: reportContentType }),
      );
      return {
        async uploadPart(PartNumber, Body) {
          const { ETag } = await client.send(
            new sdk.UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body }),
          );
          return ETag as string;
        },
        async complete(parts) {
          await client.send(
            new sdk.CompleteMultipartUploadCommand({
              Bucket,
              Key,
              UploadId,
              MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
            }),
          );
        },
        async abort() {
          await client.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
        },
      };
    },
  };
};

export async function presignGet(bucket: string, key: string, expiresIn: number): Promise<string> {
  const [{ sdk, client }, { getSignedUrl }] = await Promise.all([s3Sdk(), s3RequestPresigner()]);
  return getSignedUrl(client, new sdk.GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn });
}

/**
 * A presigned POST whose policy binds the exact key (the SDK adds `{"key": key}` and the bucket),
 * the Content-Type and the size: S3 answers EntityTooLarge / AccessDenied to anything else.
 */
export async function presignPost(policy: UploadPolicy): Promise<PresignedPost> {
  const [{ client }, { createPresignedPost }] = await Promise.all([s3Sdk(), s3PresignedPost()]);
  const { url, fields } = await createPresignedPost(client, {
    Bucket: policy.bucket,
    Key: policy.key,
    Conditions: [
      ['content-length-range', policy.minBytes, policy.maxBytes],
      ['eq', '$Content-Type', policy.contentType],
    ],
    Fields: { 'Content-Type': policy.contentType },
    Expires: policy.expiresSeconds,
  });
  return { url, fields };
}

/** One execution per job: the job id is the execution name, so a repeated start is a no-op. */
export async function startIngest(jobId: string): Promise<void> {
  const { sdk, client } = await sfnSdk();
  try {
    await client.send(
      new sdk.StartExecutionCommand({
        stateMachineArn: config.workflowArn('batch-ingest'),
        name: jobId,
        input: JSON.stringify({ jobId }),
      }),
    );
  } catch (error) {
    if (!(error instanceof sdk.ExecutionAlreadyExists)) throw error;
  }
}
