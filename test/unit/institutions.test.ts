import { describe, expect, it } from 'vitest';
import {
  getInstitution,
  type InstitutionStore,
  listInstitutions,
  registerInstitution,
  setInventorRewardRule,
  updateInstitution,
} from '../../functions/institutions/institutions.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import {
  type Institution,
  inventorRewardRuleInputSchema,
  registerInstitutionSchema,
  updateInstitutionSchema,
} from '../../schemas/institution.ts';
import { supervisionGroupOf } from '../../schemas/supervision.ts';
import {
  beijingAdmin,
  institutionUser,
  miitAdmin,
  ministryAdmin,
  moeAdmin,
  nationalAdmin,
  shanghaiAdmin,
} from '../support/callers.ts';

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
    async listByProvince(provinceCode, page, filter) {
      const all = [...items.values()]
        .filter((i) => i.provinceCode === provinceCode)
        .filter((i) => !filter?.supervision || supervisionGroupOf(i) === filter.supervision)
        .sort((a, b) => a.uscc.localeCompare(b.uscc));
      return { items: all.slice(0, page.limit) };
    },
    async listByMinistry(ministry, page, filter) {
      const all = [...items.values()]
        .filter((i) => i.supervision?.department !== 'local' && i.supervision?.ministry === ministry)
        .filter((i) => !filter?.provinceCode || i.provinceCode === filter.provinceCode)
        .sort((a, b) => a.uscc.localeCompare(b.uscc));
      return { items: all.slice(0, page.limit) };
    },
    async update(before, after) {
      if (items.get(before.uscc)?.version !== before.version) return 'conflict';
      items.set(after.uscc, after);
      return 'updated';
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

describe('supervising structure (issue 14; Work Plan 二、（一）2 and 3)', () => {
  const moeUniversity = {
    uscc: '12100000400000624D',
    name: '部属大学',
    provinceCode: '110000',
    kind: 'university' as const,
    supervision: { department: 'moe-direct' as const },
    pilotStatus: 'demonstration' as const,
  };
  const miitUniversity = {
    uscc: '12310000425006090Y',
    name: '工信部属大学',
    provinceCode: '310000',
    kind: 'university' as const,
    supervision: { department: 'other-ministry' as const, ministry: '工业和信息化部' as const },
  };
  const localInstitute = {
    uscc: '12310000425006111A',
    name: '地方研究所',
    provinceCode: '310000',
    kind: 'research-institute' as const,
    supervision: { department: 'local' as const, provinceCode: '310000' },
  };
  /** Registered before supervision existed: no field at all. */
  const legacy: Institution = {
    uscc: '12110000400001234X',
    name: '老大学',
    provinceCode: '110000',
    provinceName: '北京市',
    kind: 'university',
    usccChecksumValid: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    createdBy: 'x',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
  };

  async function seeded() {
    const store = memoryStore();
    for (const input of [moeUniversity, miitUniversity, localInstitute])
      await registerInstitution({ store, now }, nationalAdmin, input);
    store.items.set(legacy.uscc, legacy);
    return store;
  }

  it('registration stores the department with its name and the implied ministry', async () => {
    const store = await seeded();
    expect(store.items.get(moeUniversity.uscc)).toMatchObject({
      supervision: { department: 'moe-direct', departmentName: '教育部直属', ministry: '教育部' },
      pilotStatus: 'demonstration',
    });
    expect(store.items.get(localInstitute.uscc)?.supervision).toEqual({
      department: 'local',
      departmentName: '地方所属',
      provinceCode: '310000',
    });
    expect(store.items.get(miitUniversity.uscc)?.supervision?.ministry).toBe('工业和信息化部');
  });

  it('refuses incomplete or contradictory supervision with messages that say what to send', () => {
    const base = { uscc: '12100000400000624D', name: '大学', provinceCode: '110000', kind: 'university' };
    const issues = (supervision: unknown) => {
      const parsed = registerInstitutionSchema.safeParse({ ...base, supervision });
      expect(parsed.success).toBe(false);
      return parsed.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
    };
    expect(issues({ department: 'other-ministry' })).toMatch(
      /supervision.ministry: 其他部委所属 names its ministry: set ministry to one of 科技部/,
    );
    expect(issues({ department: 'other-ministry', ministry: '教育部' })).toMatch(/教育部直属 is moe-direct/);
    expect(issues({ department: 'moe-direct', ministry: '科技部' })).toMatch(/moe-direct means 教育部/);
    expect(issues({ department: 'local' })).toMatch(/supervision.provinceCode: 地方所属 names its province/);
    expect(issues({ department: 'cas', provinceCode: '110000' })).toMatch(/provinceCode is for local/);
    expect(issues({ department: '部属' })).toMatch(/department must be moe-direct \(教育部直属\)/);
    expect(issues({ department: 'other-ministry', ministry: '外交部' })).toMatch(
      /supervising ministries of the Work Plan/,
    );
    const pilot = registerInstitutionSchema.safeParse({ ...base, pilotStatus: 'yes' });
    expect(pilot.error?.issues[0]?.message).toMatch(/demonstration \(国家知识产权示范高校\), pilot/);
    expect(updateInstitutionSchema.safeParse({}).error?.issues[0]?.message).toMatch(
      /Nothing to update: send supervision/,
    );
  });

  it("a local institution is its own province's, and only universities are 试点 / 示范高校", async () => {
    const store = memoryStore();
    await expect(
      registerInstitution({ store, now }, nationalAdmin, {
        ...localInstitute,
        supervision: { department: 'local', provinceCode: '110000' },
      }),
    ).rejects.toThrow(/supervised by its own province: set it to 310000/);
    await expect(
      registerInstitution({ store, now }, nationalAdmin, { ...localInstitute, pilotStatus: 'pilot' }),
    ).rejects.toThrow(/universities \(高校\) only/);
    expect(store.items.size).toBe(0);
  });

  it('an institution with no supervising department is listed under "unassigned"', async () => {
    const store = await seeded();
    await expect(
      listInstitutions({ store }, beijingAdmin, { limit: 10, supervision: 'unassigned' }),
    ).resolves.toEqual({ items: [legacy] });
    expect(supervisionGroupOf(legacy)).toBe('unassigned');
    // and it is read like any other (no crash on the missing field)
    await expect(getInstitution({ store }, beijingAdmin, legacy.uscc)).resolves.toEqual(legacy);
    await expect(
      listInstitutions({ store }, nationalAdmin, { limit: 10, supervision: 'nobody' }),
    ).rejects.toThrow(/use a ministry \(教育部/);
  });

  it("a ministry admin reads its own institutions in every province, and another ministry's is 404", async () => {
    const store = await seeded();
    await expect(getInstitution({ store }, moeAdmin, moeUniversity.uscc)).resolves.toMatchObject({
      uscc: moeUniversity.uscc,
    });
    for (const other of [miitUniversity.uscc, localInstitute.uscc, legacy.uscc, '12100000000000000X'])
      await expect(getInstitution({ store }, moeAdmin, other)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getInstitution({ store }, miitAdmin, moeUniversity.uscc)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await listInstitutions({ store }, moeAdmin, { limit: 10 })).items.map((i) => i.uscc)).toEqual([
      moeUniversity.uscc,
    ]);
    expect((await listInstitutions({ store }, miitAdmin, { limit: 10, province: '110000' })).items).toEqual(
      [],
    );
    await expect(
      listInstitutions({ store }, moeAdmin, { limit: 10, supervision: '工业和信息化部' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    // A national admin lists a ministry's institutions across provinces.
    expect(
      (await listInstitutions({ store }, nationalAdmin, { limit: 10, supervision: '工业和信息化部' })).items,
    ).toHaveLength(1);
  });

  it('a ministry admin without custom:ministry is told who sets it', async () => {
    const store = await seeded();
    await expect(
      listInstitutions({ store }, { sub: 'm', roles: ['ministry-admin'] }, { limit: 10 }),
    ).rejects.toThrow(/ask the national administrators to set it to one of 教育部/);
    await expect(
      getInstitution({ store }, ministryAdmin('外交部'), moeUniversity.uscc),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('admins assign an unassigned institution; province admins only in their province; ministry admins never', async () => {
    const store = await seeded();
    const later = () => new Date('2026-12-01T00:00:00Z');
    const updated = await updateInstitution({ store, now: later }, beijingAdmin, legacy.uscc, {
      supervision: { department: 'moe-direct' },
      pilotStatus: 'pilot',
      version: 1,
    });
    expect(updated).toMatchObject({ version: 2, pilotStatus: 'pilot', supervision: { ministry: '教育部' } });
    await expect(getInstitution({ store }, moeAdmin, legacy.uscc)).resolves.toMatchObject({ version: 2 });
    await expect(
      updateInstitution({ store, now: later }, beijingAdmin, legacy.uscc, {
        pilotStatus: 'none',
        version: 1,
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      updateInstitution({ store, now: later }, shanghaiAdmin, legacy.uscc, { pilotStatus: 'none' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      updateInstitution({ store, now: later }, moeAdmin, legacy.uscc, { pilotStatus: 'none' }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      updateInstitution({ store, now: later }, nationalAdmin, localInstitute.uscc, { pilotStatus: 'pilot' }),
    ).rejects.toThrow(/universities/);
    expect(store.items.get(localInstitute.uscc)?.version).toBe(1);
  });

  it('publishInventors is recorded on its own and leaves the supervision as it was (issue 15, 8)', async () => {
    const store = await seeded();
    const later = () => new Date('2026-12-01T00:00:00Z');
    expect(updateInstitutionSchema.safeParse({ publishInventors: true }).success).toBe(true);
    const before = store.items.get(moeUniversity.uscc)!;
    expect(before.publishInventors).toBeUndefined();
    const updated = await updateInstitution({ store, now: later }, nationalAdmin, moeUniversity.uscc, {
      publishInventors: true,
    });
    expect(updated).toMatchObject({ publishInventors: true, version: before.version + 1 });
    expect(updated.supervision).toEqual(before.supervision);
    const hidden = await updateInstitution({ store, now: later }, nationalAdmin, moeUniversity.uscc, {
      publishInventors: false,
    });
    expect(hidden.publishInventors).toBe(false);
  });
});

describe("the institution's own inventor reward rule (促进科技成果转化法 art. 44)", () => {
  const rule = {
    ratePercent: 70,
    basis: '《示范大学科技成果转化管理办法》第十二条',
    effectiveFrom: '2026-01-01',
  };

  it('its institution-level users record it, versioned; departments 403, others 404, nothing changed', async () => {
    const store = memoryStore();
    await registerInstitution({ store, now }, beijingAdmin, tsinghua);
    const set = await setInventorRewardRule(
      { store, now },
      institutionUser(tsinghua.uscc),
      tsinghua.uscc,
      rule,
    );
    expect(set).toMatchObject({
      version: 2,
      inventorRewardRule: { ...rule, setAt: '2026-11-25T08:00:00.000Z' },
    });
    expect(store.items.get(tsinghua.uscc)?.inventorRewardRule?.ratePercent).toBe(70);

    const dept = { ...institutionUser(tsinghua.uscc), department: '化学学院' };
    await expect(setInventorRewardRule({ store, now }, dept, tsinghua.uscc, rule)).rejects.toThrow(
      ForbiddenError,
    );
    const other = institutionUser('121100004000018521');
    await expect(setInventorRewardRule({ store, now }, other, tsinghua.uscc, rule)).rejects.toThrow(
      NotFoundError,
    );
    await expect(setInventorRewardRule({ store, now }, beijingAdmin, tsinghua.uscc, rule)).rejects.toThrow(
      NotFoundError,
    );
    expect(store.items.get(tsinghua.uscc)?.version).toBe(2);
  });

  it('refuses a share of 0, over 100 or with three decimals, naming what to send', () => {
    for (const ratePercent of [0, 100.5, 62.125]) {
      const parsed = inventorRewardRuleInputSchema.safeParse({ ...rule, ratePercent });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toContain('ratePercent');
    }
    expect(inventorRewardRuleInputSchema.safeParse({ ...rule, effectiveFrom: '1.1.2026' }).success).toBe(
      false,
    );
  });
});
