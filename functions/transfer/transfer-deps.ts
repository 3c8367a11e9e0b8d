/** Wires the transfer use-cases to DynamoDB, the clock and (for the overdue sweep) the admin directory. */
import { randomUUID } from 'node:crypto';
import { documents } from '../shared/clients/dynamodb.ts';
import { config } from '../shared/config.ts';
import { adminDirectory, configuredAdminUsers, dynamoReportOptOuts } from '../shared/directory.ts';
import type { AdminDirectory, TransferDeps } from './ports.ts';
import { dynamoTransferStore } from './transfer-store.ts';

export const transferDeps = (): TransferDeps => ({
  store: dynamoTransferStore(documents, config.tableName('core')),
  now: () => new Date(),
  ids: () => `d-${randomUUID()}`,
});

/**
 * Province admins' addresses from the shared admin directory. The report opt-out does not apply: it
 * covers the quarterly report emails, and an overdue filing is a compliance notice.
 */
export async function provinceAdminDirectory(): Promise<AdminDirectory> {
  const directory = adminDirectory(
    await configuredAdminUsers(),
    dynamoReportOptOuts(documents, config.tableName('core')),
  );
  return {
    async provinceAdminEmails(provinceCode) {
      const admins = await directory.listAdmins({ provinceCode });
      return admins.flatMap((admin) => (admin.email ? [admin.email] : []));
    },
  };
}
