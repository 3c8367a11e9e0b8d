/** Wires the report use-cases to DynamoDB, S3, Step Functions, the user directory and the metrics counters. */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MetricScope, Quarter } from '../../schemas/metrics.ts';
import { reportScopeKind } from '../../schemas/report.ts';
import { type Supervision, type SupervisionGroup, supervisionGroupOf } from '../../schemas/supervision.ts';
import { computeQuarterFigures } from '../metrics/figures.ts';
import { dynamoMetricsReadPort } from '../metrics/metrics-store.ts';
import { dynamoOverdueCorrections } from '../monitoring/monitoring-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { sfnSdk } from '../shared/clients/sfn.ts';
import { config } from '../shared/config.ts';
import { adminDirectory, configuredAdminUsers, dynamoReportOptOuts } from '../shared/directory.ts';
import { indexes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';
import type { ReportApiDeps } from './report-api.ts';
import { dynamoReportStore, s3ReportFiles } from './report-store.ts';

export const reportFiles = () => s3ReportFiles(config.bucketName('reports'));
export const reportStore = () => dynamoReportStore(documents, config.tableName('core'));

/** Institution names of a province (gsi2 PROV#<code>#INST), for the report's institution rows. */
export function institutionNames(client: DynamoDBDocumentClient, tableName: string) {
  return async (provinceCode: string) => {
    const { items } = await queryAll(client, {
      TableName: tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': indexes.provinceInstitutions(provinceCode) },
      ProjectionExpression: 'uscc, #name',
      ExpressionAttributeNames: { '#name': 'name' },
    });
    return new Map(items.map((item) => [String(item.uscc), String(item.name)]));
  };
}

/**
 * The supervision group of each institution of a province (gsi2 PROV#<code>#INST): a ministry's name,
 * 'local' or 'unassigned' (schemas/supervision.ts), for the ministry reports.
 */
export function supervisionGroups(client: DynamoDBDocumentClient, tableName: string) {
  return async (provinceCode: string) => {
    const { items } = await queryAll(client, {
      TableName: tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': indexes.provinceInstitutions(provinceCode) },
      ProjectionExpression: 'uscc, supervision',
    });
    return new Map<string, SupervisionGroup>(
      items.map((item) => [String(item.uscc), supervisionGroupOf(item as { supervision?: Supervision })]),
    );
  };
}

/** A report scope -> the metric scope it computes (schemas/report.ts reportScopeKind). */
export function metricScopeOf(scope: string): MetricScope {
  const kind = reportScopeKind(scope);
  if (kind === 'national') return { level: 'national' };
  if (kind === 'ministry') return { level: 'ministry', ministry: scope };
  return { level: 'province', provinceCode: scope };
}

export function computeFigures() {
  const port = dynamoMetricsReadPort(documents, config.tableName('metrics'), {
    institutionNames: institutionNames(documents, config.tableName('core')),
    supervisionGroups: supervisionGroups(documents, config.tableName('core')),
  });
  return (quarter: Quarter, scope: string) => computeQuarterFigures(port, quarter, metricScopeOf(scope));
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
