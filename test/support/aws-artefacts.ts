/** Helpers of the AWS-artefact checks (test/aws) and the bundles benchmark: cfn-lint, bundle init in a child process. */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SynthesizedFunction } from '../../infra/cloud-assembly.ts';

export interface CfnLintMatch {
  Rule: { Id: string; Description: string };
  Filename: string;
  Level: string;
  Message: string;
  Location: { Path: Array<string | number> };
}

export function cfnLint(files: string[], region: string): CfnLintMatch[] {
  const result = spawnSync('cfn-lint', ['--format', 'json', '--regions', region, '--', ...files], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`cfn-lint could not run (${result.error.message}): pip install cfn-lint`);
  // Exit codes are bit flags (2 errors, 4 warnings, 8 informational); 1 means cfn-lint itself failed.
  if (result.status === 1 || !result.stdout.trim().startsWith('['))
    throw new Error(`cfn-lint failed: ${result.stderr || result.stdout}`);
  return JSON.parse(result.stdout) as CfnLintMatch[];
}

/** Issue 10: HTTP functions at most 800 KB each and 400 KB at the median; every other function 1.5 MB. */
export const bundleBudgets = { httpMaxKb: 800, httpMedianKb: 400, otherMaxKb: 1536 } as const;

/** Stand-in strings for CloudFormation intrinsics, as the deployed values would be strings. */
export function resolveIntrinsic(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  const node = value as Record<string, unknown>;
  if ('Ref' in node) {
    const pseudo: Record<string, string> = {
      'AWS::Region': 'us-east-1',
      'AWS::AccountId': '123456789012',
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[String(node.Ref)] ?? `ref-${String(node.Ref)}`;
  }
  if ('Fn::Join' in node) {
    const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveIntrinsic).join(delimiter);
  }
  if ('Fn::ImportValue' in node) return `import-${resolveIntrinsic(node['Fn::ImportValue'])}`;
  if ('Fn::GetAtt' in node) return `att-${([] as unknown[]).concat(node['Fn::GetAtt']).join('.')}`;
  if ('Fn::Select' in node) {
    const [index, list] = node['Fn::Select'] as [number, unknown];
    return Array.isArray(list) ? resolveIntrinsic(list[index]) : `select-${index}`;
  }
  if ('Fn::Split' in node) return `split-${JSON.stringify(node['Fn::Split'])}`;
  return `unresolved-${JSON.stringify(value)}`;
}

export function templateEnvironment(fn: SynthesizedFunction): Record<string, string> {
  return Object.fromEntries(Object.entries(fn.environment).map(([k, v]) => [k, resolveIntrinsic(v)]));
}

/** Imports the bundle in a fresh Node process with only `env`; resolves with the failure, if any. */
export function importBundle(file: string, env: Record<string, string>, timeoutMs = 20_000) {
  const probe = `const m = await import(${JSON.stringify(pathToFileURL(file).href)}); if (typeof m.handler !== 'function') throw new Error('no handler export');`;
  return new Promise<{ ok: boolean; output: string }>((done) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
    });
    child.stderr.on('data', (c) => {
      output += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ ok: code === 0, output: output.slice(-2000) });
    });
  });
}

/**
 * A folder laid out as the Lambda Node.js runtime sees a function: the bundle's index.mjs copied into a
 * task folder of its own, and beside it only the AWS SDK v3 (`@aws-sdk/*`), which the runtime provides
 * and the bundles leave external (NodejsFunction's default). Any other package a bundle fails to carry
 * cannot be found, as on AWS. (The runtime's SDK version differs from the one installed here.)
 */
export function lambdaTaskCopy(root: string, projectRoot: string, name: string, bundleFile: string): string {
  const sdk = join(root, 'node_modules', '@aws-sdk');
  if (!existsSync(sdk)) {
    mkdirSync(join(root, 'node_modules'), { recursive: true });
    symlinkSync(join(projectRoot, 'node_modules', '@aws-sdk'), sdk, 'dir');
  }
  const task = join(root, name);
  mkdirSync(task, { recursive: true });
  const file = join(task, 'index.mjs');
  copyFileSync(bundleFile, file);
  return file;
}
