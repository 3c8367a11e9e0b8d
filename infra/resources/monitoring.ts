/** Monitoring flags: quarterly spot checks of inventory quality and the 5-year rule. Joined with the other areas in infra/resources.ts. */

import { settingsOf } from '../../schemas/resource-names.ts';
import type { FunctionDeclaration, ScheduleDeclaration } from './declarations.ts';

export const monitoringFunctions = {
  assignSpotChecks: {
    entry: 'functions/monitoring/assign-spot-checks.handler.ts',
    description:
      'Schedule spot-checks: a seeded sample of every institution’s inventoried patents, assigned to its province admins (once per quarter)',
    tables: { core: 'readWrite' },
    timeoutSeconds: 900,
  },
  listSpotChecks: {
    entry: 'functions/monitoring/list-spot-checks.handler.ts',
    description: 'GET /v1/monitoring/spot-checks: the spot checks of a province in a quarter',
    tables: { core: 'read' },
  },
  decideSpotCheck: {
    entry: 'functions/monitoring/decide-spot-check.handler.ts',
    description:
      'PUT /v1/monitoring/spot-checks/{id}: verdict ok or needs-correction (emailed to the institution)',
    tables: { core: 'readWrite' },
    settings: settingsOf('portal'),
  },
  setSpotCheckSample: {
    entry: 'functions/monitoring/set-spot-check-sample.handler.ts',
    description: 'PUT /v1/monitoring/spot-check-settings/{uscc}: the sample size of one institution',
    tables: { core: 'readWrite' },
  },
  listUnimplementedFunded: {
    entry: 'functions/monitoring/list-unimplemented-funded.handler.ts',
    description:
      'GET /v1/monitoring/unimplemented-funded: the 5-year-rule list of an institution or province',
    tables: { core: 'read', metrics: 'read' },
  },
  answerCorrection: {
    entry: 'functions/monitoring/answer-correction.handler.ts',
    description:
      'POST /v1/monitoring/spot-checks/{id}/correction: the institution answers a correction request by its deadline',
    tables: { core: 'readWrite' },
  },
  fileFiveYearJustification: {
    entry: 'functions/monitoring/file-five-year-justification.handler.ts',
    description:
      'POST /v1/monitoring/unimplemented-funded/{applicationNumber}/justification: the institution files why a 5-year-rule patent is not implemented',
    tables: { core: 'readWrite' },
  },
  reviewFiveYearJustification: {
    entry: 'functions/monitoring/review-five-year-justification.handler.ts',
    description:
      'PUT /v1/monitoring/unimplemented-funded/{applicationNumber}/justification: the province accepts or rejects a justification (emailed to the institution)',
    tables: { core: 'readWrite' },
    settings: settingsOf('portal'),
  },
} as const satisfies Record<string, FunctionDeclaration>;

export const monitoringSchedules = {
  'spot-checks': {
    description:
      'Quarterly spot checks: samples every institution’s inventoried patents for the quarter that starts (01:30 China time on 1 Jan / Apr / Jul / Oct)',
    cron: 'cron(30 1 1 1,4,7,10 ? *)',
    timezone: 'Asia/Shanghai',
    target: { function: 'assignSpotChecks' },
  },
} as const satisfies Record<string, ScheduleDeclaration>;
