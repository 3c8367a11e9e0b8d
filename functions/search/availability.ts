/**
 * Which patents an enterprise can still obtain: those in the conversion pool (专利转化资源库, screened in
 * on inventory approval), in force or pending, and not transferred away or out of the pipeline. A
 * licensed patent stays available: further (non-exclusive or open) licenses may be granted alongside
 * (Patent Law art. 50-52 for open licenses).
 */
const gone = new Set(['assigned', 'equity', 'withdrawn', 'expired']);
const inForce = new Set(['valid', 'pending']);

export function isAvailable(patent: Readonly<Record<string, unknown>>): boolean {
  if (patent.poolStatus !== 'conversion') return false;
  if (typeof patent.legalStatus === 'string' && !inForce.has(patent.legalStatus)) return false;
  return !(typeof patent.lifecycle === 'string' && gone.has(patent.lifecycle));
}
