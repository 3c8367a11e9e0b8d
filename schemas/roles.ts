import * as z from 'zod';

/** The login roles, one Cognito group each. */
export const roles = ['institution', 'enterprise', 'expert', 'province-admin', 'national-admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const roleLabels: Record<Role, string> = {
  institution: '高校/科研机构 institution',
  enterprise: '企业 enterprise',
  expert: '专家 expert',
  'province-admin': '省级知识产权局 province admin',
  'national-admin': '国家知识产权局 national admin',
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
  email: z.string().optional(),
  name: z.string().optional(),
});
export type Caller = z.infer<typeof callerSchema>;
