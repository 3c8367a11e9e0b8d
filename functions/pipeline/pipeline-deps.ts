/** Wires the pipeline use-cases to DynamoDB and Step Functions. */

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoInstitutionStore, institutionKey } from '../institutions/institution-store.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { documents } from '../shared/clients/dynamodb.ts';
import { sfnSdk } from '../shared/clients/sfn.ts';
import { config } from '../shared/config.ts';
import { eventSortKey } from './events.ts';
import { dynamoFailureStore } from './failure-store.ts';
import type { FailureDeps } from './failures.ts';
import { dynamoHistoryStore } from './history-store.ts';
import type { NotifyStore } from './notify.ts';
import type { ExecutionStarter, StartRecorder } from './start.ts';
import { patentPk } from './transitions.ts';

/** StartExecution of the patent-pipeline workflow. */
export const sfnStarter = (): ExecutionStarter => ({
  async start(name, input) {
    const { sdk, client } = await sfnSdk();
    try {
      const { executionArn } = await client.send(
        new sdk.StartExecutionCommand({
          stateMachineArn: config.workflowArn('patent-pipeline'),
          name,
          input,
        }),
      );
      return { ...(executionArn ? { executionArn } : {}) };
    } catch (error) {
      if (error instanceof sdk.ExecutionAlreadyExists) return { exists: true };
      throw error;
    }
  },
});

/** Notes the started execution on the event item (the history shows it beside the transition). */
export const dynamoStartRecorder = (tableName: string): StartRecorder => ({
  async noteStarted(event, executionArn) {
    try {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { pk: patentPk(event.applicationNumber), sk: eventSortKey(event) },
          UpdateExpression: 'SET startedExecutionArn = :arn',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':arn': executionArn },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  },
});

export const failureDeps = (): FailureDeps => ({
  store: dynamoFailureStore(documents, config.tableName('core')),
  starter: sfnStarter(),
  recorder: dynamoStartRecorder(config.tableName('core')),
  now: () => new Date(),
});

export const historyDeps = () => ({
  store: dynamoHistoryStore(documents, config.tableName('core')),
  // Ministry admins: whether the patent's institution is one their ministry supervises.
  institutions: dynamoInstitutionStore(documents, config.tableName('core')),
});

export function dynamoNotifyStore(tableName: string): NotifyStore {
  return {
    async institution(uscc) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: institutionKey(uscc),
          ProjectionExpression: '#n, contactEmail',
          ExpressionAttributeNames: { '#n': 'name' },
        }),
      );
      return Item as { name: string; contactEmail?: string } | undefined;
    },
    async patentTitle(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({
          TableName: tableName,
          Key: { pk: patentPk(applicationNumber), sk: 'PATENT' },
          ProjectionExpression: 'title',
        }),
      );
      return Item?.title as string | undefined;
    },
    async queue(mailId, message, at) {
      try {
        await documents.send(
          new PutCommand({
            TableName: tableName,
            Item: mailOutboxItem({ ...newMailItem(message, new Date(at)), mailId }),
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}

export const notifyDeps = () => ({
  store: dynamoNotifyStore(config.tableName('core')),
  now: () => new Date(),
});
