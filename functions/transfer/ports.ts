/**
 * The ports of the transfer use-cases (deals.ts, open-license.ts, products.ts, overdue.ts). The
 * DynamoDB adapter is transfer-store.ts.
 *
 * Items (core table; docs/data-model.md, "Transfer"):
 *   deal            pk DEAL#<id>     sk DEAL           gsi1 INST#<uscc>#DEAL / <createdAt>#<id>
 *                                                      gsi2 PROV#<code>#DEAL / <createdAt>#<id>
 *                                                      gsi3 DUE#filing / <filingDueDate>#<id> while pending
 *   deal party link pk DEAL#<id>     sk PARTY#ENT#<uscc> gsi1 ENT#<uscc>#DEAL / <createdAt>#<id>
 *   product         pk PRODUCT#<id>  sk PRODUCT        gsi1 ENT#<uscc>#PRODUCT, gsi2 PROV#<code>#PRODUCT
 *   open license    pk OPENLIC#<n>   sk OPENLIC        gsi2 OPENLIC / <province>#<declaredAt>#<n> while active
 *   on the patent   openLicense, exclusiveGrant, patenteeChange, implementationStatus (through transitions)
 */
import type { Deal, DealKind } from '../../schemas/deal.ts';
import type { OpenLicense } from '../../schemas/open-license.ts';
import type { Product } from '../../schemas/product.ts';
import type { TransactItem, TransitionSubject } from '../pipeline/transitions.ts';
import type { LicensingState } from './rules.ts';

export interface TransferPatent extends TransitionSubject, LicensingState {
  institutionUscc: string;
  provinceCode: string;
  patentType?: string;
  title?: string;
  implementationStatus?: string;
  /** Read by the legal checks (rules.ts `legalRefusal`: in force, term). */
  applicationDate?: string;
  legalStatus?: string;
}

export interface InstitutionProfile {
  uscc: string;
  name?: string;
  provinceCode?: string;
  contactEmail?: string;
}
export interface EnterpriseProfile {
  uscc: string;
  name?: string;
  provinceCode?: string;
  status?: string;
}

/** An enterprise's hold on patents: from the party links of its deals. */
export interface DealLink {
  dealId: string;
  kind: DealKind;
  applicationNumbers: string[];
}

export interface Page<T> {
  items: T[];
  lastKey?: Record<string, unknown>;
}
export type DealListing =
  | { by: 'institution'; uscc: string }
  | { by: 'enterprise'; uscc: string }
  | { by: 'province'; code: string };

/** Which items of a transaction tell what when it is cancelled. */
export interface TransactionShape {
  /** Items whose condition failing means "this was recorded before" (the deal / product Put). */
  recordIndexes: number[];
  markerIndexes: number[];
  patentIndexes: number[];
}

export interface TransferStore {
  readonly tableName: string;
  patents(numbers: string[]): Promise<Map<string, TransferPatent>>;
  institution(uscc: string): Promise<InstitutionProfile | undefined>;
  enterprise(uscc: string): Promise<EnterpriseProfile | undefined>;
  deal(dealId: string): Promise<Deal | undefined>;
  deals(ids: string[]): Promise<Deal[]>;
  listDeals(
    listing: DealListing,
    filter: { kind?: string; filingStatus?: string },
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<Page<Deal>>;
  enterpriseLinks(uscc: string): Promise<DealLink[]>;
  product(productId: string): Promise<Product | undefined>;
  listProducts(
    listing: { by: 'enterprise'; uscc: string } | { by: 'province'; code: string },
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<Page<Product>>;
  /** Active open licenses (listing entries), of one province or all, by province and declaration time. */
  listOpenLicenses(
    provinceCode: string | undefined,
    limit: number,
    start?: Record<string, unknown>,
  ): Promise<Page<OpenLicense & { provinceCode: string }>>;
  /** Deals whose filing is due before `date` and still pending (gsi3 DUE#filing). */
  dueFilings(beforeDate: string, limit: number): Promise<Deal[]>;
  /**
   * Runs one transaction: 'done', or 'duplicate' when a record or marker condition failed (it was
   * recorded before); a version conflict throws ConflictError (try again).
   */
  transact(items: TransactItem[], shape: TransactionShape): Promise<'done' | 'duplicate'>;
}

/** Province admins' email addresses (helper directory); absent until the directory exists. */
export interface AdminDirectory {
  provinceAdminEmails(provinceCode: string): Promise<string[]>;
}

export interface TransferDeps {
  store: TransferStore;
  now: () => Date;
  ids: () => string;
  directory?: AdminDirectory;
}
