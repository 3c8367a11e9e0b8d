/** After the deal (issue 13, item 6): obligations, payments, royalty reports, amendments, termination, receivables. Each handler imports only its own route; schemas/routes/index.ts joins them. */
import { dealParamsSchema, dealSchema } from '../deal.ts';
import { errorBodySchema } from '../errors.ts';
import {
  amendmentInputSchema,
  implementationProfitInputSchema,
  implementationProfitParamsSchema,
  implementationProfitSchema,
  inventorRewardsQuerySchema,
  inventorRewardsReportSchema,
  obligationsViewSchema,
  paymentInputSchema,
  paymentPageSchema,
  paymentParamsSchema,
  paymentReversalInputSchema,
  paymentSchema,
  receivablesParamsSchema,
  receivablesSchema,
  royaltyReportInputSchema,
  terminationInputSchema,
} from '../money.ts';
import { adminRoles, type RouteDeclaration, routeErrors } from './route.ts';

const notYours = {
  description: "No such deal among your institution's (another institution's deal is not found either)",
  schema: errorBodySchema,
};
const changedMeanwhile = 'or the deal changed at the same moment too often (retry)';

export const listObligationsRoute = {
  method: 'GET',
  path: '/v1/deals/{dealId}/obligations',
  function: 'listObligations',
  roles: ['institution', ...adminRoles],
  summary:
    "What the deal's price terms oblige the enterprise to pay (upfront, installments, milestones, a royalty per calendar year), what was paid on each, outstanding and overdue. The deal's institution (institution-level users) and admins in scope",
  tags: ['transfer'],
  request: { params: dealParamsSchema },
  responses: {
    200: { description: 'The obligations and totals', schema: obligationsViewSchema },
    ...routeErrors,
    404: { description: 'No such deal in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const recordPaymentRoute = {
  method: 'POST',
  path: '/v1/deals/{dealId}/payments',
  function: 'recordPayment',
  roles: ['institution'],
  summary:
    'Record a payment received (fen, date, evidence), allocated to the obligation named or the oldest due; beyond what is due it is kept and flagged "overpayment". Send Idempotency-Key: the same key twice records one payment',
  tags: ['transfer'],
  request: { params: dealParamsSchema, body: paymentInputSchema },
  responses: {
    201: { description: 'Payment recorded', schema: paymentSchema },
    200: { description: 'The same Idempotency-Key recorded it before: that payment', schema: paymentSchema },
    ...routeErrors,
    404: notYours,
    409: {
      description: `The Idempotency-Key was used for other contents, ${changedMeanwhile}`,
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const reversePaymentRoute = {
  method: 'POST',
  path: '/v1/deals/{dealId}/payments/{paymentId}/reversal',
  function: 'reversePayment',
  roles: ['institution'],
  summary:
    'Reverse a payment recorded in error (冲销), with the reason: what it paid on the obligations is open again, and it leaves the receivables, the income figures and the inventors\u2019 rewards; it stays listed, marked reversed. To correct a payment, reverse it and record the right one. The same reversal again changes nothing',
  tags: ['transfer'],
  request: { params: paymentParamsSchema, body: paymentReversalInputSchema },
  responses: {
    200: { description: 'The payment as reversed', schema: paymentSchema },
    ...routeErrors,
    404: {
      description:
        "No such payment on a deal of your institution's (another institution's is not found either)",
      schema: errorBodySchema,
    },
    409: { description: `Reversed already for another reason, ${changedMeanwhile}`, schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const listPaymentsRoute = {
  method: 'GET',
  path: '/v1/deals/{dealId}/payments',
  function: 'listPayments',
  roles: ['institution', ...adminRoles],
  summary: "The payments recorded on a deal, in the order received (the deal's institution, admins in scope)",
  tags: ['transfer'],
  request: { params: dealParamsSchema },
  responses: {
    200: { description: 'The payments', schema: paymentPageSchema },
    ...routeErrors,
    404: { description: 'No such deal in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const reportRoyaltiesRoute = {
  method: 'POST',
  path: '/v1/deals/{dealId}/royalty-reports',
  function: 'reportRoyalties',
  roles: ['institution'],
  summary:
    "The licensee's net sales of one royalty period (a calendar year within the term): the royalty at the tiered rate (and the minimum annual royalty) becomes due. The same report again changes nothing",
  tags: ['transfer'],
  request: { params: dealParamsSchema, body: royaltyReportInputSchema },
  responses: {
    201: { description: 'Reported: the obligations after it', schema: obligationsViewSchema },
    200: { description: 'The same report was recorded before', schema: obligationsViewSchema },
    ...routeErrors,
    404: notYours,
    409: {
      description: `The deal has no royalty, the period was reported with other figures, an earlier period is not reported (sales tiers), ${changedMeanwhile}`,
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const amendDealRoute = {
  method: 'POST',
  path: '/v1/deals/{dealId}/amendments',
  function: 'amendDeal',
  roles: ['institution'],
  summary:
    'A supplementary agreement (补充协议): new price terms, end date or notes, with the reason; the deal gets a new version and its obligations are generated again (what was paid stays)',
  tags: ['transfer'],
  request: { params: dealParamsSchema, body: amendmentInputSchema },
  responses: {
    200: { description: 'The deal as amended', schema: dealSchema },
    ...routeErrors,
    404: notYours,
    409: { description: `The deal was terminated, ${changedMeanwhile}`, schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const terminateDealRoute = {
  method: 'POST',
  path: '/v1/deals/{dealId}/termination',
  function: 'terminateDeal',
  roles: ['institution'],
  summary:
    'Terminate a deal (its last day in force, the reason): later obligations are cancelled unless paid; an exclusive or sole license ends that day, so the patent stops counting as licensed after it. The same termination again changes nothing',
  tags: ['transfer'],
  request: { params: dealParamsSchema, body: terminationInputSchema },
  responses: {
    200: { description: 'The deal as terminated', schema: dealSchema },
    ...routeErrors,
    404: notYours,
    409: { description: `Terminated already on another date, ${changedMeanwhile}`, schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const getReceivablesRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}/receivables',
  function: 'getReceivables',
  roles: ['institution', ...adminRoles],
  summary:
    'What an institution is owed on its deals: due, paid, outstanding, overdue, overpaid, per deal and in total (its institution-level users, admins in scope)',
  tags: ['transfer'],
  request: { params: receivablesParamsSchema },
  responses: {
    200: { description: 'Receivables', schema: receivablesSchema },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const getInventorRewardsRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}/inventor-rewards',
  function: 'getInventorRewards',
  roles: ['institution', ...adminRoles],
  summary:
    "The inventors' share of the payments received and of the own-implementation profit years, per inventor, optionally between two dates (its institution-level users, admins in scope)",
  tags: ['transfer'],
  request: { params: receivablesParamsSchema, query: inventorRewardsQuerySchema },
  responses: {
    200: {
      description: 'Per inventor, with the payments it comes from',
      schema: inventorRewardsReportSchema,
    },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const recordImplementationProfitRoute = {
  method: 'PUT',
  path: '/v1/patents/{applicationNumber}/implementation-profits/{year}',
  function: 'recordImplementationProfit',
  roles: ['institution'],
  summary:
    "Record a year's operating profit from implementing the patent yourselves or with a partner (自行实施或者与他人合作实施): the inventors' share, 5 % by default for three to five years from the start of production (促进科技成果转化法 art. 45 (3)), is computed by their contribution shares and counted in the inventors' rewards. The same request again changes nothing; another one corrects the year",
  tags: ['transfer'],
  request: { params: implementationProfitParamsSchema, body: implementationProfitInputSchema },
  responses: {
    201: { description: 'Recorded', schema: implementationProfitSchema },
    200: { description: 'Corrected, or the same year recorded before', schema: implementationProfitSchema },
    ...routeErrors,
    404: { description: 'No such patent among your institution\u2019s', schema: errorBodySchema },
    409: {
      description:
        'Another year of the patent counts from another production start, or another request recorded the year at the same moment',
      schema: errorBodySchema,
    },
  },
} as const satisfies RouteDeclaration;

export const exportInventorRewardsRoute = {
  method: 'GET',
  path: '/v1/institutions/{uscc}/inventor-rewards.xlsx',
  function: 'exportInventorRewards',
  roles: ['institution', ...adminRoles],
  summary:
    "The inventors' rewards as XLSX: a summary per inventor and the payment lines (its institution-level users, admins in scope)",
  tags: ['transfer'],
  request: { params: receivablesParamsSchema, query: inventorRewardsQuerySchema },
  responses: {
    200: {
      description: 'The spreadsheet',
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    },
    ...routeErrors,
    404: { description: 'No such institution in your scope', schema: errorBodySchema },
  },
} as const satisfies RouteDeclaration;

export const moneyRoutes = [
  listObligationsRoute,
  recordPaymentRoute,
  reversePaymentRoute,
  listPaymentsRoute,
  reportRoyaltiesRoute,
  amendDealRoute,
  terminateDealRoute,
  getReceivablesRoute,
  getInventorRewardsRoute,
  exportInventorRewardsRoute,
  recordImplementationProfitRoute,
] as const;
