/** Quarterly reports: the workflow, its tasks and schedule, the report API, admins' report preferences. Joined with the other areas in infra/resources.ts. */

import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration, ScheduleDeclaration, WorkflowDeclaration } from './declarations.ts';

/**
 * The chart renderer's WebAssembly module and its CJK font, copied beside the bundle's index.mjs and
 * read on the first chart (functions/reports/render-chart.ts), not bundled into it.
 */
const chartBundling = {
  bundleFiles: [
    'node_modules/@resvg/resvg-wasm/index_bg.wasm',
    'node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  ],
} as const;

export const reportsFunctions = {
  startQuarterlyReport: {
    entry: 'functions/reports/start-quarterly-report.handler.ts',
    description:
      'Schedule quarterly-report: starts the workflow for the quarter just ended (or the given { quarter, resend })',
    workflows: ['quarterly-report'],
  },
  prepareReport: {
    entry: 'functions/reports/prepare-report.handler.ts',
    description:
      'quarterly-report task: checks the quarter (default: the one just ended) and lists the scopes',
  },
  computeReport: {
    entry: 'functions/reports/compute-report.handler.ts',
    description: "quarterly-report task: computes a scope's figures from the counters and stores them",
    tables: { metrics: 'read', core: 'read' },
    buckets: { reports: 'readWrite' },
    timeoutSeconds: 120,
    memoryMb: 1024,
  },
  renderReport: {
    entry: 'functions/reports/render-report.handler.ts',
    description: "quarterly-report task: renders a scope's HTML, XLSX and chart PNG and stores them",
    buckets: { reports: 'readWrite' },
    timeoutSeconds: 60,
    memoryMb: 1024,
    ...chartBundling,
    settings: settingsOf('portal'),
  },
  emailReport: {
    entry: 'functions/reports/email-report.handler.ts',
    description:
      "quarterly-report task: queues the scope's report email to its admins (each once, unless resend)",
    tables: { core: 'readWrite' },
    buckets: { reports: 'read' },
    readsUserDirectory: true,
    timeoutSeconds: 60,
  },
  recordReport: {
    entry: 'functions/reports/record-report.handler.ts',
    description:
      'quarterly-report task: records REPORT#<quarter> (scopes, files, recipients) with its audit entry',
    tables: { core: 'readWrite' },
  },
  listReports: {
    entry: 'functions/reports/list-reports.handler.ts',
    description: "GET /v1/reports: the caller's reports, newest quarter first",
    tables: { core: 'read' },
  },
  getReport: {
    entry: 'functions/reports/get-report.handler.ts',
    description: 'GET /v1/reports/{quarter}: figures and presigned links to the HTML, XLSX and PNG',
    tables: { core: 'read' },
    buckets: { reports: 'read' },
  },
  runReport: {
    entry: 'functions/reports/run-report.handler.ts',
    description: 'POST /v1/reports/{quarter}/run: starts the quarterly-report workflow for a quarter',
    workflows: ['quarterly-report'],
  },
  putReportPreferences: {
    entry: 'functions/reports/put-report-preferences.handler.ts',
    description:
      'PUT /v1/admins/me/report-preferences: an admin opts out of (or back into) the report emails',
    tables: { core: 'readWrite' },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const reportsWorkflows = {
  'quarterly-report': {
    file: 'workflows/quarterly-report.asl.json',
    description:
      'Quarterly report of one quarter: national and each province computed, rendered, stored, emailed, recorded',
    // Standard: execution history for operators (GetExecutionHistory), runs of minutes, four a year.
    type: 'STANDARD',
    tasks: {
      PrepareReportFunction: 'prepareReport',
      ComputeReportFunction: 'computeReport',
      RenderReportFunction: 'renderReport',
      EmailReportFunction: 'emailReport',
      RecordReportFunction: 'recordReport',
    },
  },
} as const satisfies Record<string, WorkflowDeclaration>;

export const reportsSchedules = {
  'quarterly-report': {
    description:
      'The report of the quarter just ended, to national and province admins (01:00 China time on the first day of each quarter)',
    cron: 'cron(0 1 1 1,4,7,10 ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'startQuarterlyReport' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
