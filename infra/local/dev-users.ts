/**
 * The declared dev users of the local cloud: the administrators the local user directory knows
 * (functions/shared/directory.ts reads them from DEV_USERS, which the local Lambda runtime sets).
 * In AWS the same role comes from the Cognito groups of the user pool. Mint a token for one of them
 * with `npm run token -- --role <role> --sub <sub> --province <code> --email <email>`.
 *
 * One province admin has no email on purpose: the quarterly report skips and records them.
 */
import type { DevUser } from '../../functions/shared/directory.ts';

export const devUsers: readonly DevUser[] = [
  { sub: 'dev-national-admin', role: 'national-admin', email: 'admin@patents.local', name: '国家局管理员' },
  {
    sub: 'dev-national-analyst',
    role: 'national-admin',
    email: 'analyst@patents.local',
    name: '国家局统计员',
  },
  {
    sub: 'dev-admin-110000',
    role: 'province-admin',
    province: '110000',
    email: 'beijing-admin@patents.local',
    name: '北京市知识产权局',
  },
  {
    sub: 'dev-admin-310000',
    role: 'province-admin',
    province: '310000',
    email: 'shanghai-admin@patents.local',
    name: '上海市知识产权局',
  },
  {
    sub: 'dev-admin-440000',
    role: 'province-admin',
    province: '440000',
    email: 'guangdong-admin@patents.local',
    name: '广东省知识产权局',
  },
  { sub: 'dev-admin-440000-noemail', role: 'province-admin', province: '440000', name: '广东省 (no email)' },
  {
    sub: 'dev-admin-620000',
    role: 'province-admin',
    province: '620000',
    email: 'gansu-admin@patents.local',
    name: '甘肃省知识产权局',
  },
  {
    sub: 'dev-admin-650000',
    role: 'province-admin',
    province: '650000',
    email: 'xinjiang-admin@patents.local',
    name: '新疆维吾尔自治区知识产权局',
  },
  // Ministry admins (issue 14): each receives its ministry's quarterly report.
  {
    sub: 'dev-ministry-moe',
    role: 'ministry-admin',
    ministry: '教育部',
    email: 'moe-admin@patents.local',
    name: '教育部科技司',
  },
  {
    sub: 'dev-ministry-cas',
    role: 'ministry-admin',
    ministry: '中国科学院',
    email: 'cas-admin@patents.local',
    name: '中国科学院科技促进发展局',
  },
];
