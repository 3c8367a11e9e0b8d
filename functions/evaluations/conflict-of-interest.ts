/**
 * The conflict-of-interest rule for experts: an expert never evaluates a patent of the organization it
 * works for (its affiliation). Applied to evaluations (./evaluations.ts) and to commissions of the
 * expert pool (functions/experts/commissions.ts). A module of its own, so that the commission
 * functions do not bundle the evaluation use-cases and their settings.
 */
export const expertHasConflict = (
  expert: { affiliationUscc: string },
  patent: { institutionUscc: string },
): boolean => expert.affiliationUscc === patent.institutionUscc;
