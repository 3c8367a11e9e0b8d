/**
 * The local streams as AWS delivers them: DynamoDB Local drops the type of an empty map in its stream
 * records (`{ "M": {} }` becomes `{}`); the poller restores it, so the core stream's readers unmarshall
 * what DynamoDB on AWS would hand them (a tiered patent with no cooperation intent holds such a map).
 */
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { asOnAws, restoreEmptyMaps } from '../../infra/local/streams.ts';

describe('local stream records', () => {
  it('an empty map, at any depth, in lists too, is { M: {} } again; other values are untouched', () => {
    const asLocal = {
      pk: { S: 'PAT#1' },
      tierInputs: { M: { cooperationIntents: {}, fields: { L: [] }, n: { N: '0' } } },
      list: { L: [{}, { M: { x: {} } }, { S: 'a' }] },
      empty: {},
      alreadyFine: { M: {} },
      flag: { NULL: true },
    };
    const restored = restoreEmptyMaps(asLocal);
    expect(restored).toEqual({
      pk: { S: 'PAT#1' },
      tierInputs: { M: { cooperationIntents: { M: {} }, fields: { L: [] }, n: { N: '0' } } },
      list: { L: [{ M: {} }, { M: { x: { M: {} } } }, { S: 'a' }] },
      empty: { M: {} },
      alreadyFine: { M: {} },
      flag: { NULL: true },
    });
    expect(() => unmarshall(asLocal as never)).toThrow(/No value defined/);
    expect(unmarshall(restored as never)).toMatchObject({
      tierInputs: { cooperationIntents: {} },
      empty: {},
    });
  });

  it('a record keeps its keys, event and sequence; both images are restored', () => {
    const record: StreamRecord = {
      eventName: 'MODIFY',
      dynamodb: {
        Keys: { pk: { S: 'a' } },
        SequenceNumber: '7',
        NewImage: { pk: { S: 'a' }, m: {} as never },
        OldImage: { pk: { S: 'a' }, m: { M: { x: {} as never } } },
      },
    };
    expect(asOnAws(record)).toEqual({
      eventName: 'MODIFY',
      dynamodb: {
        Keys: { pk: { S: 'a' } },
        SequenceNumber: '7',
        NewImage: { pk: { S: 'a' }, m: { M: {} } },
        OldImage: { pk: { S: 'a' }, m: { M: { x: { M: {} } } } },
      },
    });
  });
});
