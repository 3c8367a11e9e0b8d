/**
 * Demo data for a newcomer: loaded through the real API on an empty store (skipped when data exists
 * or with --no-demo), so that what they see is what the system does.
 */
import type { LocalCloud } from './cloud.ts';

export const demoInstitutions = [
  {
    uscc: '12100000400000624D',
    name: '示范理工大学 Demo University of Technology',
    provinceCode: '110000',
    kind: 'university',
  },
  {
    uscc: '121100004000018521',
    name: '示范医学科学院 Demo Academy of Medical Sciences',
    provinceCode: '110000',
    kind: 'research-institute',
  },
  {
    uscc: '123100004250061179',
    name: '示范海事大学 Demo Maritime University',
    provinceCode: '310000',
    kind: 'university',
  },
] as const;

async function tokenFor(cloud: LocalCloud, role: string, extra: Record<string, string> = {}) {
  const response = await fetch(`${cloud.controlUrl}/_local/token`, {
    method: 'POST',
    body: JSON.stringify({ role, ...extra }),
  });
  return ((await response.json()) as { token: string }).token;
}

export async function loadDemo(cloud: LocalCloud): Promise<string> {
  const admin = await tokenFor(cloud, 'national-admin', {
    email: 'admin@patents.local',
    name: 'Demo national admin',
  });
  const headers = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
  const existing = await fetch(`${cloud.apiUrl}/v1/institutions?province=110000&limit=1`, { headers });
  const page = (await existing.json()) as { items?: unknown[] };
  if (page.items?.length) return 'kept (the store already holds data)';
  let created = 0;
  for (const institution of demoInstitutions) {
    const response = await fetch(`${cloud.apiUrl}/v1/institutions`, {
      method: 'POST',
      headers,
      body: JSON.stringify(institution),
    });
    if (response.status === 201) created++;
    else
      throw new Error(
        `demo: registering ${institution.name} answered ${response.status}: ${await response.text()}`,
      );
  }
  return `${created} institutions in 2 provinces`;
}
