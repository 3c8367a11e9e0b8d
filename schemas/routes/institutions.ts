/** Institutions: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import { institutionPageSchema, institutionSchema, registerInstitutionSchema } from '../institution.ts';
import { pageQuerySchema } from '../pagination.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';
export const registerInstitutionRoute = {
  method: 'POST',
  path: '/v1/institutions',
  function: 'registerInstitution',
  roles: adminRoles,
  summary: 'Register an institution (province admins: in their own province only)',
  tags: ['institutions'],
  request: { body: registerInstitutionSchema },
  responses: {
    201: { description: 'Registered', schema: institutionSchema },
    ...routeErrors,
    409: { description: 'Already registered', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listInstitutionsRoute = {
  method: 'GET',
  path: '/v1/institutions',
  function: 'listInstitutions',
  roles: adminRoles,
  summary: 'List institutions of a province (province admins: their own), paginated',
  tags: ['institutions'],
  request: {
    query: pageQuerySchema.extend({
      province: z.string().optional().meta({
        description: 'GB/T 2260 code; national admins must name one, province admins get their own',
      }),
    }),
  },
  responses: {
    200: { description: 'A page of institutions', schema: institutionPageSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const getInstitutionRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}',
  function: 'getInstitution',
  roles: ['institution', ...adminRoles],
  summary: 'One institution (institutions: only their own)',
  tags: ['institutions'],
  request: { params: z.object({ uscc: z.string().min(1).max(40) }) },
  responses: {
    200: { description: 'The institution', schema: institutionSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const institutionsRoutes = [
  registerInstitutionRoute,
  listInstitutionsRoute,
  getInstitutionRoute,
] as const;
