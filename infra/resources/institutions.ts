/** Institutions registry. Joined with the other areas in infra/resources.ts. */

import { z } from 'zod';
import { errorBodySchema } from '../../schemas/errors.ts';
import {
  institutionPageSchema,
  institutionSchema,
  registerInstitutionSchema,
} from '../../schemas/institution.ts';
import { pageQuerySchema } from '../../schemas/pagination.ts';
import { adminRoles, type FunctionDeclaration, type RouteDeclaration, routeErrors } from './declarations.ts';

export const institutionsFunctions = {
  registerInstitution: {
    entry: 'functions/institutions/register-institution.handler.ts',
    description: 'POST /v1/institutions: an admin registers an institution',
    tables: { core: 'readWrite' },
  },
  getInstitution: {
    entry: 'functions/institutions/get-institution.handler.ts',
    description: 'GET /v1/institutions/{uscc}',
    tables: { core: 'read' },
  },
  listInstitutions: {
    entry: 'functions/institutions/list-institutions.handler.ts',
    description: 'GET /v1/institutions: by province, paginated',
    tables: { core: 'read' },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const institutionsRoutes = [
  {
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
  },
  {
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
  },
  {
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
  },
] as const satisfies readonly RouteDeclaration[];
