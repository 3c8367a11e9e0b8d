/** System: health check, API description, the probe workflow. Joined with the other areas in infra/resources.ts. */

import { healthSchema } from '../../schemas/health.ts';
import type { FunctionDeclaration, RouteDeclaration, WorkflowDeclaration } from './declarations.ts';

export const systemFunctions = {
  health: {
    entry: 'functions/system/health.handler.ts',
    description: 'GET /health: checks every component the system depends on',
    tables: { core: 'read' },
    buckets: { drop: 'read' },
    workflows: ['system-probe'],
    readsSchedules: true,
    sendsMail: true,
  },
  openapi: {
    entry: 'functions/system/openapi.handler.ts',
    description: 'GET /v1/openapi.json: the API description generated from the route table',
  },
  probeStore: {
    entry: 'functions/system/probe-store.handler.ts',
    description: 'Workflow task: writes, reads back and deletes a probe item',
    tables: { core: 'readWrite' },
  },
  probeObjectStore: {
    entry: 'functions/system/probe-object-store.handler.ts',
    description: 'Workflow task: writes, reads back and deletes a probe object',
    buckets: { reports: 'readWrite' },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const systemRoutes = [
  {
    method: 'GET',
    path: '/health',
    function: 'health',
    roles: 'public',
    summary: 'Health of every component (DynamoDB, S3, Step Functions, scheduler, mail)',
    tags: ['system'],
    responses: {
      200: { description: 'All components up', schema: healthSchema },
      503: { description: 'At least one component down', schema: healthSchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/openapi.json',
    function: 'openapi',
    roles: 'public',
    summary: 'This API description (OpenAPI 3.1)',
    tags: ['system'],
    responses: { 200: { description: 'OpenAPI document', contentType: 'application/json' } },
  },
] as const satisfies readonly RouteDeclaration[];

export const systemWorkflows = {
  'system-probe': {
    file: 'workflows/system-probe.asl.json',
    description: 'Runs one write/read/delete round trip against DynamoDB and S3 in parallel (health check)',
    type: 'EXPRESS',
    tasks: { ProbeStoreFunction: 'probeStore', ProbeObjectStoreFunction: 'probeObjectStore' },
  },
} as const satisfies Record<string, WorkflowDeclaration>;
