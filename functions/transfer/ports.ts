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
import type { Deal, DealKind, FilingInput } from '../../schemas/deal.ts';
import type { MailMessage } from '../../schemas/mail.ts';
import type { OpenLicense } from '../../schemas/open-license.ts';
import type { Pledge } from '../../schemas/pledge.ts';
import type { Product } from '../../schemas/product.ts';
import type { TransitionRequest, TransitionSubject } from '../pipeline/transitions.ts';
import type { AuditActor } from '../shared/audit.ts';
import type { Ledger } from './obligations.ts';
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
  /** The patentees other than the institution (专利法 art. 14: their consent, rules.ts `coOwnerRefusal`). */
  coOwners?: string[];
  /** Pledges of the right (民法典 art. 444: the pledgee's consent, rules.ts `pledgeRefusal`). */
  pledges?: Pledge[];
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

/** The deal as stored: the view plus the hash of the request that created it (idempotency). */
export type StoredDeal = Deal & { requestHash?: string };
/** The product as stored: the view plus the hash of the request that filed it (idempotency). */
export type StoredProduct = Product & { requestHash?: string };

/** A patent of a transfer act and its transition, planned by the use-case (the patent as read: its version conditions the write). */
export interface PatentChange {
  patent: TransferPatent;
  transition: TransitionRequest;
}

/** A registration / filing as recorded on the deal. */
export type RecordedFiling = FilingInput & { recordedAt: string; recordedBy: string };

/** A notice of the deadline sweep: who was told, and the mail queued with the write (none without a recipient). */
export interface SweepNotice {
  actor: AuditActor;
  /** The date the deal was due (flagged) or reminded for (the audit context). */
  dueOn: string;
  notified: string[];
  mail?: MailMessage;
  now: Date;
}

export interface TransferStore {
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
  /*
   * The writes: each one transaction, with its audit entries and the patents' transitions. 'duplicate'
   * when it was recorded before (the record or a transition's applied marker exists); a patent or the
   * deal changed since it was read throws ConflictError (read again and retry).
   */
  /** A new deal, its party link, its audit entry, the dealRecorded transitions and (recorded deals) its ledger. */
  recordDeal(write: {
    deal: StoredDeal;
    patents: PatentChange[];
    actor: AuditActor;
    ledger?: Ledger;
  }): Promise<'recorded' | 'duplicate'>;
  /** The registration / filing on the deal as read (its version), with the filingConfirmed transitions. */
  recordFiling(write: {
    deal: StoredDeal;
    filing: RecordedFiling;
    patents: PatentChange[];
    actor: AuditActor;
    at: string;
  }): Promise<'recorded' | 'duplicate'>;
  /**
   * The openLicenseDeclared (or openLicensePublished) transition and the public listing entry, which
   * copies the declaration as it now is.
   */
  declareOpenLicense(write: {
    patent: PatentChange;
    openLicense: OpenLicense;
    provinceCode: string;
    at: string;
  }): Promise<'declared' | 'duplicate'>;
  /** A transition that changes only the patent item (a pledge registered or released). */
  changePatent(write: { patent: PatentChange; at: string }): Promise<'changed' | 'duplicate'>;
  /** The openLicenseWithdrawn transition; the listing entry goes. */
  withdrawOpenLicense(write: { patent: PatentChange; at: string }): Promise<'withdrawn' | 'duplicate'>;
  /** A patent-intensive product, its audit entry and the productFiled transitions. */
  recordProduct(write: {
    product: StoredProduct;
    patents: PatentChange[];
    actor: AuditActor;
  }): Promise<'recorded' | 'duplicate'>;
  /** A license filing still pending flagged overdue; 'changed' when it is no longer pending. */
  flagOverdueFiling(deal: Deal, at: string, notice: SweepNotice): Promise<'flagged' | 'changed'>;
  /** A pending registration reminded once; 'changed' when filed or reminded meanwhile. */
  remindRegistration(deal: Deal, at: string, notice: SweepNotice): Promise<'reminded' | 'changed'>;
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
