import { describe, expect, it } from 'vitest';
import {
  getInstitution,
  type InstitutionStore,
  listInstitutions,
  registerInstitution,
} from '../../functions/institutions/institutions.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import type { Institution } from '../../schemas/institution.ts';
import { beijingAdmin, institutionUser, nationalAdmin, shanghaiAdmin } from '../support/callers.ts';

function memoryStore(): InstitutionStore & { items: Map<string, Institution> } {
  const items = new Map<string, Institution>();
  return {
    items,
    async create(institution) {
      if (items.has(institution.uscc)) return false;
      items.set(institution.uscc, institution);
      return true;
    },
    async get(uscc) {
      return items.get(uscc);
    },
    async listByProvince(provinceCode, page) {
      const all = [...items.values()]
        .filter((i) => i.provinceCode === provinceCode)
        .sort((a, b) => a.uscc.localeCompare(b.uscc));
      return { items: all.slice(0, page.limit) };
    },
  };
}

const now = () => new Date('2026-11-25T08:00:00Z');
const tsinghua = {
  uscc: '12100000400000624D',
  name: '示范大学',
  provinceCode: '110000',
  kind: 'university' as const,
};

describe('registerInstitution', () => {
  it('stores the institution with the province name, version 1 and who registered it', async () => {
    const store = memoryStore();
    const { institution, warnings } = await registerInstitution({ store, now }, beijingAdmin, tsinghua);
    expect(institution).toMatchObject({
      provinceName: '北京市',
      version: 1,
      // The organization and role, never the account id (a Cognito sub is personal data).
      createdBy: '省 110000 / province 110000（省级知识产权局 province admin）',
      createdAt: '2026-11-25T08:00:00.000Z',
    });
    expect(warnings).toEqual([]);
    expect(store.items.get(tsinghua.uscc)).toEqual(institution);
  });

  it('a province admin may not register in another province, and nothing is stored', async () => {
    const store = memoryStore();
    await expect(registerInstitution({ store, now }, shanghaiAdmin, tsinghua)).rejects.toThrow(
      ForbiddenError,
    );
    expect(store.items.size).toBe(0);
  });

  it('a duplicate is a conflict that points to the existing record', async () => {
    const store = memoryStore();
    await registerInstitution({ store, now }, nationalAdmin, tsinghua);
    await expect(registerInstitution({ store, now }, nationalAdmin, tsinghua)).rejects.toThrow(
      /already registered: read it with GET/,
    );
    await expect(registerInstitution({ store, now }, nationalAdmin, tsinghua)).rejects.toBeInstanceOf(
      ConflictError,
    );
  });

  it('a code failing the checksum is kept, with a warning', async () => {
    const { institution, warnings } = await registerInstitution(
      { store: memoryStore(), now },
      nationalAdmin,
      {
        ...tsinghua,
        uscc: '12100000400000624E',
        usccChecksumValid: false,
      },
    );
    expect(institution.usccChecksumValid).toBe(false);
    expect(warnings[0]).toContain('check character');
  });
});

describe('getInstitution and listInstitutions scope', () => {
  it('answers 404 (not 403) outside the caller scope, so codes do not leak', async () => {
    const store = memoryStore();
    await registerInstitution({ store, now }, nationalAdmin, tsinghua);
    await expect(getInstitution({ store }, shanghaiAdmin, tsinghua.uscc)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(
      getInstitution({ store }, institutionUser('121100004000018521'), tsinghua.uscc),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      getInstitution({ store }, institutionUser(tsinghua.uscc), tsinghua.uscc),
    ).resolves.toMatchObject({ uscc: tsinghua.uscc });
    await expect(getInstitution({ store }, beijingAdmin, tsinghua.uscc)).resolves.toMatchObject({
      uscc: tsinghua.uscc,
    });
  });

  it('a province admin lists its own province; asking for another is refused; a national admin must name one', async () => {
    const store = memoryStore();
    await registerInstitution({ store, now }, nationalAdmin, tsinghua);
    await expect(listInstitutions({ store }, beijingAdmin, { limit: 10 })).resolves.toMatchObject({
      items: [{ uscc: tsinghua.uscc }],
    });
    await expect(
      listInstitutions({ store }, beijingAdmin, { limit: 10, province: '310000' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listInstitutions({ store }, nationalAdmin, { limit: 10 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      listInstitutions({ store }, nationalAdmin, { limit: 10, province: '310000' }),
    ).resolves.toEqual({ items: [] });
  });
});
