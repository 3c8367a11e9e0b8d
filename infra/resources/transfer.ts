/**
 * Transfer: deals, registration / filing, open licensing, patent-intensive products, and the overdue
 * filing task of the deadline sweep. Joined with the other areas in infra/resources.ts.
 */

import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration } from './declarations.ts';

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
  recordOpenLicensePublication: {
    entry: 'functions/transfer/record-open-license-publication.handler.ts',
    description:
      "PUT /v1/patents/{applicationNumber}/open-license/publication: records CNIPA's announcement and the annual-fee reduction (openLicensePublished)",
    tables: { core: 'readWrite' },
  },
  recordPledge: {
    entry: 'functions/transfer/record-pledge.handler.ts',
    description:
      'POST /v1/patents/{applicationNumber}/pledges: records a pledge registered with CNIPA (pledgeRegistered)',
    tables: { core: 'readWrite' },
  },
  releasePledge: {
    entry: 'functions/transfer/release-pledge.handler.ts',
    description:
      'POST /v1/patents/{applicationNumber}/pledges/release: records the release of a pledge (pledgeReleased)',
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
  // ----- after the deal (issue 13, item 6): functions/transfer/money.ts -----
  listObligations: {
    entry: 'functions/transfer/list-obligations.handler.ts',
    description: "GET /v1/deals/{dealId}/obligations: what the deal's price terms oblige, paid, outstanding",
    tables: { core: 'read' },
  },
  recordPayment: {
    entry: 'functions/transfer/record-payment.handler.ts',
    description: 'POST /v1/deals/{dealId}/payments: a payment received, allocated to the obligations',
    tables: { core: 'readWrite' },
  },
  recordImplementationProfit: {
    entry: 'functions/transfer/record-implementation-profit.handler.ts',
    description:
      "PUT /v1/patents/{n}/implementation-profits/{year}: a year's operating profit of an own implementation and the inventors' share (art. 45 (3))",
    tables: { core: 'readWrite' },
  },
  reversePayment: {
    entry: 'functions/transfer/reverse-payment.handler.ts',
    description:
      'POST /v1/deals/{dealId}/payments/{paymentId}/reversal: a payment recorded in error, reversed with its reason',
    tables: { core: 'readWrite' },
  },
  listPayments: {
    entry: 'functions/transfer/list-payments.handler.ts',
    description: 'GET /v1/deals/{dealId}/payments: the payments recorded on a deal',
    tables: { core: 'read' },
  },
  reportRoyalties: {
    entry: 'functions/transfer/report-royalties.handler.ts',
    description: 'POST /v1/deals/{dealId}/royalty-reports: net sales of a period, its tiered royalty due',
    tables: { core: 'readWrite' },
  },
  amendDeal: {
    entry: 'functions/transfer/amend-deal.handler.ts',
    description:
      'POST /v1/deals/{dealId}/amendments: a supplementary agreement, with its reason (new version)',
    tables: { core: 'readWrite' },
  },
  terminateDeal: {
    entry: 'functions/transfer/terminate-deal.handler.ts',
    description: 'POST /v1/deals/{dealId}/termination: the last day in force and why; exclusive grants end',
    tables: { core: 'readWrite' },
  },
  getReceivables: {
    entry: 'functions/transfer/get-receivables.handler.ts',
    description: 'GET /v1/institutions/{uscc}/receivables: what an institution is owed on its deals',
    tables: { core: 'read' },
  },
  getInventorRewards: {
    entry: 'functions/transfer/get-inventor-rewards.handler.ts',
    description:
      "GET /v1/institutions/{uscc}/inventor-rewards: the inventors' share of the payments received, per inventor",
    tables: { core: 'read' },
  },
  exportInventorRewards: {
    entry: 'functions/transfer/export-inventor-rewards.handler.ts',
    description:
      "GET /v1/institutions/{uscc}/inventor-rewards.xlsx: the inventors' rewards as a workbook (summary and lines)",
    tables: { core: 'read' },
  },
  // ----- end of after the deal -----
  flagOverdueFilings: {
    entry: 'functions/transfer/flag-overdue-filings.handler.ts',
    description:
      'deadline-sweep task: flags registrations / filings past their due date and emails the institution and its province admins',
    tables: { core: 'readWrite' },
    readsUserDirectory: true,
    timeoutSeconds: 900,
    settings: settingsOf('portal'),
  },
} as const satisfies Record<string, FunctionDeclaration>;
