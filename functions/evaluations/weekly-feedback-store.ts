/** DynamoDB adapter of FeedbackStore: institutions per province (gsi2), evaluations per institution by time (gsi1). */
import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { provinceNames } from '../../schemas/codes/provinces.ts';
import { newMailItem } from '../mail/mail-outbox.ts';
import { mailOutboxItem } from '../mail/mail-store.ts';
import { indexes, keys } from '../shared/dynamo/keys.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { FeedbackEvaluation, FeedbackStore } from './weekly-feedback.ts';

export function dynamoFeedbackStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
  now: () => Date = () => new Date(),
): FeedbackStore {
  async function* queryAll(input: ConstructorParameters<typeof QueryCommand>[0]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
      yield* page.Items ?? [];
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return {
    async *institutions() {
      for (const code of provinceNames.keys()) {
        for await (const item of queryAll({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': indexes.provinceInstitutions(code) },
        })) {
          yield {
            uscc: item.uscc as string,
            name: item.name as string,
            contactEmail: item.contactEmail as string | undefined,
          };
        }
      }
    },
    async evaluationsSince(uscc, since) {
      const found: FeedbackEvaluation[] = [];
      for await (const item of queryAll({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk >= :since',
        ExpressionAttributeValues: { ':pk': indexes.institutionEvaluations(uscc), ':since': since },
      })) {
        found.push(item as FeedbackEvaluation);
      }
      return found;
    },
    async sendOnce(uscc, week, message) {
      const at = now();
      const mail = newMailItem(message, at);
      const outcome = await transact(
        documents,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...keys.feedbackSent(uscc, week),
                entity: 'feedback-sent',
                mailId: mail.mailId,
                at: at.toISOString(),
                expiresAt: Math.floor(at.getTime() / 1000) + 60 * 86400,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: mailOutboxItem(mail),
            },
          },
        ],
        {
          what: `the weekly feedback mail of ${uscc} for ${week}`,
          // The sent marker of the week exists: this week's mail went out already.
          conditionFailed: (failed) => (failed.includes(0) ? 'sent-before' : undefined),
        },
      );
      return outcome === 'committed';
    },
  };
}
