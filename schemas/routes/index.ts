/** Every HTTP route of the system, joined from the areas: read by the stacks, the local API and the OpenAPI generator (never by a handler). */
import { evaluationsRoutes } from './evaluations.ts';
import { expertsRoutes } from './experts.ts';
import { institutionsRoutes } from './institutions.ts';
import { intakeRoutes } from './intake.ts';
import { mailRoutes } from './mail.ts';
import { marketRoutes } from './market.ts';
import { metricsRoutes } from './metrics.ts';
import { moneyRoutes } from './money.ts';
import { monitoringRoutes } from './monitoring.ts';
import { needsRoutes } from './needs.ts';
import { negotiationRoutes } from './negotiation.ts';
import { patentsRoutes } from './patents.ts';
import { pipelineRoutes } from './pipeline.ts';
import { poolRoutes } from './pool.ts';
import { reportsRoutes } from './reports.ts';
import { searchRoutes } from './search.ts';
import { systemRoutes } from './system.ts';
import { transferRoutes } from './transfer.ts';

export type { HttpMethod, RouteDeclaration } from './route.ts';

export const routes = [
  ...systemRoutes,
  ...institutionsRoutes,
  ...intakeRoutes,
  ...patentsRoutes,
  ...searchRoutes,
  ...marketRoutes,
  ...expertsRoutes,
  ...needsRoutes,
  ...evaluationsRoutes,
  ...poolRoutes,
  ...mailRoutes,
  ...pipelineRoutes,
  ...transferRoutes,
  ...negotiationRoutes,
  ...moneyRoutes,
  ...metricsRoutes,
  ...monitoringRoutes,
  ...reportsRoutes,
] as const;
