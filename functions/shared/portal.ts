/** Links into the web portal, for emails. */
import { settingEnvNames } from '../../schemas/resource-names.ts';

/** Where the portal is when the deployment does not say (context `portalUrl`, README "Configuration"). */
export const defaultPortalUrl = 'https://patents.example.org/';

/** A link into the web portal (emails): PORTAL_URL (context `portalUrl`) joined with `path`. */
export function portalLink(path: string, env: Record<string, string | undefined> = process.env): string {
  const base = env[settingEnvNames.portalUrl]?.trim() || defaultPortalUrl;
  return new URL(path, base.endsWith('/') ? base : `${base}/`).toString();
}

const segment = (value: string) => encodeURIComponent(value);

/**
 * The portal pages the emails link to, relative to PORTAL_URL (the portal serves these routes;
 * README "Configuration" lists them).
 */
export const portalPages = {
  home: '',
  inbox: 'inbox',
  job: (jobId: string) => `jobs/${segment(jobId)}`,
  deal: (dealId: string) => `deals/${segment(dealId)}`,
  patent: (applicationNumber: string) => `patents/${segment(applicationNumber)}`,
  need: (needId: string) => `needs/${segment(needId)}`,
  evaluations: (applicationNumber: string) => `patents/${segment(applicationNumber)}/evaluations`,
  /** The institution's evaluations received, newest first. */
  evaluationsReceived: 'evaluations',
  report: (quarter: string) => `reports/${segment(quarter)}`,
  reportPreferences: 'settings/report-preferences',
} as const;
