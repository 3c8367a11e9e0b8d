import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root, so declarations can name files relative to it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute path of a file named relative to the repository root (as infra/resources.ts does). */
export const repoPath = (relative: string) =>
  fileURLToPath(new URL(relative, new URL('../../', import.meta.url)));
