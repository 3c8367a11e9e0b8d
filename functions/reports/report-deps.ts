/** Wires the report use-cases to DynamoDB, S3, Step Functions, the user directory and the metrics counters. */

import type { MetricScope, Quarter } from '../../schemas/metrics.ts';
import { reportScopeKind } from '../../schemas/report.ts';
import { computeQuarterFigures } from '../metrics/figures.ts';
import { provinceInstitutionReaders } from '../metrics/institution-groups.ts';
import { dynamoMetricsReadPort } from '../metrics/metrics-store.ts';
import { dynamoOverdueCorrections } from '../monitoring/monitoring-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { sfnSdk } from '../shared/clients/sfn.ts';
import { config } from '../shared/config.ts';
import { adminDirectory, configuredAdminUsers, dynamoReportOptOuts } from '../shared/directory.ts';
import type { ReportApiDeps } from './report-api.ts';
import { dynamoReportStore, s3ReportFiles } from './report-store.ts';

export const reportFiles = () => s3ReportFiles(config.bucketName('reports'));
export const reportStore = () => dynamoReportStore(documents, config.tableName('core'));

/** A report scope -> the metric scope it computes (schemas/report.ts reportScopeKind). */
export function metricScopeOf(scope: string): MetricScope {
  const kind = reportScopeKind(scope);
  if (kind === 'national') return { level: 'national' };
  if (kind === 'ministry') return { level: 'ministry', ministry: scope };
  return { level: 'province', provinceCode: scope };
}

export function computeFigures() {
  return (quarter: Quarter, scope: string) => {
    // One gsi2 query per province for the institutions' names, supervision and pilot statuses, made
    // afresh for each computation (a warm function must not serve an earlier run's institutions).
    const port = dynamoMetricsReadPort(
      documents,
      config.tableName('metrics'),
      provinceInstitutionReaders(documents, config.tableName('core')),
    );
    return computeQuarterFigures(port, quarter, metricScopeOf(scope), {
      // The national report ranks the ministries too (functions/metrics/rankings.ts).
      ministryRows: scope === 'national',
    });
  };
}

/** Overdue spot-check corrections (core table), for the report's anomalies. */
export const overdueCorrections = () => dynamoOverdueCorrections(documents, config.tableName('core'));

export async function emailDeps() {
  return {
    files: reportFiles(),
    store: reportStore(),
    directory: adminDirectory(
      await configuredAdminUsers(),
      dynamoReportOptOuts(documents, config.tableName('core')),
    ),
  };
}

/** Starts the quarterly-report workflow; the execution name says which quarter and when. */
export async function startReportRun(input: { quarter?: Quarter; resend: boolean }) {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const { sdk, client } = await sfnSdk();
  const { executionArn } = await client.send(
    new sdk.StartExecutionCommand({
      stateMachineArn: config.workflowArn('quarterly-report'),
      name: `${input.quarter ?? 'last-quarter'}-${input.resend ? 'resend-' : ''}${stamp}`,
      input: JSON.stringify(input.quarter ? input : { resend: input.resend }),
    }),
  );
  return { executionArn: executionArn! };
}

export function apiDeps(): Pick<ReportApiDeps, 'reads' | 'files'> {
  return { reads: reportStore(), files: reportFiles() };
}
