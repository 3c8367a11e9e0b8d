/** Institutions: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import * as z from 'zod';
import { errorBodySchema } from '../errors.ts';
import {
  institutionPageSchema,
  institutionSchema,
  inventorRewardRuleInputSchema,
  registerInstitutionSchema,
  updateInstitutionSchema,
} from '../institution.ts';
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
  roles: [...adminRoles, 'ministry-admin'],
  summary:
    'List institutions of a province (province admins: their own) or of a supervising ministry (ministry admins: their own, in every province), paginated',
  tags: ['institutions'],
  request: {
    query: pageQuerySchema.extend({
      province: z.string().optional().meta({
        description:
          'GB/T 2260 code; national admins name one (or a ministry in supervision), province admins get their own, ministry admins may narrow theirs to one province',
      }),
      supervision: z.string().optional().meta({
        description:
          'Only the institutions of one supervising group: a ministry (教育部, 科技部, 工业和信息化部, 农业农村部, 国家卫生健康委, 中国科学院), local (地方所属) or unassigned (none recorded yet). National admins may name a ministry without a province; local and unassigned need a province (the filter applies after the page is read, so a page may hold fewer than limit: follow nextCursor). Example: unassigned',
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
  roles: ['institution', ...adminRoles, 'ministry-admin'],
  summary: 'One institution (institutions: only their own; ministry admins: those their ministry supervises)',
  tags: ['institutions'],
  request: { params: z.object({ uscc: z.string().min(1).max(40) }) },
  responses: {
    200: { description: 'The institution', schema: institutionSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const updateInstitutionRoute = {
  method: 'PATCH',
  path: '/v1/institutions/{uscc}',
  function: 'updateInstitution',
  roles: adminRoles,
  summary:
    'Set the supervising department (教育部直属 / 其他部委所属 / 中科院院属 / 地方所属) and the pilot / demonstration status (province admins: their province only)',
  tags: ['institutions'],
  request: {
    params: z.object({ uscc: z.string().min(1).max(40) }),
    body: updateInstitutionSchema,
  },
  responses: {
    200: { description: 'The updated institution', schema: institutionSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
    409: { description: 'The institution changed since the version you sent', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const setInventorRewardRuleRoute = {
  method: 'PUT',
  path: '/v1/institutions/{uscc}/inventor-reward-rule',
  function: 'setInventorRewardRule',
  roles: ['institution'],
  summary:
    "Record your institution's own rule for the inventors' share of transfer income (促进科技成果转化法 art. 44); payments received from effectiveFrom on are shared by it, earlier ones by the art. 45 default (50 %)",
  tags: ['institutions'],
  request: {
    params: z.object({ uscc: z.string().min(1).max(40) }),
    body: inventorRewardRuleInputSchema,
  },
  responses: {
    200: { description: 'The institution with its rule', schema: institutionSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
    409: { description: 'The institution changed meanwhile: send the rule again', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const institutionsRoutes = [
  registerInstitutionRoute,
  updateInstitutionRoute,
  setInventorRewardRuleRoute,
  listInstitutionsRoute,
  getInstitutionRoute,
] as const;
