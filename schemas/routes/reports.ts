/** Reports: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import { quarterSchema } from '../metrics.ts';
import { pageQuerySchema } from '../pagination.ts';
import {
  reportDetailSchema,
  reportPageSchema,
  reportPreferencesSchema,
  reportQuerySchema,
  reportRunStartedSchema,
  runReportSchema,
} from '../report.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';

const quarterParams = z.object({ quarter: quarterSchema });
const notInScope = { description: 'No such report in your scope', schema: errorBodySchema };

export const listReportsRoute = {
  method: 'GET',
  path: '/v1/reports',
  function: 'listReports',
  roles: [...adminRoles, 'ministry-admin'],
  summary:
    'Quarterly reports in your scope, newest first (national admins: every scope, or ?scope=; province admins: their province; ministry admins: their ministry)',
  tags: ['reports'],
  request: { query: pageQuerySchema.extend(reportQuerySchema.shape) },
  responses: {
    200: { description: 'A page of reports', schema: reportPageSchema },
    ...routeErrors,
    404: notInScope,
  },
} as const satisfies RouteDeclaration;

export const getReportRoute = {
  method: 'GET',
  path: '/v1/reports/{quarter}',
  function: 'getReport',
  roles: [...adminRoles, 'ministry-admin'],
  summary:
    "One quarter's report: the computed figures and presigned links (15 minutes) to the HTML, XLSX and chart",
  tags: ['reports'],
  request: { params: quarterParams, query: reportQuerySchema },
  responses: {
    200: { description: 'The report', schema: reportDetailSchema },
    ...routeErrors,
    404: notInScope,
  },
} as const satisfies RouteDeclaration;

export const runReportRoute = {
  // API Gateway path parameters fill whole segments: `{quarter}:run` cannot be one, so the action is /run.
  method: 'POST',
  path: '/v1/reports/{quarter}/run',
  function: 'runReport',
  roles: ['national-admin'],
  summary:
    'Produce (or replace) the report of a quarter now and email it; admins already sent this quarter are skipped unless resend is true',
  tags: ['reports'],
  request: { params: quarterParams, body: runReportSchema },
  responses: {
    202: { description: 'The workflow started', schema: reportRunStartedSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const putReportPreferencesRoute = {
  method: 'PUT',
  path: '/v1/admins/me/report-preferences',
  function: 'putReportPreferences',
  roles: [...adminRoles, 'ministry-admin'],
  summary: 'Opt out of (reportsOptOut true) or back into the quarterly report emails',
  tags: ['reports'],
  request: { body: reportPreferencesSchema },
  responses: { 200: { description: 'Saved', schema: reportPreferencesSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const reportsRoutes = [
  listReportsRoute,
  getReportRoute,
  runReportRoute,
  putReportPreferencesRoute,
] as const;
