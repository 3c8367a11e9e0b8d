import type { FunctionDeclaration, WorkflowDeclaration } from './declarations.ts';

export const systemFunctions = {
  liveness: {
    entry: 'functions/system/liveness.handler.ts',
    description: 'GET /health (public): liveness only, no AWS call and no write',
    memoryMb: 256,
  },
  health: {
    entry: 'functions/system/health.handler.ts',
    description:
      'GET /v1/admin/health (national admins): checks every component the system depends on, with a write/read round trip',
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

export const systemWorkflows = {
  'system-probe': {
    file: 'workflows/system-probe.asl.json',
    description: 'Runs one write/read/delete round trip against DynamoDB and S3 in parallel (health check)',
    type: 'EXPRESS',
    tasks: { ProbeStoreFunction: 'probeStore', ProbeObjectStoreFunction: 'probeObjectStore' },
  },
} as const satisfies Record<string, WorkflowDeclaration>;
