/** Links into the web portal, for emails. */
import { settingEnvNames } from '../../schemas/resource-names.ts';

/** Where the portal is when the deployment does not say (context `portalUrl`, README "Configuration"). */
export const defaultPortalUrl = 'https://patents.example.org/';

/** A link into the web portal (emails): PORTAL_URL (context `portalUrl`) joined with `path`. */
export function portalLink(path: string, env: Record<string, string | undefined> = process.env): string {
  const base = env[settingEnvNames.portalUrl]?.trim() || defaultPortalUrl;
  return new URL(path, base.endsWith('/') ? base : `${base}/`).toString();
}
