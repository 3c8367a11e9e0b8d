import type { Caller } from '../../schemas/roles.ts';

export const nationalAdmin: Caller = { sub: 'national-1', roles: ['national-admin'], email: 'n@example.org' };
export const beijingAdmin: Caller = { sub: 'bj-admin', roles: ['province-admin'], provinceCode: '110000' };
export const shanghaiAdmin: Caller = { sub: 'sh-admin', roles: ['province-admin'], provinceCode: '310000' };
export const institutionUser = (uscc: string): Caller => ({
  sub: `inst-${uscc}`,
  roles: ['institution'],
  orgUscc: uscc,
});
export const enterpriseUser: Caller = { sub: 'ent-1', roles: ['enterprise'], orgUscc: '91110000802100433B' };
/** A supervising ministry's administrator (custom:ministry), issue 14. */
export const ministryAdmin = (ministry: string): Caller => ({
  sub: `ministry-${ministry}`,
  roles: ['ministry-admin'],
  ministry,
});
export const moeAdmin = ministryAdmin('教育部');
export const miitAdmin = ministryAdmin('工业和信息化部');
