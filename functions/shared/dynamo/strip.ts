/**
 * Storage attributes are the table's business, not the domain's: keys, index keys, the entity tag, write
 * tokens, content hashes and expiry. Every item leaves a store through stripStorage.
 */
const storageAttributes = new Set(['pk', 'sk', 'entity', 'writeToken', 'contentHash', 'expiresAt']);
const indexKey = /^gsi\d+(pk|sk)$/;

export const isStorageAttribute = (name: string) => storageAttributes.has(name) || indexKey.test(name);

/** The item without its storage attributes, typed as the domain record it holds. */
export function stripStorage<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !isStorageAttribute(name))) as T;
}
