/**
 * The attributes that exist for DynamoDB only: table and index keys, the item type, the write-race
 * token, the content hash of unchanged re-uploads. No API answer may carry one of them: response
 * schemas never declare them (test/unit/response-schemas.test.ts walks every route) and the HTTP
 * layer removes them from every answer whatever its schema says (functions/shared/response.ts).
 */
import * as z from 'zod';

export const storageAttributeNames: ReadonlySet<string> = new Set([
  'pk',
  'sk',
  'entity',
  'writeToken',
  'contentHash',
]);

/** pk, sk, entity, writeToken, contentHash, and any index key (gsi1pk, gsi2sk, lsi1sk ...). */
export const isStorageAttribute = (name: string) =>
  storageAttributeNames.has(name) || /^(gsi|lsi)\d*(pk|sk)$/i.test(name);

/** The key of a record in an answer: any string but a storage attribute name. */
export const answerKeySchema = z
  .string()
  .refine((key) => !isStorageAttribute(key), 'a storage attribute name is never part of an answer');
