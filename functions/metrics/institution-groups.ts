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

type InstitutionItems = (provinceCode: string) => Promise<Record<string, unknown>[]>;

const namesOf = (items: Record<string, unknown>[]) =>
  new Map(items.map((item) => [String(item.uscc), String(item.name)]));

const groupsOf = (items: Record<string, unknown>[]) =>
  new Map<string, SupervisionGroup>(
    items.map((item) => [String(item.uscc), supervisionGroupOf(item as { supervision?: Supervision })]),
  );

const statusesOf = (items: Record<string, unknown>[]) =>
  new Map<string, PilotStatus>(
    items
      .filter((item) => (statusValues as readonly unknown[]).includes(item.pilotStatus))
      .map((item) => [String(item.uscc), item.pilotStatus as PilotStatus]),
  );

/**
 * The supervision group of each institution of a province (gsi2 PROV#<code>#INST): a ministry's name,
 * 'local' or 'unassigned' (schemas/supervision.ts), alone: for the rankings route, which needs no
 * names or pilot statuses.
 */
export function supervisionGroups(client: DynamoDBDocumentClient, tableName: string) {
  return async (provinceCode: string) =>
    groupsOf(
      await provinceInstitutions(client, tableName, provinceCode, { expression: 'uscc, supervision' }),
    );
}

/**
 * The three readers over ONE query per province: names, supervision groups and pilot statuses read
 * together, each province once. For one computation (a quarter's figures of one scope): make a new
 * set per computation, so that a warm function never serves an earlier run's institutions.
 */
export function provinceInstitutionReaders(client: DynamoDBDocumentClient, tableName: string) {
  const read = new Map<string, ReturnType<InstitutionItems>>();
  const items: InstitutionItems = (provinceCode) => {
    let pending = read.get(provinceCode);
    if (!pending) {
      pending = provinceInstitutions(client, tableName, provinceCode, {
        expression: 'uscc, #name, supervision, pilotStatus',
        names: { '#name': 'name' },
      });
      // A failed read is not kept: the next reader asks again.
      pending.catch(() => read.delete(provinceCode));
      read.set(provinceCode, pending);
    }
    return pending;
  };
  return {
    institutionNames: async (provinceCode: string) => namesOf(await items(provinceCode)),
    supervisionGroups: async (provinceCode: string) => groupsOf(await items(provinceCode)),
    pilotStatuses: async (provinceCode: string) => statusesOf(await items(provinceCode)),
  };
}
