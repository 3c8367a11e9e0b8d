/**
 * The inventors' share of a payment received (促进科技成果转化法 art. 45, the default when the
 * institution has no rule of its own and no agreement with its researchers, art. 44): "将该项职务科技
 * 成果转让、许可给他人实施的，从该项科技成果转让净收入或者许可净收入中提取不低于百分之五十的比例" (at least
 * 50 % of the net income of an assignment or license). Pure: computed when a payment is recorded and
 * stored with it (money.ts `recordPayment`), so the distribution is the one of that day.
 *
 * How it is computed (docs/transfer.md, "Inventors' share"):
 * - net income = the payment minus the costs declared with it (`declaredCostsFen`, e.g. evaluation,
 *   agency and registration fees; 净收入), never below 0;
 * - the pool = the institution's own share when it recorded a rule in force on the payment's date
 *   (art. 44: `inventorRewardRule` on the institution), else 50 % of it (the art. 45 (1) default);
 * - split equally among the deal's patents (a contract prices the portfolio as a whole);
 * - each patent's part by its inventors' contribution shares (`inventorShares`); without shares,
 *   equally among its inventors (`equalShares: true`); a patent without inventors leaves its part
 *   unassigned (`unassignedFen`), for the institution to allocate;
 * - each line carries the inventor's staff number (工号, `inventorStaffNumbers`) when the inventory
 *   gives one, so that the report sums per person, not per name.
 * Amounts in whole fen: each split hands out the remainder fen by the largest remainders, so the
 * lines always add up to the pool exactly. Equity contributions (art. 45 (2): at least 50 % of the
 * shares) are rewarded in shares, not from payments: no lines.
 */

export const statutoryRewardPercent = 50;

/**
 * 促进科技成果转化法 art. 45 (3): own implementation shares at least 5 % of the operating profit each year,
 * for three to five consecutive years from the start of production (实施转化成功投产后连续三至五年).
 */
export const ownImplementationMinimumPercent = 5;
export const ownImplementationMaxYears = 5;

/** The deal kinds whose payments are shared with the inventors (art. 45 (1)); equity is rewarded in shares. */
export const rewardedKinds: ReadonlySet<string> = new Set(['assignment', 'license']);

export interface RewardPatent {
  applicationNumber: string;
  inventors?: string[];
  inventorShares?: Array<{ name: string; sharePercent: number }>;
  inventorStaffNumbers?: Array<{ name: string; staffNumber: string }>;
}

export interface InventorRewardLine {
  applicationNumber: string;
  name: string;
  /** The inventor's staff number (工号) when the inventory gives one: who is paid, beyond the name. */
  staffNumber?: string;
  sharePercent: number;
  amountFen: number;
}

export interface InventorRewards {
  basis: string;
  ratePercent: number;
  netIncomeFen: number;
  poolFen: number;
  lines: InventorRewardLine[];
  /** Patents whose inventors' shares were not given: split equally. */
  equalShares?: string[];
  unassignedFen: number;
}

/** `total` fen split by `weights`, in whole fen adding up to `total` (largest remainders first). */
export function splitFen(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/** An institution's own rule (art. 44), as recorded on the institution. */
export interface RewardRule {
  ratePercent: number;
  basis: string;
  effectiveFrom: string;
}

/** The rule that shares a payment received on `paidOn`: the institution's if in force that day. */
export function ruleOn(rule: RewardRule | undefined, paidOn: string): RewardRule | undefined {
  return rule && rule.effectiveFrom <= paidOn ? rule : undefined;
}

/**
 * `poolFen` split equally among `numbers` (a contract prices the portfolio as a whole), then each
 * patent's part by its inventors' contribution shares, equally without shares, unassigned without
 * inventors.
 */
function distribute(
  poolFen: number,
  numbers: readonly string[],
  patents: readonly RewardPatent[],
): Pick<InventorRewards, 'lines' | 'equalShares' | 'unassignedFen'> {
  const byNumber = new Map(patents.map((p) => [p.applicationNumber, p]));
  const perPatent = splitFen(
    poolFen,
    numbers.map(() => 1),
  );
  const lines: InventorRewardLine[] = [];
  const equalShares: string[] = [];
  let unassignedFen = 0;
  numbers.forEach((n, i) => {
    const part = perPatent[i]!;
    const patent = byNumber.get(n);
    const shares =
      patent?.inventorShares && patent.inventorShares.length > 0
        ? patent.inventorShares
        : (patent?.inventors ?? []).map((name, _, all) => ({ name, sharePercent: 100 / all.length }));
    if (shares.length === 0) {
      unassignedFen += part;
      return;
    }
    if (!patent?.inventorShares?.length) equalShares.push(n);
    const amounts = splitFen(
      part,
      shares.map((s) => s.sharePercent),
    );
    const staffNumbers = new Map((patent?.inventorStaffNumbers ?? []).map((s) => [s.name, s.staffNumber]));
    shares.forEach((share, j) => {
      const staffNumber = staffNumbers.get(share.name);
      lines.push({
        applicationNumber: n,
        name: share.name,
        ...(staffNumber ? { staffNumber } : {}),
        sharePercent: Math.round(share.sharePercent * 100) / 100,
        amountFen: amounts[j]!,
      });
    });
  });
  return { lines, ...(equalShares.length ? { equalShares } : {}), unassignedFen };
}

export function inventorRewards(
  deal: { kind: string; applicationNumbers: readonly string[] },
  patents: readonly RewardPatent[],
  payment: { amountFen: number; declaredCostsFen?: number },
  rule?: RewardRule,
): InventorRewards | undefined {
  if (!rewardedKinds.has(deal.kind)) return undefined;
  const ratePercent = rule?.ratePercent ?? statutoryRewardPercent;
  const netIncomeFen = Math.max(0, payment.amountFen - (payment.declaredCostsFen ?? 0));
  // Rates carry at most two decimals: in hundredths of a percent the product stays an exact integer.
  const poolFen = Math.floor((netIncomeFen * Math.round(ratePercent * 100)) / 10_000);
  const { lines, equalShares, unassignedFen } = distribute(poolFen, deal.applicationNumbers, patents);
  return {
    basis: rule
      ? `本单位规定 / the institution's own rule (促进科技成果转化法 art. 44), in force from ${rule.effectiveFrom}: ${rule.basis}`
      : `促进科技成果转化法 art. 45 (1): at least ${statutoryRewardPercent} % of the net income of an assignment or license`,
    ratePercent,
    netIncomeFen,
    poolFen,
    lines,
    ...(equalShares ? { equalShares } : {}),
    unassignedFen,
  };
}

/**
 * The inventors' share of a year's operating profit from the institution's own implementation of a
 * patent (促进科技成果转化法 art. 45 (3): "每年从实施该项科技成果的营业利润中提取不低于百分之五的比例", for three
 * to five consecutive years from the start of production): `ratePercent` of the profit (5 %, the
 * statutory default, unless the institution's rule or agreement says otherwise: art. 44), split by the
 * patent's inventors' contribution shares as a payment's share is.
 */
export function ownImplementationRewards(
  patent: RewardPatent,
  operatingProfitFen: number,
  rate: { ratePercent: number; basis?: string },
): InventorRewards {
  const profit = Math.max(0, operatingProfitFen);
  const poolFen = Math.floor((profit * Math.round(rate.ratePercent * 100)) / 10_000);
  const { lines, equalShares, unassignedFen } = distribute(poolFen, [patent.applicationNumber], [patent]);
  return {
    basis: rate.basis
      ? `本单位规定或约定 / the institution's own rule or agreement (促进科技成果转化法 art. 44): ${rate.basis}`
      : `促进科技成果转化法 art. 45 (3): at least ${ownImplementationMinimumPercent} % of the year's operating profit from implementing it, for 3 to 5 years from the start of production`,
    ratePercent: rate.ratePercent,
    netIncomeFen: profit,
    poolFen,
    lines,
    ...(equalShares ? { equalShares } : {}),
    unassignedFen,
  };
}
