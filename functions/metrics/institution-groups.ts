/**
 * Readers of the institutions of a province (gsi2 PROV#<code>#INST) that the figures need beside the
 * counters: their names (the report's institution rows), their supervision groups (the ministry
 * scopes and the rankings by ministry) and their pilot / demonstration statuses (the Work Plan
 * deadlines of those categories). Shared by the report workflow and the rankings route.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type PilotStatus,
  type Supervision,
  type SupervisionGroup,
  pilotStatuses as statusValues,
  supervisionGroupOf,
} from '../../schemas/supervision.ts';
import { indexes } from '../shared/dynamo/keys.ts';
import { queryAll } from '../shared/dynamo/query.ts';

/** The institutions of a province (gsi2 PROV#<code>#INST, every page), with the attributes named. */
async function provinceInstitutions(
  client: DynamoDBDocumentClient,
  tableName: string,
  provinceCode: string,
  projection: { expression: string; names?: Record<string, string> },
) {
  const { items } = await queryAll(client, {
    TableName: tableName,
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': indexes.provinceInstitutions(provinceCode) },
    ProjectionExpression: projection.expression,
    ...(projection.names ? { ExpressionAttributeNames: projection.names } : {}),
  });
  return items;
}

/** Institution names of a province (gsi2 PROV#<code>#INST), for the report's institution rows. */
export function institutionNames(client: DynamoDBDocumentClient, tableName: string) {
  return async (provinceCode: string) => {
    const items = await provinceInstitutions(client, tableName, provinceCode, {
      expression: 'uscc, #name',
      names: { '#name': 'name' },
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
    const items = await provinceInstitutions(client, tableName, provinceCode, {
      expression: 'uscc, supervision',
    });
    return new Map<string, SupervisionGroup>(
      items.map((item) => [String(item.uscc), supervisionGroupOf(item as { supervision?: Supervision })]),
    );
  };
}

/**
 * The recorded pilot / demonstration status of each institution of a province (gsi2 PROV#<code>#INST;
 * institutions without one are left out: they count as other), for the Work Plan deadlines.
 */
export function pilotStatuses(client: DynamoDBDocumentClient, tableName: string) {
  return async (provinceCode: string) => {
    const items = await provinceInstitutions(client, tableName, provinceCode, {
      expression: 'uscc, pilotStatus',
    });
    return new Map<string, PilotStatus>(
      items
        .filter((item) => (statusValues as readonly unknown[]).includes(item.pilotStatus))
        .map((item) => [String(item.uscc), item.pilotStatus as PilotStatus]),
    );
  };
}
