/**
 * One CloudWatch dashboard a stage: the business metrics the functions emit with Powertools Metrics
 * (schemas/business-metrics.ts: namespace `Patents`, every metric with the `service` dimension
 * Powertools adds from POWERTOOLS_SERVICE_NAME), one row per group, and the state of every alarm the
 * stacks create (OperationsAlarms.created), grouped by stack. docs/operations.md "Dashboard and
 * business metrics" says what each graph means.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  Metric,
  Stats,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { batchKinds } from '../../schemas/batch-job.ts';
import { type BusinessMetric, metricsNamespace, serviceName } from '../../schemas/business-metrics.ts';
import { lifecycleEvents } from '../../schemas/lifecycle.ts';
import type { OperationsAlarms } from './operations-alarms.ts';

export interface OperationsDashboardProps {
  stage: string;
  alarms: OperationsAlarms;
}

/** Business counts are sparse: hourly sums over a week read better than 5-minute points over 3 hours. */
const period = Duration.hours(1);
/** Alarms per alarm-status widget row: a 24-wide widget shows about six to a line. */
const alarmsPerLine = 6;

export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const count = (name: BusinessMetric, dimension?: { name: string; value: string }) =>
      new Metric({
        namespace: metricsNamespace,
        metricName: name,
        dimensionsMap: { service: serviceName, ...(dimension ? { [dimension.name]: dimension.value } : {}) },
        statistic: Stats.SUM,
        period,
        label: dimension?.value ?? name,
      });
    const byKind = (name: BusinessMetric) =>
      new GraphWidget({
        title: `${name} by kind`,
        left: batchKinds.map((kind) => count(name, { name: 'kind', value: kind })),
        width: 6,
        height: 6,
        stacked: true,
      });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      // Per stage and Region: two stages (or Regions) of one account never share a dashboard.
      dashboardName: `patents-${props.stage}-${Stack.of(this).region}`,
      defaultInterval: Duration.days(7),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Patents (${props.stage})\nBusiness metrics (namespace \`${metricsNamespace}\`, service \`${serviceName}\`, hourly sums) and every alarm of the stage. What each graph and alarm means and what to do: docs/operations.md, "Dashboard and business metrics" and "Alarms".`,
        width: 24,
        height: 2,
      }),
    );
    // Batch ingest: rows and failed jobs by kind of file.
    this.dashboard.addWidgets(
      byKind('RowsAccepted'),
      byKind('RowsRefused'),
      byKind('RowsUnchanged'),
      byKind('JobsFailed'),
    );
    // The pipeline: transitions by lifecycle event.
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Transitions by event',
        left: lifecycleEvents.map((event) => count('Transitions', { name: 'event', value: event })),
        width: 24,
        height: 6,
        stacked: true,
      }),
    );
    // Mail, pipeline failures, reports.
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Emails sent and failed sends',
        left: [count('MailsSent')],
        right: [count('MailsFailed')],
        width: 12,
        height: 6,
      }),
      new GraphWidget({ title: 'Pipeline failures', left: [count('PipelineFailures')], width: 6, height: 6 }),
      new GraphWidget({ title: 'Report scopes emailed', left: [count('ReportScopes')], width: 6, height: 6 }),
    );
    // Every alarm, by the stack that holds it.
    const groups = new Map<string, OperationsAlarms['created']>();
    for (const entry of props.alarms.created)
      groups.set(entry.group, [...(groups.get(entry.group) ?? []), entry]);
    for (const [group, entries] of groups)
      this.dashboard.addWidgets(
        new AlarmStatusWidget({
          title: group === 'system' ? 'Alarms: API, workflows, schedules, throttles' : `Alarms: ${group}`,
          alarms: entries.map((entry) => entry.alarm),
          width: 24,
          height: 1 + Math.ceil(entries.length / alarmsPerLine),
        }),
      );
  }
}
