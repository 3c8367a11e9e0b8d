/**
 * Every attribute the pipeline keeps on a patent item is declared in the patent's view, so that
 * GET /v1/patents answers a patent under evaluation (strict answers made the demo's listing a 500:
 * evaluationStatus, evaluationOpenedAt and evaluationDeadline were not declared).
 */
import { describe, expect, it } from 'vitest';
import { patentSchema, toFullPatent } from '../../schemas/patent.ts';

// The window's attributes on the patent item, as functions/evaluations/ports.ts documents them.
const windowAttributes = [
  'evaluationStatus',
  'evaluationOpenedAt',
  'evaluationDeadline',
  'evaluationClosedAt',
  'evaluationClosedReason',
  'evaluationAggregate',
];

describe('the patent view', () => {
  it('declares the evaluation window kept on the patent', () => {
    expect(windowAttributes.filter((field) => !(field in patentSchema.shape))).toEqual([]);
  });

  it('parses a patent whose window is open, with its fields', () => {
    const window = {
      evaluationStatus: 'open',
      evaluationOpenedAt: '2026-11-01T00:00:00.000Z',
      evaluationDeadline: '2026-12-31T00:00:00.000Z',
    };
    const partial = patentSchema.pick({
      evaluationStatus: true,
      evaluationOpenedAt: true,
      evaluationDeadline: true,
    });
    expect(partial.strict().parse(window)).toEqual(window);
  });

  it('declares what the transfer transactions keep on the patent (GET /v1/patents answered 500 on the demo)', () => {
    // A patent as functions/transfer writes it: an exclusive license, an assignment, an open license
    // (declared before declaredBy named the organization) and the declaration's replay hash.
    const stored = {
      applicationNumber: '202310000001.1',
      title: '一种锂离子电池隔膜',
      patentType: 'invention',
      institutionUscc: '12100000400000624D',
      provinceCode: '110000',
      exclusiveGrant: { dealId: 'd1', licenseType: 'exclusive', enterpriseUscc: '91110108MA0000001D' },
      patenteeChange: {
        dealId: 'd2',
        kind: 'assignment',
        enterpriseUscc: '91110108MA0000001D',
        effectiveDate: '2026-03-01',
      },
      openLicense: {
        status: 'withdrawn',
        applicationNumber: '202310000001.1',
        patenteeUscc: '12100000400000624D',
        patenteeName: '某大学',
        feeStandard: { type: 'free' },
        paymentMethod: '无 / none',
        startDate: '2026-01-01',
        endDate: '2027-01-01',
        declaredAt: '2026-01-01T00:00:00.000Z',
        declaredBy: 'a-cognito-sub',
      },
      openLicenseHash: 'abc',
    };
    const view = toFullPatent(stored);
    expect(view).not.toHaveProperty('openLicenseHash');
    expect(view.openLicense?.declaredBy).toBe('某大学（角色未知 / unknown role）');
    const { openLicense, exclusiveGrant, patenteeChange } = view;
    const transfer = { openLicense, exclusiveGrant, patenteeChange };
    const declared = patentSchema.pick({ openLicense: true, exclusiveGrant: true, patenteeChange: true });
    expect(declared.strict().parse(transfer)).toEqual(transfer);
  });
});
