/**
 * Co-owners read the patents they co-own (functions/patents/co-ownership.ts): the link items follow a
 * patent's `coOwners` from the stream, by the names' keys; a co-owner lists them by its registered name.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type CoOwnership,
  type CoOwnershipStore,
  changesCoOwnership,
  coOwnershipChanges,
  listCoOwnedPatents,
} from '../../functions/patents/co-ownership.ts';
import { coOwnershipConsumer } from '../../functions/patents/co-ownership-consumer.ts';
import { NotFoundError } from '../../functions/shared/errors.ts';
import { matchesFilter } from '../../functions/streams/core-stream-filters.ts';
import { organizationKey } from '../../schemas/organization-name.ts';
import type { PublicPatent } from '../../schemas/patent.ts';
import { enterpriseUser, institutionUser } from '../support/callers.ts';

const OWNER = '12100000400000624D';
const CO = '121100004000018521';
const n = '201910010001.5';

/** The links as the DynamoDB adapter keeps them: one item per name key and patent. */
function memoryLinks(): CoOwnershipStore & { links: Map<string, CoOwnership>; writes: number } {
  const links = new Map<string, CoOwnership>();
  const store = {
    links,
    writes: 0,
    async apply({ put, remove }: Parameters<CoOwnershipStore['apply']>[0]) {
      store.writes += put.length + remove.length;
      for (const link of put) links.set(`${link.nameKey}#${link.applicationNumber}`, link);
      for (const link of remove) links.delete(`${link.nameKey}#${link.applicationNumber}`);
    },
    async has(nameKey: string, applicationNumber: string) {
      return links.has(`${nameKey}#${applicationNumber}`);
    },
    async list(nameKey: string, limit: number, start: Record<string, unknown> | undefined) {
      const all = [...links.values()]
        .filter((link) => link.nameKey === nameKey)
        .sort((a, b) => a.applicationNumber.localeCompare(b.applicationNumber));
      const from = start ? all.findIndex((link) => link.applicationNumber > String(start.n)) : 0;
      const page = from < 0 ? [] : all.slice(from, from + limit);
      const more = from >= 0 && from + limit < all.length;
      return { items: page, ...(more ? { lastKey: { n: page.at(-1)!.applicationNumber } } : {}) };
    },
  };
  return store;
}

const patentVersion = (coOwners?: string[], extra: Record<string, unknown> = {}) => ({
  entity: 'patent',
  applicationNumber: n,
  institutionUscc: OWNER,
  ...(coOwners ? { coOwners } : {}),
  ...extra,
});

const record = (before: object | undefined, after: object | undefined): DynamoDBRecord => ({
  eventName: before ? (after ? 'MODIFY' : 'REMOVE') : 'INSERT',
  dynamodb: {
    ...(before ? { OldImage: marshall(before) as never } : {}),
    ...(after ? { NewImage: marshall(after) as never } : {}),
    SequenceNumber: '1',
  },
});

describe('the link changes of a patent version', () => {
  it('puts every co-owner of the new version and removes the names it no longer has', () => {
    const changes = coOwnershipChanges(
      patentVersion(['北京某大学', '某研究所']),
      patentVersion(['北京某大学']),
    );
    expect(changes.put).toEqual([
      { nameKey: organizationKey('北京某大学'), name: '北京某大学', applicationNumber: n, ownerUscc: OWNER },
    ]);
    expect(changes.remove).toEqual([{ nameKey: organizationKey('某研究所'), applicationNumber: n }]);
  });

  it('width, case and spaces do not make a second co-owner; an unrelated change is skipped', () => {
    expect(organizationKey('北京 某大学（医学部）')).toBe(organizationKey('北京某大学(医学部)'));
    expect(organizationKey('ＡＢＣ Institute')).toBe(organizationKey('abc institute'));
    expect(
      changesCoOwnership(patentVersion(['北京某大学']), patentVersion(['北京 某大学'], { title: 'x' })),
    ).toBe(false);
    expect(changesCoOwnership(patentVersion(), patentVersion(undefined, { title: 'x' }))).toBe(false);
    expect(changesCoOwnership(undefined, patentVersion(['北京某大学']))).toBe(true);
  });
});

describe('the stream consumer', () => {
  it('follows the versions of a patent, and a redelivered record changes nothing', async () => {
    const store = memoryLinks();
    const consumer = coOwnershipConsumer(store);
    expect(matchesFilter(consumer.filter, record(undefined, patentVersion(['北京某大学'])))).toBe(true);
    expect(matchesFilter(consumer.filter, record(undefined, { entity: 'deal' }))).toBe(false);

    await consumer.handle(record(undefined, patentVersion(['北京某大学', '某研究所'])));
    expect([...store.links.keys()].sort()).toEqual(
      [`${organizationKey('北京某大学')}#${n}`, `${organizationKey('某研究所')}#${n}`].sort(),
    );
    const dropped = record(patentVersion(['北京某大学', '某研究所']), patentVersion(['北京某大学']));
    await consumer.handle(dropped);
    await consumer.handle(dropped);
    expect([...store.links.keys()]).toEqual([`${organizationKey('北京某大学')}#${n}`]);

    const writes = store.writes;
    await consumer.handle(
      record(patentVersion(['北京某大学']), patentVersion(['北京某大学'], { title: '新' })),
    );
    expect(store.writes).toBe(writes);
  });
});

describe('GET /v1/institutions/{uscc}/co-owned-patents', () => {
  const registered: Record<string, { name: string }> = {
    [OWNER]: { name: '某工业大学' },
    [CO]: { name: '北京某大学' },
  };
  const deps = (store: CoOwnershipStore) => ({
    coOwnership: store,
    institutions: { get: async (uscc: string) => registered[uscc] },
    publicViews: async (numbers: readonly string[]) =>
      new Map(
        numbers.map((number) => [number, { applicationNumber: number, title: '一种电池' } as PublicPatent]),
      ),
  });

  it('lists the patents naming the institution by its registered name, page by page', async () => {
    const store = memoryLinks();
    const numbers = ['201910010001.5', '201910010002.3', '201910010003.1'];
    for (const number of numbers)
      await store.apply({
        put: [
          {
            nameKey: organizationKey('北京 某大学'),
            name: '北京 某大学',
            applicationNumber: number,
            ownerUscc: OWNER,
          },
        ],
        remove: [],
      });
    const first = await listCoOwnedPatents(deps(store), institutionUser(CO), CO, { limit: 2 });
    expect(first.items).toEqual([
      {
        applicationNumber: numbers[0],
        coOwnerName: '北京 某大学',
        patent: { applicationNumber: numbers[0], title: '一种电池' },
      },
      {
        applicationNumber: numbers[1],
        coOwnerName: '北京 某大学',
        patent: { applicationNumber: numbers[1], title: '一种电池' },
      },
    ]);
    expect(first.nextCursor).toBeTypeOf('string');
    const second = await listCoOwnedPatents(deps(store), institutionUser(CO), CO, {
      limit: 2,
      cursor: first.nextCursor!,
    });
    expect(second.items.map((item) => item.applicationNumber)).toEqual([numbers[2]]);
    expect(second.nextCursor).toBeUndefined();
    // The owner co-owns none of them.
    await expect(
      listCoOwnedPatents(deps(store), institutionUser(OWNER), OWNER, { limit: 2 }),
    ).resolves.toEqual({
      items: [],
    });
  });

  it("another institution's list, an enterprise and an unregistered institution get 404", async () => {
    const store = memoryLinks();
    await expect(
      listCoOwnedPatents(deps(store), institutionUser(OWNER), CO, { limit: 25 }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(listCoOwnedPatents(deps(store), enterpriseUser, CO, { limit: 25 })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    const stranger = '12330000470000000X';
    await expect(
      listCoOwnedPatents(deps(store), institutionUser(stranger), stranger, { limit: 25 }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});
