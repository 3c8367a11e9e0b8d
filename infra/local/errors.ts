/** A start-up failure the user can fix: printed as one line, with what to do. */
export class LocalCloudError extends Error {
  override name = 'LocalCloudError';
}

/** The start was stopped (Ctrl-C) before it finished: what had started is stopped again. */
export class StartStopped extends Error {
  constructor() {
    super('stopped while starting');
  }
}
