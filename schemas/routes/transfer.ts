/** Transfer: the HTTP routes of the area (method, path, roles, request and response schemas). Each handler imports only its own route; schemas/routes/index.ts joins them for the stacks, the local API and OpenAPI. */
import {
  dealInputSchema,
  dealListQuerySchema,
  dealPageSchema,
  dealParamsSchema,
  dealSchema,
  filingSchema,
} from '../deal.ts';
import { errorBodySchema } from '../errors.ts';
import {
  openLicenseDeclarationSchema,
  openLicenseListQuerySchema,
  openLicensePageSchema,
  openLicensePublicationSchema,
  openLicenseSchema,
  openLicenseWithdrawalSchema,
  takeOpenLicenseSchema,
} from '../open-license.ts';
import { patentParamsSchema } from '../patent.ts';
import { pledgeRegistrationSchema, pledgeReleaseSchema, pledgeSchema } from '../pledge.ts';
import { productInputSchema, productListQuerySchema, productPageSchema, productSchema } from '../product.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';

const dealRefused = {
  description:
    'Refused by a licensing rule (code OPEN_LICENSE_ACTIVE, EXCLUSIVE_LICENSE_IN_FORCE, PATENTEE_CHANGED), an illegal lifecycle transition of a patent (ILLEGAL_TRANSITION, details: current, allowed), the reference reused with other contents, or a concurrent change (retry)',
  schema: errorBodySchema,
};

export const createDealRoute = {
  method: 'POST',
  path: '/v1/deals',
  function: 'createDeal',
  roles: ['institution', ...adminRoles],
  summary:
    'Record a deal (assignment, license, equity) on one patent or a portfolio of up to 20; the patents move on and the registration / filing clock starts (3 months). Send Idempotency-Key (or clientReference): the same request twice records one deal',
  tags: ['transfer'],
  request: { body: dealInputSchema },
  responses: {
    201: { description: 'Deal recorded', schema: dealSchema },
    200: { description: 'The same request was recorded before: that deal', schema: dealSchema },
    ...routeErrors,
    404: {
      description: "A patent is not the institution's (or no such institution in your province)",
      schema: errorBodySchema,
    },
    409: dealRefused,
  },
} as const satisfies RouteDeclaration;

export const listDealsRoute = {
  method: 'GET',
  path: '/v1/deals',
  function: 'listDeals',
  roles: ['institution', 'enterprise', ...adminRoles],
  summary:
    'Deals newest first: institutions their own, enterprises those they are party to, province admins their province, national admins by province / institution / enterprise',
  tags: ['transfer'],
  request: { query: dealListQuerySchema },
  responses: { 200: { description: 'A page of deals', schema: dealPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const getDealRoute = {
  method: 'GET',
  path: '/v1/deals/{dealId}',
  function: 'getDeal',
  roles: ['institution', 'enterprise', ...adminRoles],
  summary: 'One deal (its institution, its enterprise, the admins of its province)',
  tags: ['transfer'],
  request: { params: dealParamsSchema },
  responses: {
    200: { description: 'The deal', schema: dealSchema },
    ...routeErrors,
    404: { description: 'No such deal in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const recordFilingRoute = {
  method: 'PUT',
  path: '/v1/deals/{dealId}/filing',
  function: 'recordFiling',
  roles: ['institution', ...adminRoles],
  summary:
    'Record the assignment registration / license contract filing (number, date); the patents become filed. The same number again changes nothing',
  tags: ['transfer'],
  request: { params: dealParamsSchema, body: filingSchema },
  responses: {
    200: { description: 'Filing recorded', schema: dealSchema },
    ...routeErrors,
    404: { description: 'No such deal in your scope', schema: errorBodySchema },
    409: {
      description:
        'Another filing number is recorded already, a patent cannot take filingConfirmed, or a concurrent change',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const declareOpenLicenseRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/open-license',
  function: 'declareOpenLicense',
  roles: ['institution', ...adminRoles],
  summary:
    'Declare an open license (开放许可): fee standard, payment method, term; utility models and designs need an evaluation report reference',
  tags: ['transfer'],
  request: { params: patentParamsSchema, body: openLicenseDeclarationSchema },
  responses: {
    201: { description: 'Declared', schema: openLicenseSchema },
    200: { description: 'The same declaration was recorded before', schema: openLicenseSchema },
    ...routeErrors,
    404: { description: 'No such patent among yours', schema: errorBodySchema },
    409: {
      description:
        'Already under an open license, an exclusive / sole license in force, the patent assigned, or an illegal transition',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const getOpenLicenseRoute = {
  method: 'GET',
  path: '/v1/patents/{applicationNumber}/open-license',
  function: 'getOpenLicense',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles],
  summary: 'The open license declaration of a patent (public terms: anyone may take it while active)',
  tags: ['transfer'],
  request: { params: patentParamsSchema },
  responses: {
    200: { description: 'The declaration (active or withdrawn)', schema: openLicenseSchema },
    ...routeErrors,
    404: { description: 'No open license declared on this patent', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listOpenLicensesRoute = {
  method: 'GET',
  path: '/v1/open-licenses',
  function: 'listOpenLicenses',
  roles: ['institution', 'enterprise', 'expert', ...adminRoles],
  summary:
    'The active open licenses (开放许可), by province: anyone may take one on its published terms (enterprises: POST .../open-license/licenses)',
  tags: ['transfer'],
  request: { query: openLicenseListQuerySchema },
  responses: {
    200: { description: 'A page of open licenses', schema: openLicensePageSchema },
    ...routeErrors,
  },
} as const satisfies RouteDeclaration;

export const withdrawOpenLicenseRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/open-license/withdrawal',
  function: 'withdrawOpenLicense',
  roles: ['institution', ...adminRoles],
  summary: 'Withdraw the open license with a reason; licenses already taken stay in force',
  tags: ['transfer'],
  request: { params: patentParamsSchema, body: openLicenseWithdrawalSchema },
  responses: {
    200: { description: 'Withdrawn', schema: openLicenseSchema },
    ...routeErrors,
    404: { description: 'No such patent among yours', schema: errorBodySchema },
    409: { description: 'No active open license, or an illegal transition', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const recordOpenLicensePublicationRoute = {
  method: 'PUT',
  path: '/v1/patents/{applicationNumber}/open-license/publication',
  function: 'recordOpenLicensePublication',
  roles: ['institution'],
  summary:
    "Record CNIPA's announcement of your active open-license declaration (专利法 art. 50) and the annual-fee reduction granted for it (art. 51); the same record again changes nothing, another one replaces it",
  tags: ['transfer'],
  request: { params: patentParamsSchema, body: openLicensePublicationSchema },
  responses: {
    200: { description: 'The open license with its publication', schema: openLicenseSchema },
    ...routeErrors,
    404: { description: 'No such patent among yours', schema: errorBodySchema },
    409: { description: 'No active open license', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const recordPledgeRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/pledges',
  function: 'recordPledge',
  roles: ['institution', ...adminRoles],
  summary:
    "Record a pledge of the patent right registered with CNIPA (专利权质押登记): while it is active, deals and open licenses need the pledgee's consent (民法典 art. 444). The same registration number twice records one pledge",
  tags: ['transfer'],
  request: { params: patentParamsSchema, body: pledgeRegistrationSchema },
  responses: {
    201: { description: 'Recorded', schema: pledgeSchema },
    200: { description: 'The same pledge was recorded before', schema: pledgeSchema },
    ...routeErrors,
    404: { description: 'No such patent among yours', schema: errorBodySchema },
    409: {
      description:
        'The registration number recorded with other details, too many active pledges, or an illegal transition',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const releasePledgeRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/pledges/release',
  function: 'releasePledge',
  roles: ['institution', ...adminRoles],
  summary: 'Record the release of a pledge (its registration cancelled, 注销登记)',
  tags: ['transfer'],
  request: { params: patentParamsSchema, body: pledgeReleaseSchema },
  responses: {
    200: { description: 'Released (or released before with the same record)', schema: pledgeSchema },
    ...routeErrors,
    404: { description: 'No such patent among yours, or no such pledge', schema: errorBodySchema },
    409: { description: 'The pledge was released before with another record', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const takeOpenLicenseRoute = {
  method: 'POST',
  path: '/v1/patents/{applicationNumber}/open-license/licenses',
  function: 'takeOpenLicense',
  roles: ['enterprise'],
  summary:
    'Take the open license: written notice + payment record -> an ordinary `open` license deal for your enterprise (filing within 3 months). The same payment reference twice records one license',
  tags: ['transfer'],
  request: { params: patentParamsSchema, body: takeOpenLicenseSchema },
  responses: {
    201: { description: 'License recorded', schema: dealSchema },
    200: { description: 'Recorded before with this payment reference', schema: dealSchema },
    ...routeErrors,
    403: {
      description: 'Your role may not call this route, or your enterprise is not registered',
      schema: errorBodySchema,
    },
    404: { description: 'The patent is not under an open license', schema: errorBodySchema },
    409: dealRefused,
  },
} as const satisfies RouteDeclaration;

export const createProductRoute = {
  method: 'POST',
  path: '/v1/products',
  function: 'createProduct',
  roles: ['enterprise'],
  summary:
    'File a patent-intensive product (专利密集型产品备案) on patents you hold by a deal; they become industrialized. The same filing number twice records one product',
  tags: ['transfer'],
  request: { body: productInputSchema },
  responses: {
    201: { description: 'Product recorded', schema: productSchema },
    200: { description: 'Recorded before with this filing number', schema: productSchema },
    ...routeErrors,
    403: {
      description: 'Your role may not call this route, or you hold no deal on a patent (details)',
      schema: errorBodySchema,
    },
    409: {
      description: 'A patent cannot take productFiled (ILLEGAL_TRANSITION) or a concurrent change',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const listProductsRoute = {
  method: 'GET',
  path: '/v1/products',
  function: 'listProducts',
  roles: ['enterprise', ...adminRoles],
  summary: 'Product filings, newest first: enterprises their own, admins by province or enterprise',
  tags: ['transfer'],
  request: { query: productListQuerySchema },
  responses: { 200: { description: 'A page of products', schema: productPageSchema }, ...routeErrors },
} as const satisfies RouteDeclaration;

export const transferRoutes = [
  createDealRoute,
  listDealsRoute,
  getDealRoute,
  recordFilingRoute,
  declareOpenLicenseRoute,
  getOpenLicenseRoute,
  listOpenLicensesRoute,
  withdrawOpenLicenseRoute,
  recordOpenLicensePublicationRoute,
  recordPledgeRoute,
  releasePledgeRoute,
  takeOpenLicenseRoute,
  createProductRoute,
  listProductsRoute,
] as const;
