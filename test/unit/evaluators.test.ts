import { describe, expect, it } from 'vitest';
import {
  decideEnterprise,
  type EvaluatorStore,
  getEnterprise,
  registerEnterprise,
  registerExpert,
} from '../../functions/market/evaluators.ts';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../functions/shared/errors.ts';
import type { Enterprise, Expert } from '../../schemas/market.ts';
import type { Caller } from '../../schemas/roles.ts';

function memoryStore() {
  const enterprises = new Map<string, Enterprise>();
  const experts = new Map<string, Expert>();
  const index = new Map<string, Set<string>>();
  const store: EvaluatorStore = {
    async getEnterprise(uscc) {
      return enterprises.get(uscc);
    },
    async saveEnterprise(e, previous) {
      if (enterprises.get(e.uscc)?.version !== previous?.version) return false;
      enterprises.set(e.uscc, e);
      return true;
    },
    async decideEnterprise(e, previous, keys) {
      if (enterprises.get(e.uscc)?.version !== previous.version) return false;
      enterprises.set(e.uscc, e);
      for (const key of keys) index.set(key, new Set([...(index.get(key) ?? []), `ENT#${e.uscc}`]));
      return true;
    },
    async listEnterprises() {
      return { items: [...enterprises.values()] };
    },
    async getExpert(id) {
      return experts.get(id);
    },
    async saveExpert(expert, _previous, previousKeys, keys) {
      experts.set(expert.expertId, expert);
      for (const key of previousKeys) index.get(key)?.delete(`EXP#${expert.expertId}`);
      for (const key of keys) index.set(key, new Set([...(index.get(key) ?? []), `EXP#${expert.expertId}`]));
    },
  };
  return { store, enterprises, index };
}

const uscc = '91440300MA5F1BQQ5D';
const input = {
  uscc,
  name: '示范电池有限公司',
  provinceCode: '440000',
  types: ['high-tech' as const],
  industryCodes: ['384'],
  strategicIndustries: [],
  ipcInterests: ['H01M'],
  contact: { name: '李' },
};
const self: Caller = { sub: 'e', roles: ['enterprise'], orgUscc: uscc };
const gdAdmin: Caller = { sub: 'gd', roles: ['province-admin'], provinceCode: '440000' };
const bjAdmin: Caller = { sub: 'bj', roles: ['province-admin'], provinceCode: '110000' };
const now = () => new Date('2026-11-25T00:00:00Z');

describe('enterprise registry', () => {
  it('self-registration is pending and not indexed until verified by its province admin', async () => {
    const { store, index } = memoryStore();
    expect(await registerEnterprise({ store, now }, self, input)).toMatchObject({
      status: 'pending',
      version: 1,
    });
    expect(index.size).toBe(0);
    await expect(
      decideEnterprise({ store, now }, bjAdmin, uscc, { decision: 'verified' }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await decideEnterprise({ store, now }, gdAdmin, uscc, { decision: 'verified' })).toMatchObject({
      status: 'verified',
      version: 2,
    });
    expect([...index.keys()].sort()).toEqual(['IND#384', 'IPC#H01M']);
    await expect(
      decideEnterprise({ store, now }, gdAdmin, uscc, { decision: 'rejected', reason: 'x' }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('rejection needs a reason; a rejected enterprise may register again', async () => {
    const { store } = memoryStore();
    await registerEnterprise({ store, now }, self, input);
    await expect(
      decideEnterprise({ store, now }, gdAdmin, uscc, { decision: 'rejected' }),
    ).rejects.toBeInstanceOf(ValidationError);
    await decideEnterprise({ store, now }, gdAdmin, uscc, {
      decision: 'rejected',
      reason: '营业执照与名称不符',
    });
    expect(
      await registerEnterprise({ store, now }, self, { ...input, name: '示范电池股份有限公司' }),
    ).toMatchObject({ status: 'pending', version: 3 });
  });

  it('an enterprise registers only itself; an admin only in its province; others read 404', async () => {
    const { store } = memoryStore();
    await expect(
      registerEnterprise({ store, now }, { ...self, orgUscc: '91110000MA0000001X' }, input),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(registerEnterprise({ store, now }, bjAdmin, input)).rejects.toBeInstanceOf(ForbiddenError);
    await registerEnterprise({ store, now }, gdAdmin, input);
    await expect(
      getEnterprise({ store, now }, { ...self, orgUscc: '91110000MA0000001X' }, uscc),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(registerEnterprise({ store, now }, self, input)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('expert profiles', () => {
  it('re-saving moves the expert from old index keys to new ones', async () => {
    const { store, index } = memoryStore();
    const expert: Caller = { sub: 'x1', roles: ['expert'] };
    const profile = {
      name: '王',
      title: '教授',
      affiliationUscc: '12100000400000624D',
      provinceCode: '110000',
      industryCodes: ['38'],
      strategicIndustries: [],
      ipcInterests: [],
    };
    await registerExpert({ store, now }, expert, profile);
    expect(index.get('IND#38')?.has('EXP#x1')).toBe(true);
    const again = await registerExpert({ store, now }, expert, { ...profile, industryCodes: ['39'] });
    expect(again.version).toBe(2);
    expect(index.get('IND#38')?.has('EXP#x1')).toBe(false);
    expect(index.get('IND#39')?.has('EXP#x1')).toBe(true);
  });
});
