/**
 * The synthesized CloudFormation templates (the full `cdk synth` of the global setup) pass cfn-lint
 * for the Region they are meant for: 0 errors. cfn-lint is installed on every machine of this project
 * (.ci/run installs it where missing).
 */
import { describe, expect, inject, it } from 'vitest';
import { templateFiles } from '../../infra/cloud-assembly.ts';
import { cfnLint } from '../support/aws-artefacts.ts';

describe('the synthesized templates', () => {
  const dir = inject('synthDir');
  const files = templateFiles(dir);

  it('include the two stacks and one nested stack per area of functions/', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    expect(files.some((f) => f.endsWith('Patents-dev-Stateful.template.json'))).toBe(true);
    expect(files.some((f) => f.endsWith('Patents-dev-Stateless.template.json'))).toBe(true);
  });

  it('pass cfn-lint for us-east-1 with 0 errors', () => {
    const matches = cfnLint(files, 'us-east-1');
    const errors = matches.filter((m) => m.Level === 'Error');
    const warnings = matches.filter((m) => m.Level === 'Warning');
    console.log(
      `cfn-lint us-east-1: ${files.length} templates, ${errors.length} errors, ${warnings.length} warnings`,
    );
    expect(errors.map((e) => `${e.Rule.Id} ${e.Filename}:${e.Location.Path.join('/')} ${e.Message}`)).toEqual(
      [],
    );
  });
});
