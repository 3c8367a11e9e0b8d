/**
 * Transfer: deals, registration / filing, open licensing, patent-intensive products, and the overdue
 * filing task of the deadline sweep. Joined with the other areas in infra/resources.ts.
 */

import {
  dealInputSchema,
  dealListQuerySchema,
  dealPageSchema,
  dealParamsSchema,
  dealSchema,
  filingSchema,
} from '../../schemas/deal.ts';
import { errorBodySchema } from '../../schemas/errors.ts';
import {
  openLicenseDeclarationSchema,
  openLicenseListQuerySchema,
  openLicensePageSchema,
  openLicenseSchema,
  openLicenseWithdrawalSchema,
  takeOpenLicenseSchema,
} from '../../schemas/open-license.ts';
import { patentParamsSchema } from '../../schemas/patent.ts';
import {
  productInputSchema,
  productListQuerySchema,
  productPageSchema,
  productSchema,
} from '../../schemas/product.ts';
import { adminRoles, type FunctionDeclaration, type RouteDeclaration, routeErrors } from './declarations.ts';

export const transferFunctions = {
  createDeal: {
    entry: 'functions/transfer/create-deal.handler.ts',
    description:
      'POST /v1/deals: records an assignment, license or equity deal and moves its patents on (dealRecorded), starting the filing clock',
    tables: { core: 'readWrite' },
  },
  getDeal: {
    entry: 'functions/transfer/get-deal.handler.ts',
    description: 'GET /v1/deals/{dealId}: one deal in the caller scope',
    tables: { core: 'read' },
  },
  listDeals: {
    entry: 'functions/transfer/list-deals.handler.ts',
    description: 'GET /v1/deals: the deals in the caller scope, newest first',
    tables: { core: 'read' },
  },
  recordFiling: {
    entry: 'functions/transfer/record-filing.handler.ts',
    description:
      'PUT /v1/deals/{dealId}/filing: the assignment registration or license filing number and date (filingConfirmed)',
    tables: { core: 'readWrite' },
  },
  declareOpenLicense: {
    entry: 'functions/transfer/declare-open-license.handler.ts',
    description:
      'POST /v1/patents/{applicationNumber}/open-license: open license declaration (openLicenseDeclared)',
    tables: { core: 'readWrite' },
  },
  getOpenLicense: {
    entry: 'functions/transfer/get-open-license.handler.ts',
    description: 'GET /v1/patents/{applicationNumber}/open-license: the open license declaration of a patent',
    tables: { core: 'read' },
  },
  listOpenLicenses: {
    entry: 'functions/transfer/list-open-licenses.handler.ts',
    description: 'GET /v1/open-licenses: the active open licenses (of a province), for enterprises',
    tables: { core: 'read' },
  },
  withdrawOpenLicense: {
    entry: 'functions/transfer/withdraw-open-license.handler.ts',
    description:
      'POST /v1/patents/{applicationNumber}/open-license/withdrawal: withdraws the open license (openLicenseWithdrawn)',
    tables: { core: 'readWrite' },
  },
  takeOpenLicense: {
    entry: 'functions/transfer/take-open-license.handler.ts',
    description:
      'POST /v1/patents/{applicationNumber}/open-license/licenses: an enterprise takes the open license (notice + payment)',
    tables: { core: 'readWrite' },
  },
  createProduct: {
    entry: 'functions/transfer/create-product.handler.ts',
    description: 'POST /v1/products: a patent-intensive product filing; its patents become industrialized',
    tables: { core: 'readWrite' },
  },
  listProducts: {
    entry: 'functions/transfer/list-products.handler.ts',
    description: 'GET /v1/products: product filings in the caller scope',
    tables: { core: 'read' },
  },
  flagOverdueFilings: {
    entry: 'functions/transfer/flag-overdue-filings.handler.ts',
    description:
      'deadline-sweep task: flags registrations / filings past their due date and emails the institution and its province admins',
    tables: { core: 'readWrite' },
    readsUserDirectory: true,
    timeoutSeconds: 900,
  },
} as const satisfies Record<string, FunctionDeclaration>;

const dealRefused = {
  description:
    'Refused by a licensing rule (code OPEN_LICENSE_ACTIVE, EXCLUSIVE_LICENSE_IN_FORCE, PATENTEE_CHANGED), an illegal lifecycle transition of a patent (ILLEGAL_TRANSITION, details: current, allowed), the reference reused with other contents, or a concurrent change (retry)',
  schema: errorBodySchema,
};

export const transferRoutes = [
  {
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
  },
  {
    method: 'GET',
    path: '/v1/deals',
    function: 'listDeals',
    roles: ['institution', 'enterprise', ...adminRoles],
    summary:
      'Deals newest first: institutions their own, enterprises those they are party to, province admins their province, national admins by province / institution / enterprise',
    tags: ['transfer'],
    request: { query: dealListQuerySchema },
    responses: { 200: { description: 'A page of deals', schema: dealPageSchema }, ...routeErrors },
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
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
  },
  {
    method: 'GET',
    path: '/v1/products',
    function: 'listProducts',
    roles: ['enterprise', ...adminRoles],
    summary: 'Product filings, newest first: enterprises their own, admins by province or enterprise',
    tags: ['transfer'],
    request: { query: productListQuerySchema },
    responses: { 200: { description: 'A page of products', schema: productPageSchema }, ...routeErrors },
  },
] as const satisfies readonly RouteDeclaration[];
