/**
 * Reads what `cdk synth` wrote (a cloud assembly folder, cdk.out by default): every template, and for
 * each declared function the Lambda resource that deploys it, its bundle folder and the environment
 * the template gives it. The AWS-artefact checks (test/aws), the bundles benchmark and the local cloud's
 * `--bundles` mode all read the synthesized output through this one module.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FunctionName, functions } from './resources.ts';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}
export interface CfnTemplate {
  Resources?: Record<string, CfnResource>;
}

export interface SynthesizedFunction {
  name: FunctionName;
  /** The template file (in the assembly folder) that holds the function. */
  template: string;
  logicalId: string;
  /** The bundle folder: index.mjs and the files copied beside it. */
  assetDir: string;
  bundleFile: string;
  handler: string;
  /** Environment variables as the template gives them (values may be CloudFormation intrinsics). */
  environment: Record<string, unknown>;
  timeoutSeconds: number;
  memoryMb: number;
}

/** The name a function's construct gets (AppFunction id): registerPatent -> RegisterPatent. */
export function pascal(name: string): string {
  return name
    .replace(/(^|[-_])(\w)/g, (_, __, c: string) => c.toUpperCase())
    .replace(/^\w/, (c) => c.toUpperCase());
}

export function templateFiles(outDir: string): string[] {
  return readdirSync(outDir)
    .filter((file) => file.endsWith('.template.json'))
    .map((file) => join(outDir, file));
}

export function readTemplate(file: string): CfnTemplate {
  return JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
}

/**
 * Every declared function found in the assembly. Functions are recognized by their construct path
 * (`.../<Pascal name>/Function/Resource`, the aws:cdk:path metadata) and their bundle by the asset
 * path metadata (aws:asset:path), both written by `cdk synth` by default.
 */
export function synthesizedFunctions(outDir: string): SynthesizedFunction[] {
  if (!existsSync(outDir))
    throw new Error(`${outDir} does not exist: run \`npx cdk synth\` first (it writes cdk.out).`);
  const byPascal = new Map((Object.keys(functions) as FunctionName[]).map((name) => [pascal(name), name]));
  const found: SynthesizedFunction[] = [];
  for (const template of templateFiles(outDir)) {
    for (const [logicalId, resource] of Object.entries(readTemplate(template).Resources ?? {})) {
      if (resource.Type !== 'AWS::Lambda::Function') continue;
      const path = String(resource.Metadata?.['aws:cdk:path'] ?? '');
      const match = /\/([^/]+)\/Function\/Resource$/.exec(path);
      const name = match ? byPascal.get(match[1]!) : undefined;
      if (!name) continue; // CDK's own helper functions (log retention, bucket notifications ...)
      const assetPath = resource.Metadata?.['aws:asset:path'];
      if (typeof assetPath !== 'string')
        throw new Error(
          `${template}: ${logicalId} has no aws:asset:path metadata: synthesize with asset metadata (the cdk CLI default).`,
        );
      const assetDir = join(outDir, assetPath);
      const props = resource.Properties ?? {};
      const handler = String(props.Handler ?? 'index.handler');
      found.push({
        name,
        template,
        logicalId,
        assetDir,
        bundleFile: join(assetDir, `${handler.split('.')[0]}.mjs`),
        handler,
        environment:
          ((props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables as Record<
            string,
            unknown
          >) ?? {},
        timeoutSeconds: Number(props.Timeout ?? 3),
        memoryMb: Number(props.MemorySize ?? 128),
      });
    }
  }
  return found;
}
