/**
 * The outbox's DynamoDB adapter when an answer is lost (infra/local/faults.ts, kind `lost`): DynamoDB
 * applied the write, the SDK sent it again, and the re-send failed its own condition. The store tells
 * its own write from another's (document client mocked).
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { newMailItem } from '../../functions/mail/mail-outbox.ts';
import { dynamoMailStore } from '../../functions/mail/mail-store.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const store = dynamoMailStore(documents, 'unit-core');
const failed = () => new ConditionalCheckFailedException({ message: 'the re-send', $metadata: {} });
const item = newMailItem(
  {
    to: ['ops@example.com'],
    subject: '测试邮件 / Test mail',
    text: 'x',
    html: '<p>x</p>',
    attachments: [],
  } as never,
  new Date('2026-12-06T04:00:00.000Z'),
);
let stored: Record<string, unknown> | undefined;
beforeEach(() => {
  ddb.reset();
  stored = undefined;
  ddb.on(GetCommand).callsFake(() => ({ Item: stored }));
});

describe('dynamoMailStore after a lost answer', () => {
  it('put: the re-send meets the item its first attempt wrote: queued, not an error', async () => {
    ddb.on(PutCommand).callsFakeOnce((input: PutCommandInput) => {
      stored = input.Item;
      throw failed();
    });
    await expect(store.put(item)).resolves.toBeUndefined();
    // Another mail under the same id (never with UUIDs, but a defect if it were) is surfaced.
    stored = { ...stored, subject: 'another mail' };
    ddb.on(PutCommand).rejects(failed());
    await expect(store.put(item)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it("claim: the re-send finds this claim's own lease: claimed (sent now, not a lease later)", async () => {
    stored = { ...item };
    ddb.on(UpdateCommand).callsFakeOnce((input: UpdateCommandInput) => {
      stored = { ...stored, status: 'sending', claim: input.ExpressionAttributeValues![':claim'] };
      throw failed();
    });
    await expect(store.claim(item.mailId, 'now', 'later')).resolves.toBe(true);
    // A live lease of another sender: not claimed.
    ddb.on(UpdateCommand).rejects(failed());
    await expect(store.claim(item.mailId, 'now', 'later')).resolves.toBe(false);
    // The token stays in the store.
    await expect(store.get(item.mailId)).resolves.not.toHaveProperty('claim');
  });
});
