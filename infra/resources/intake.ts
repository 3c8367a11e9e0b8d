/** Intake: uploads, batch jobs, the batch-ingest workflow, template downloads. Joined with the other areas in infra/resources.ts. */

import { settingsOf } from '../../schemas/resource-names.ts';
import type {
  BucketNotificationDeclaration,
  FunctionDeclaration,
  WorkflowDeclaration,
} from './declarations.ts';

export const intakeFunctions = {
  receiveUpload: {
    entry: 'functions/intake/receive-upload.handler.ts',
    description:
      'S3 object created under inbox/<USCC>/, inbox-enterprises/<province>/, inbox-evaluations/<province>/, inbox-legal-status/<province>/ or inbox-needs/<province>/: opens a batch job of that kind (once per object), starts batch-ingest',
    tables: { core: 'readWrite' },
    buckets: { drop: 'read' },
    workflows: ['batch-ingest'],
    settings: settingsOf('market', 'evaluation'),
  },
  ingestBatchFile: {
    entry: 'functions/intake/ingest-batch-file.handler.ts',
    description:
      'batch-ingest task: streams the file, validates and writes its rows (patents, enterprises, evaluations (a late one may re-tier the patent), legal statuses or technology needs), stores the error report, mails the uploader the outcome',
    tables: { core: 'readWrite' },
    buckets: { drop: 'readWrite' },
    timeoutSeconds: 900,
    memoryMb: 1024,
    settings: settingsOf('market', 'evaluation', 'promotion', 'portal'),
    // A technology need posted in bulk is matched with the pool through search, as POST /v1/needs does.
    search: 'read',
  },
  failBatchJob: {
    entry: 'functions/intake/fail-batch-job.handler.ts',
    description: 'batch-ingest task: records on the job why it failed and mails the uploader the reason',
    tables: { core: 'readWrite' },
    settings: settingsOf('market', 'evaluation', 'portal'),
  },
  createUpload: {
    entry: 'functions/intake/create-upload.handler.ts',
    description:
      'POST /v1/uploads: announces a batch file (inventory, enterprises, evaluations, legal-status or needs) and returns a presigned POST (policy: key, content type, size) and the job id',
    tables: { core: 'readWrite' },
    buckets: { drop: 'write' },
    settings: settingsOf('market', 'evaluation'),
  },
  previewUpload: {
    entry: 'functions/intake/preview-upload.handler.ts',
    description:
      'POST /v1/uploads/{previewId}/preview: reads a preview file (inbox-preview/<USCC>/...) with a mapping profile and writes nothing: mapping, values, first rows, counts',
    tables: { core: 'read' },
    buckets: { drop: 'read' },
    // Reads within a 20 s budget (then answers with what it has); the API waits 29 s.
    timeoutSeconds: 29,
    memoryMb: 1024,
  },
  putMappingProfile: {
    entry: 'functions/intake/put-mapping-profile.handler.ts',
    description:
      "PUT /v1/institutions/{uscc}/mapping-profiles/{name}: saves an institution's mapping profile (versioned, audited)",
    tables: { core: 'readWrite' },
  },
  getMappingProfile: {
    entry: 'functions/intake/get-mapping-profile.handler.ts',
    description: 'GET /v1/institutions/{uscc}/mapping-profiles/{name}: a mapping profile and its version',
    tables: { core: 'read' },
  },
  deleteMappingProfile: {
    entry: 'functions/intake/delete-mapping-profile.handler.ts',
    description:
      "DELETE /v1/institutions/{uscc}/mapping-profiles/{name}: deletes an institution's mapping profile at the version read (audited)",
    tables: { core: 'readWrite' },
  },
  listMappingProfiles: {
    entry: 'functions/intake/list-mapping-profiles.handler.ts',
    description: "GET /v1/institutions/{uscc}/mapping-profiles: an institution's mapping profiles",
    tables: { core: 'read' },
  },
  listJobs: {
    entry: 'functions/intake/list-jobs.handler.ts',
    description:
      "GET /v1/jobs: an institution's or a province's batch jobs, newest first, by status and kind (direct drops included)",
    tables: { core: 'read' },
    buckets: { drop: 'read' },
    settings: settingsOf('market', 'evaluation'),
  },
  getJob: {
    entry: 'functions/intake/get-job.handler.ts',
    description: 'GET /v1/jobs/{jobId}: status, progress and error report link of a batch job',
    tables: { core: 'read' },
    buckets: { drop: 'read' },
    settings: settingsOf('market', 'evaluation'),
  },
  getInventoryTemplate: {
    entry: 'functions/templates/get-inventory-template.handler.ts',
    description:
      'GET /v1/templates/{file}: the inventory, enterprise registration, evaluation feedback and legal-status templates (XLSX with dropdowns, or CSV)',
    memoryMb: 1024,
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const intakeBucketNotifications = [
  { bucket: 'drop', prefix: 'inbox/', function: 'receiveUpload' },
  { bucket: 'drop', prefix: 'inbox-enterprises/', function: 'receiveUpload' },
  { bucket: 'drop', prefix: 'inbox-evaluations/', function: 'receiveUpload' },
  { bucket: 'drop', prefix: 'inbox-legal-status/', function: 'receiveUpload' },
  { bucket: 'drop', prefix: 'inbox-needs/', function: 'receiveUpload' },
] as const satisfies readonly BucketNotificationDeclaration[];

export const intakeWorkflows = {
  'batch-ingest': {
    file: 'workflows/batch-ingest.asl.json',
    description:
      'One uploaded batch file (inventory, enterprises, evaluations or legal-status): ingest it (progress on the job), or record why it failed',
    // Standard: a large file may take longer than Express allows, and the job id as execution name
    // makes a second start of the same job a no-op. Uploads are few, so the open-execution cap is far.
    type: 'STANDARD',
    tasks: { IngestBatchFileFunction: 'ingestBatchFile', FailBatchJobFunction: 'failBatchJob' },
  },
} as const satisfies Record<string, WorkflowDeclaration>;
