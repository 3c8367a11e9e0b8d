/**
 * Every item of a query, page after page, through the SDK's own paginator (`paginateQuery`): for the
 * small, bounded partitions a store reads whole (a deal's payments, an institution's open requests).
 * `max` stops after the page that reaches it; `complete` says whether the partition was read to its end.
 * The paginator writes each page's start key into the input it is given: it gets a copy.
 */
import { type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export async function queryAll(
  documents: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  max = Number.POSITIVE_INFINITY,
): Promise<{ items: Record<string, unknown>[]; complete: boolean }> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client: documents }, { ...input })) {
    items.push(...(page.Items ?? []));
    if (items.length >= max && page.LastEvaluatedKey) return { items, complete: false };
  }
  return { items, complete: true };
}
