import * as z from 'zod';

/**
 * The login roles, one Cognito group each. ministry-admin (issue 14): a supervising ministry's
 * administrator (Work Plan 二、（一）2 责任分工: 教育部、科技部 ... 中国科学院 supervise their own institutions),
 * who reads and reports on the institutions its ministry supervises (custom:ministry), in every
 * province; read-only (docs/security.md). Last in the list, so the groups' precedences stay as they were.
 */
export const roles = [
  'institution',
  'enterprise',
  'expert',
  'province-admin',
  'national-admin',
  'ministry-admin',
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const roleLabels: Record<Role, string> = {
  institution: '高校/科研机构 institution',
  enterprise: '企业 enterprise',
  expert: '专家 expert',
  'province-admin': '省级知识产权局 province admin',
  'national-admin': '国家知识产权局 national admin',
  'ministry-admin': '部委管理员 ministry admin',
};

/** Who is calling, as read from the verified token (Cognito ID token claims). */
export const callerSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(roleSchema).min(1),
  /** Unified social credit code of the caller's organization (custom:uscc). */
  orgUscc: z.string().optional(),
  /** GB/T 2260 province code (custom:province). */
  provinceCode: z.string().optional(),
  /** Department (院系) of an institution user (custom:department); absent for institution-level users. */
  department: z.string().optional(),
  /** The supervising ministry a ministry admin speaks for (custom:ministry), e.g. 教育部. */
  ministry: z.string().optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});
export type Caller = z.infer<typeof callerSchema>;
