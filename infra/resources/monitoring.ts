/** Monitoring flags: quarterly spot checks of inventory quality and the 5-year rule. Joined with the other areas in infra/resources.ts. */

import { z } from 'zod';
import { errorBodySchema } from '../../schemas/errors.ts';
import { usccSchema } from '../../schemas/institution.ts';
import {
  spotCheckListQuerySchema,
  spotCheckPageSchema,
  spotCheckParamsSchema,
  spotCheckSampleSchema,
  spotCheckSchema,
  spotCheckVerdictSchema,
  unimplementedFundedPageSchema,
  unimplementedFundedQuerySchema,
} from '../../schemas/monitoring.ts';
import {
  adminRoles,
  type FunctionDeclaration,
  type RouteDeclaration,
  routeErrors,
  type ScheduleDeclaration,
} from './declarations.ts';

export const monitoringFunctions = {
  assignSpotChecks: {
    entry: 'functions/monitoring/assign-spot-checks.handler.ts',
    description:
      'Schedule spot-checks: a seeded sample of every institution’s inventoried patents, assigned to its province admins (once per quarter)',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
  },
  listSpotChecks: {
    entry: 'functions/monitoring/list-spot-checks.handler.ts',
    description: 'GET /v1/monitoring/spot-checks: the spot checks of a province in a quarter',
    tables: { core: 'read' },
  },
  decideSpotCheck: {
    entry: 'functions/monitoring/decide-spot-check.handler.ts',
    description:
      'PUT /v1/monitoring/spot-checks/{id}: verdict ok or needs-correction (emailed to the institution)',
    tables: { core: 'readWrite' },
  },
  setSpotCheckSample: {
    entry: 'functions/monitoring/set-spot-check-sample.handler.ts',
    description: 'PUT /v1/monitoring/spot-check-settings/{uscc}: the sample size of one institution',
    tables: { core: 'readWrite' },
  },
  listUnimplementedFunded: {
    entry: 'functions/monitoring/list-unimplemented-funded.handler.ts',
    description:
      'GET /v1/monitoring/unimplemented-funded: the 5-year-rule list of an institution or province',
    tables: { core: 'read', metrics: 'read' },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const monitoringRoutes = [
  {
    method: 'GET',
    path: '/v1/monitoring/spot-checks',
    function: 'listSpotChecks',
    roles: adminRoles,
    summary: "A quarter's spot checks of your province (national admins: name the province), paginated",
    tags: ['monitoring'],
    request: { query: spotCheckListQuerySchema },
    responses: {
      200: { description: 'A page of spot checks', schema: spotCheckPageSchema },
      ...routeErrors,
      404: { description: 'Another province than yours', schema: errorBodySchema },
    },
  },
  {
    method: 'PUT',
    path: '/v1/monitoring/spot-checks/{id}',
    function: 'decideSpotCheck',
    roles: adminRoles,
    summary:
      'Give the verdict of a spot check: ok, or needs-correction with a comment emailed to the institution',
    tags: ['monitoring'],
    request: { params: spotCheckParamsSchema, body: spotCheckVerdictSchema },
    responses: {
      200: { description: 'The spot check after the verdict', schema: spotCheckSchema },
      ...routeErrors,
      404: { description: 'No such spot check in your province', schema: errorBodySchema },
    },
  },
  {
    method: 'PUT',
    path: '/v1/monitoring/spot-check-settings/{uscc}',
    function: 'setSpotCheckSample',
    roles: adminRoles,
    summary:
      'Set how many inventoried patents of an institution are spot-checked per quarter (rate, min, max)',
    tags: ['monitoring'],
    request: { params: z.object({ uscc: usccSchema }), body: spotCheckSampleSchema },
    responses: {
      200: { description: 'The settings' },
      ...routeErrors,
      404: { description: 'No such institution in your province', schema: errorBodySchema },
    },
  },
  {
    method: 'GET',
    path: '/v1/monitoring/unimplemented-funded',
    function: 'listUnimplementedFunded',
    roles: ['institution', ...adminRoles],
    summary:
      'Publicly funded patents granted over 5 years ago and never implemented (the 5-year rule), per institution or province, paginated',
    tags: ['monitoring'],
    request: { query: unimplementedFundedQuerySchema },
    responses: {
      200: { description: 'A page of patents, oldest grant first', schema: unimplementedFundedPageSchema },
      ...routeErrors,
      404: { description: 'An institution or province outside your scope', schema: errorBodySchema },
    },
  },
] as const satisfies readonly RouteDeclaration[];

export const monitoringSchedules = {
  'spot-checks': {
    description:
      'Quarterly spot checks: samples every institution’s inventoried patents for the quarter that starts (01:30 China time on 1 Jan / Apr / Jul / Oct)',
    cron: 'cron(30 1 1 1,4,7,10 ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'assignSpotChecks' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
