import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Three layers (npm test runs all):
 *   unit         no network: use-cases with in-memory ports, adapters with aws-sdk-client-mock
 *   infra        the CDK stacks through Template.fromStack, and declarations vs. synthesized templates
 *   integration  the real local stand-ins over their wire protocols, started for the run on free ports
 *   aws          the AWS artefacts: one full `cdk synth` with bundling, cfn-lint over the templates,
 *                the bundles' sizes and their init with exactly their template's environment
 */
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    // Every core: vitest's default in a run is one fewer (1 worker on the 2-core CI machine), which ran
    // the unit, infra and aws files one at a time. Measured on that machine, side by side (those three
    // projects, 2026-12-07): 611 s with 1 worker, 467 s with 2.
    // A project without file parallelism (integration, below) is a group of its own, and vitest runs
    // its groups one after another: in one `vitest run` the integration files waited for all the
    // others. `npm test` therefore runs three vitest processes side by side (package.json
    // `test:vitest`, with concurrently): integration, readme, and unit + infra + aws at a lower CPU
    // priority (nice 10), which use what the two clouds leave idle. Measured on the 2-core machine
    // (2026-12-07, vitest only): 1,374 s in one process; 1,011 s in two without nice (the integration
    // files slowed to 1,008 s beside the others); 908 s in three (integration 858 s, readme 289 s,
    // unit + infra + aws 905 s).
    maxWorkers: '100%',
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          setupFiles: ['test/support/setup-unit.ts'],
          // Some unit tests run a workflow in aws-local-stepfunctions or parse a million-column header:
          // a few seconds alone, more on a loaded machine. A bound on hangs, not a speed check.
          testTimeout: 20_000,
          env: {
            POWERTOOLS_DEV: 'false',
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            POWERTOOLS_TRACE_ENABLED: 'false',
            POWERTOOLS_METRICS_DISABLED: 'true',
            CURSOR_SIGNING_KEY: 'unit-tests-cursor-signing-key-of-32-bytes-or-more',
          },
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          setupFiles: ['test/support/setup-infra.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/integration/readme.test.ts'],
          globalSetup: ['test/support/local-cloud-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          // The suites share one local cloud; run the files one after another so timings stay honest.
          fileParallelism: false,
        },
      },
      {
        // The README's walkthrough starts a cloud of its own (`npm start` with the demo), so it is not
        // one of the integration files, which run one after another and are the run's critical path
        // (the summary's sums per project: integration 1,038 s, of which this file 253 s, on 2026-12-07).
        test: {
          name: 'readme',
          include: ['test/integration/readme.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'aws',
          include: ['test/aws/**/*.test.ts'],
          globalSetup: ['test/support/full-synth-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
