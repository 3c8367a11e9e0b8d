/** A start-up failure the user can fix: printed as one line, with what to do. */
export class LocalCloudError extends Error {
  override name = 'LocalCloudError';
}
