/**
 * The shapes of the declarations in infra/resources.ts and infra/resources/<area>.ts, and the pieces
 * the route declarations of several areas share.
 */
import type { z } from 'zod';
import { errorBodySchema } from '../../schemas/errors.ts';
import type { Role } from '../../schemas/roles.ts';
import type { BucketName, FunctionName, TableName, WorkflowName } from '../resources.ts';

export interface KeyDeclaration {
  partitionKey: string;
  sortKey?: string;
}
export interface TableDeclaration extends KeyDeclaration {
  description: string;
  globalIndexes: Array<{ name: string } & KeyDeclaration>;
  stream?: 'NEW_AND_OLD_IMAGES' | 'NEW_IMAGE';
  ttlAttribute?: string;
}

export interface BucketDeclaration {
  description: string;
  /** Objects under these prefixes expire after the given number of days. */
  expireAfterDays: Record<string, number>;
  /** Browsers upload with presigned PUTs: CORS for PUT from any origin (the URL is the credential). */
  browserUploads: boolean;
}

export type Access = 'read' | 'write' | 'readWrite';
export interface FunctionDeclaration {
  /** Module exporting `handler`, relative to the repository root. */
  entry: string;
  description: string;
  timeoutSeconds?: number;
  memoryMb?: number;
  tables?: Partial<Record<TableName, Access>>;
  buckets?: Partial<Record<BucketName, Access>>;
  /** Workflows this function may start (StartExecution / StartSyncExecution) or describe. */
  workflows?: WorkflowName[];
  /** Needs to send email (SES v2 SendEmail). */
  sendsMail?: boolean;
  /** Needs to read schedule groups (health). */
  readsSchedules?: boolean;
  /** Lists the admin groups of the user pool (cognito-idp:ListUsersInGroup; env USER_POOL_ID). */
  readsUserDirectory?: boolean;
  /**
   * npm packages with native binaries, which esbuild cannot bundle: installed into the bundle's
   * node_modules for linux arm64 (the Lambda architecture), whatever machine builds it.
   */
  nodeModules?: readonly string[];
  /** Repository files copied beside the bundle's index.mjs (e.g. a font), found via import.meta.url. */
  bundleFiles?: readonly string[];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export interface RouteDeclaration {
  method: HttpMethod;
  /** API Gateway path syntax: /v1/things/{id} */
  path: string;
  function: FunctionName;
  /** 'public' routes skip the JWT authorizer; otherwise the roles that may call. */
  roles: 'public' | readonly Role[];
  summary: string;
  tags: string[];
  request?: {
    params?: z.ZodObject;
    query?: z.ZodObject;
    body?: z.ZodType;
  };
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

export const adminRoles = ['province-admin', 'national-admin'] as const;
/** Responses every authenticated route may give. */
export const routeErrors = {
  400: { description: 'Invalid request: see error.details', schema: errorBodySchema },
  401: { description: 'Missing or invalid bearer token', schema: errorBodySchema },
  403: { description: 'Your role may not call this route', schema: errorBodySchema },
} as const;

export interface BucketNotificationDeclaration {
  bucket: BucketName;
  prefix: string;
  function: FunctionName;
}
export interface StreamConsumerDeclaration {
  table: TableName;
  function: FunctionName;
  /** Lambda event filter pattern on the stream record (EventBridge pattern syntax, exact values). */
  filterPattern: Record<string, unknown>;
  batchSize: number;
  /** Attempts of a failing batch before it is set aside (Lambda retryAttempts). */
  retryAttempts: number;
}

export interface WorkflowDeclaration {
  file: string;
  description: string;
  type: 'EXPRESS' | 'STANDARD';
  /** Substitution variable used in the ASL (as "${Name}") -> the function behind it. */
  tasks: Record<string, FunctionName>;
}

export interface ScheduleDeclaration {
  description: string;
  /** EventBridge Scheduler cron: cron(minutes hours day-of-month month day-of-week year). */
  cron: string;
  timezone: string;
  target: { function: FunctionName } | { workflow: WorkflowName };
  /** Fixed input of the target (JSON); locally, `npm run job -- <name> --key value` pairs override it. */
  input?: Record<string, unknown>;
}
