/** Deals, price terms and an open license declaration shared by the transfer unit tests. */
import type { Deal } from '../../schemas/deal.ts';

/** Two installments: 1,000 CNY on the effective date (2026-03-01), 2,000 CNY six months later. */
export const installmentTerms: Deal['priceTerms'] = {
  type: 'installments',
  totalFen: 300_000,
  installments: [
    { dueDate: '2026-03-01', amountFen: 100_000 },
    { dueDate: '2026-09-01', amountFen: 200_000 },
  ],
};

/** An upfront fee and a royalty on cumulative sales in two tiers, with an annual minimum. */
export const royaltyTerms: Deal['priceTerms'] = {
  type: 'upfront-royalty',
  upfrontFen: 50_000,
  minimumAnnualRoyaltyFen: 365_000,
  royalty: {
    basis: 'sales',
    tiers: [
      { fromFen: 0, toFen: 10_000_000, ratePercent: 3 },
      { fromFen: 10_000_000, ratePercent: 2 },
    ],
  },
};

/** An exclusive license `d-1` paid in installments, recorded on 2026-03-01, its filing pending. */
export const recordedDeal = (
  parties: Pick<Deal, 'institutionUscc' | 'provinceCode' | 'enterprise' | 'applicationNumbers'>,
  over: Partial<Deal> = {},
): Deal => ({
  dealId: 'd-1',
  kind: 'license',
  licenseType: 'exclusive',
  ...parties,
  priceTerms: installmentTerms,
  contractValueFen: 300_000,
  effectiveDate: '2026-03-01',
  endDate: '2030-02-28',
  origin: 'recorded',
  filingKind: 'license-filing',
  filingStatus: 'pending',
  createdAt: '2026-03-01T00:00:00.000Z',
  createdBy: 'tto',
  version: 1,
  ...over,
});

/** A lump-sum open license declared for 2026-2028. */
export const openLicenseDeclaration = {
  feeStandard: { type: 'lump-sum' as const, amountFen: 10_000_00 },
  paymentMethod: '一次性支付',
  startDate: '2026-01-01',
  endDate: '2028-12-31',
};
