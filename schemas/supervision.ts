/**
 * The supervising structure of institutions (issue 14, deliverable 2).
 *
 * Source: 《高校和科研机构存量专利盘活工作方案》(国知发运字〔2024〕5号), 二、（一）2「责任分工」:
 * "教育部、科技部、工业和信息化部、农业农村部、国家卫生健康委、中国科学院依职责做好所属高校和科研机构存量专利
 * 盘点和转化运用的组织动员和督促指导工作。各省级知识产权局会同当地教育、科技、农业农村、卫生健康等部门，依职责
 * 做好地方所属高校和科研机构的组织动员和督促指导工作" (reference/work-plan-zh.md).
 * So an institution is supervised either by one of those ministries (部属: 教育部直属, 其他部委所属, 中科院院属)
 * or by its province (地方所属).
 *
 * Pilot / demonstration status: same clause, 二、（一）3「进度安排」: "2024年3月底前，国家知识产权示范高校存量专利
 * 盘点入库工作应当取得阶段性成效；2024年6月底前，国家知识产权试点示范高校完成全部存量专利盘点入库，其他高校和科研
 * 机构完成30%以上" (and 二、（一）2: "国家知识产权试点示范高校 ... 应当积极发挥引领示范带动作用"). The designation is
 * of universities (高校) only.
 *
 * Institutions registered before this existed carry neither field: they are "unassigned" (reported under
 * that name, never refused or dropped).
 */
import * as z from 'zod';
import { provinceCodeSchema } from './codes/provinces.ts';

/** The ministries the Work Plan (二、（一）2) names as supervising their own institutions. */
export const supervisingMinistries = [
  '教育部',
  '科技部',
  '工业和信息化部',
  '农业农村部',
  '国家卫生健康委',
  '中国科学院',
] as const;
export type SupervisingMinistry = (typeof supervisingMinistries)[number];
export const supervisingMinistrySchema = z.enum(supervisingMinistries, {
  error: `name one of the supervising ministries of the Work Plan (二、（一）2): ${supervisingMinistries.join(', ')}`,
});

/** Ministries an institution of kind `other-ministry` (其他部委所属) may name: not 教育部 / 中国科学院, which have kinds of their own. */
export const otherMinistries = supervisingMinistries.filter(
  (m): m is Exclude<SupervisingMinistry, '教育部' | '中国科学院'> => m !== '教育部' && m !== '中国科学院',
);

export const supervisingDepartments = ['moe-direct', 'other-ministry', 'cas', 'local'] as const;
export type SupervisingDepartment = (typeof supervisingDepartments)[number];
export const supervisingDepartmentLabels: Record<SupervisingDepartment | 'unassigned', string> = {
  'moe-direct': '教育部直属',
  'other-ministry': '其他部委所属',
  cas: '中科院院属',
  local: '地方所属',
  unassigned: '未指定 unassigned',
};

/** The ministry a department implies, when it implies one. */
const impliedMinistry: Partial<Record<SupervisingDepartment, SupervisingMinistry>> = {
  'moe-direct': '教育部',
  cas: '中国科学院',
};

const what =
  'send supervision as {"department": "moe-direct"} (教育部直属), {"department": "other-ministry", "ministry": "工业和信息化部"} (其他部委所属), {"department": "cas"} (中科院院属) or {"department": "local", "provinceCode": "110000"} (地方所属)';

/** The supervising department as sent (registration or update). */
export const supervisionInputSchema = z
  .object({
    department: z.enum(supervisingDepartments, {
      error: `department must be moe-direct (教育部直属), other-ministry (其他部委所属), cas (中科院院属) or local (地方所属): ${what}`,
    }),
    ministry: supervisingMinistrySchema.optional().meta({
      description: `The supervising ministry: required for other-ministry (one of ${otherMinistries.join(', ')}); implied by moe-direct (教育部) and cas (中国科学院); not for local`,
    }),
    provinceCode: provinceCodeSchema.optional().meta({
      description: "local only: the supervising province (the institution's own province)",
    }),
  })
  .superRefine((value, ctx) => {
    const implied = impliedMinistry[value.department];
    if (value.department === 'other-ministry') {
      if (value.ministry === undefined || !(otherMinistries as readonly string[]).includes(value.ministry)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ministry'],
          message: `其他部委所属 names its ministry: set ministry to one of ${otherMinistries.join(', ')} (教育部直属 is moe-direct, 中科院院属 is cas)`,
        });
      }
    } else if (implied !== undefined) {
      if (value.ministry !== undefined && value.ministry !== implied) {
        ctx.addIssue({
          code: 'custom',
          path: ['ministry'],
          message: `${value.department} means ${implied}: drop ministry or set it to ${implied}`,
        });
      }
    } else if (value.ministry !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ministry'],
        message: '地方所属 institutions have no supervising ministry: drop ministry and send provinceCode',
      });
    }
    if (value.department === 'local') {
      if (value.provinceCode === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['provinceCode'],
          message: '地方所属 names its province: set provinceCode to the GB/T 2260 code, e.g. 110000',
        });
      }
    } else if (value.provinceCode !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['provinceCode'],
        message: `provinceCode is for local (地方所属) institutions only: drop it, or set department to local`,
      });
    }
  })
  .meta({
    id: 'SupervisionInput',
    description: `The supervising department (Work Plan 二、（一）2 责任分工): ${what}`,
  });
export type SupervisionInput = z.infer<typeof supervisionInputSchema>;

/** As stored and answered: the ministry filled in for moe-direct and cas. */
export const supervisionSchema = z
  .object({
    department: z.enum(supervisingDepartments),
    departmentName: z.string().meta({ description: '教育部直属 / 其他部委所属 / 中科院院属 / 地方所属' }),
    ministry: z.enum(supervisingMinistries).optional(),
    provinceCode: z.string().optional(),
  })
  .meta({
    id: 'Supervision',
    description:
      'The supervising department (Work Plan 二、（一）2 责任分工). Absent on institutions registered before it was recorded: they are "unassigned" until an administrator sets it (PATCH /v1/institutions/{uscc})',
  });
export type Supervision = z.infer<typeof supervisionSchema>;

export function normalizeSupervision(input: SupervisionInput): Supervision {
  const ministry = impliedMinistry[input.department] ?? input.ministry;
  return {
    department: input.department,
    departmentName: supervisingDepartmentLabels[input.department],
    ...(input.department !== 'local' && ministry !== undefined ? { ministry } : {}),
    ...(input.department === 'local' && input.provinceCode !== undefined
      ? { provinceCode: input.provinceCode }
      : {}),
  };
}

/**
 * National IP pilot / demonstration university (国家知识产权试点高校 / 示范高校), Work Plan 二、（一）3:
 * 示范高校 must show 阶段性成效 by 2024-03-31; 试点示范高校 inventory 100 % by 2024-06-30; others 30 %.
 */
export const pilotStatuses = ['demonstration', 'pilot', 'none'] as const;
export type PilotStatus = (typeof pilotStatuses)[number];
export const pilotStatusLabels: Record<PilotStatus, string> = {
  demonstration: '国家知识产权示范高校',
  pilot: '国家知识产权试点高校',
  none: '非试点示范',
};
export const pilotStatusSchema = z
  .enum(pilotStatuses, {
    error:
      'pilotStatus must be demonstration (国家知识产权示范高校), pilot (国家知识产权试点高校) or none (neither)',
  })
  .meta({
    description:
      'demonstration 国家知识产权示范高校, pilot 国家知识产权试点高校, none: neither (Work Plan 二、（一）3; universities only). Absent: not recorded (unassigned)',
  });

/** The key every report groups by: a ministry's name, "local" (its province reports it) or "unassigned". */
export type SupervisionGroup = SupervisingMinistry | 'local' | 'unassigned';
export function supervisionGroupOf(institution: { supervision?: Supervision }): SupervisionGroup {
  const supervision = institution.supervision;
  if (!supervision) return 'unassigned';
  if (supervision.department === 'local') return 'local';
  return supervision.ministry ?? 'unassigned';
}

/** True when the ministry `ministry` supervises this institution (a ministry admin's scope). */
export function supervisedBy(
  institution: { supervision?: Supervision } | undefined,
  ministry: string,
): boolean {
  return institution?.supervision?.ministry === ministry && institution.supervision.department !== 'local';
}
