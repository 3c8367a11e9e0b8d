import { describe, expect, it } from 'vitest';
import { defaultPortalUrl, portalLink } from '../../functions/shared/portal.ts';

describe('links into the portal (context portalUrl -> PORTAL_URL)', () => {
  it('joins the path to the configured base, with or without its trailing slash', () => {
    expect(portalLink('inbox', { PORTAL_URL: 'https://patents.example.cn/portal' })).toBe(
      'https://patents.example.cn/portal/inbox',
    );
    expect(portalLink('inbox', { PORTAL_URL: 'https://patents.example.cn/portal/' })).toBe(
      'https://patents.example.cn/portal/inbox',
    );
  });

  it('falls back to the documented example portal when unset or blank', () => {
    expect(portalLink('inbox', {})).toBe(new URL('inbox', defaultPortalUrl).toString());
    expect(portalLink('inbox', { PORTAL_URL: '  ' })).toBe(new URL('inbox', defaultPortalUrl).toString());
  });
});
