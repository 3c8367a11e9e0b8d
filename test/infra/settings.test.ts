/**
 * Every programme setting a function reads reaches it: a function whose bundle contains a setting's
 * reader module declares exactly the settings of those modules (FunctionDeclaration.settings), so the
 * stack hands it the values given at deploy time (infra/resources/environment.ts). The module graph
 * is esbuild's, as the CDK bundles it (packages external: they read no setting).
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functions } from '../../infra/resources.ts';
import { type SettingName, settingGroups } from '../../schemas/resource-names.ts';

const root = resolve(import.meta.dirname, '../..');
const readers: Record<string, keyof typeof settingGroups> = {
  'functions/market/push.ts': 'market',
  'functions/evaluations/ports.ts': 'evaluation',
  'functions/promotion/tiering-rules.ts': 'promotion',
  'functions/promotion/service-providers.ts': 'promotion',
  'functions/shared/portal.ts': 'portal',
};

async function bundledModules(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [resolve(root, entry)],
    absWorkingDir: root,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('programme settings', () => {
  it('each function declares exactly the settings of the reader modules it bundles', async () => {
    const wrong: string[] = [];
    let readingFunctions = 0;
    for (const [name, declaration] of Object.entries(functions)) {
      const modules = await bundledModules(declaration.entry);
      const read = new Set<SettingName>(
        Object.entries(readers)
          .filter(([module]) => modules.includes(module))
          .flatMap(([, group]) => settingGroups[group]),
      );
      if (read.size > 0) readingFunctions++;
      const declared = new Set<SettingName>(
        (declaration as { settings?: readonly SettingName[] }).settings ?? [],
      );
      if ([...read].sort().join() !== [...declared].sort().join())
        wrong.push(`${name}: reads [${[...read].sort()}], declares [${[...declared].sort()}]`);
    }
    expect(wrong).toEqual([]);
    // The check sees the readers at all (a moved module would otherwise pass vacuously).
    expect(readingFunctions).toBeGreaterThanOrEqual(20);
  });
});
