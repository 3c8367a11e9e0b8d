/**
 * DynamoDB adapter of PatentExpiryStore. Candidates are a Scan of the core table filtered on patent
 * items filed at least 10 years ago and not final: a patent's deadline index (gsi3) is taken by its
 * evaluation or promotion window, so the term has no index of its own. A daily scan reads every item
 * once (eventually consistent, 0.5 RRU per 4 KB: about 0.4 M RRU for a million 3 KB patents, USD 0.05 at
 * us-east-1 on-demand prices); docs/pipeline.md, "Exits", says when a sparse term index would pay.
 */
import { type DynamoDBDocumentClient, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { terminalStates } from '../../schemas/lifecycle.ts';
import { transitionCause, transitionWrites } from '../pipeline/transitions.ts';
import { keys } from '../shared/dynamo/keys.ts';
import { transact } from '../shared/dynamo/transact.ts';
import type { PatentExpiryStore } from './expire-patents.ts';

export function dynamoPatentExpiryStore(
  documents: DynamoDBDocumentClient,
  tableName: string,
): PatentExpiryStore {
  return {
    async candidates(filedOnOrBefore, pageSize, cursor) {
      const finals = terminalStates.map((_, i) => `:final${i}`);
      const page = await documents.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: `entity = :patent AND sk = :sk AND applicationDate <= :filed AND (attribute_not_exists(lifecycle) OR NOT (lifecycle IN (${finals.join(', ')})))`,
          ExpressionAttributeValues: {
            ':patent': 'patent',
            ':sk': 'PATENT',
            ':filed': filedOnOrBefore,
            ...Object.fromEntries(terminalStates.map((state, i) => [`:final${i}`, state])),
          },
          ProjectionExpression: 'applicationNumber',
          Limit: pageSize,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      return {
        items: (page.Items ?? []).map((item) => ({ applicationNumber: item.applicationNumber as string })),
        ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}),
      };
    },
    async patent(applicationNumber) {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: keys.patent(applicationNumber), ConsistentRead: true }),
      );
      return Item as Awaited<ReturnType<PatentExpiryStore['patent']>>;
    },
    async transition(patent, request, at) {
      const outcome = await transact(documents, transitionWrites(tableName, patent, request, at), {
        what: `the ${request.event} transition of patent ${patent.applicationNumber}`,
        conditionFailed: (failed) => transitionCause(failed, [3], [0]),
      });
      return outcome === 'committed' ? 'applied' : outcome;
    },
  };
}
