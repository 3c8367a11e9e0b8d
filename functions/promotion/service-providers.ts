/**
 * Service providers a high-value patent is matched with (Work Plan step 3: investors, pledge financing,
 * insurance, listing services). A declared list, not an API: the providers are few, change rarely and
 * are agreed by the programme office, so they are configuration (SERVICE_PROVIDERS, a JSON array of
 * ServiceProvider) with a small demo list as the default. docs/pipeline.md, "Service providers".
 */
export const serviceProviderKinds = ['investor', 'pledge-financing', 'insurance', 'listing'] as const;
export type ServiceProviderKind = (typeof serviceProviderKinds)[number];
export const serviceProviderKindLabels: Record<ServiceProviderKind, string> = {
  investor: '投资机构',
  'pledge-financing': '质押融资',
  insurance: '知识产权保险',
  listing: '挂牌交易服务',
};

export interface ServiceProvider {
  id: string;
  name: string;
  kind: ServiceProviderKind;
  /** Strategic emerging industry codes served (prefixes: "1" covers 1.x); empty: every industry. */
  strategicIndustries: string[];
  /** GB/T 2260 province codes served; empty: nationwide. */
  provinces: string[];
  contactEmail?: string;
}

/** Demo providers (fictitious names), one or two per kind; replace them with SERVICE_PROVIDERS. */
export const demoServiceProviders: ServiceProvider[] = [
  {
    id: 'inv-hardtech',
    name: '示例硬科技创投基金',
    kind: 'investor',
    strategicIndustries: ['1', '2', '3'],
    provinces: [],
  },
  {
    id: 'inv-general',
    name: '示例成果转化引导基金',
    kind: 'investor',
    strategicIndustries: [],
    provinces: [],
  },
  {
    id: 'pledge-bank',
    name: '示例银行知识产权质押融资部',
    kind: 'pledge-financing',
    strategicIndustries: [],
    provinces: [],
  },
  {
    id: 'ins-ip',
    name: '示例财产保险知识产权保险',
    kind: 'insurance',
    strategicIndustries: [],
    provinces: [],
  },
  {
    id: 'list-exchange',
    name: '示例技术交易所挂牌服务',
    kind: 'listing',
    strategicIndustries: [],
    provinces: [],
  },
];

/** SERVICE_PROVIDERS (JSON array) or the demo list. Throws on a list that does not parse or has unknown kinds. */
export function serviceProviders(env: Record<string, string | undefined> = process.env): ServiceProvider[] {
  const raw = env.SERVICE_PROVIDERS?.trim();
  if (!raw) return demoServiceProviders;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw new Error(`SERVICE_PROVIDERS is not valid JSON (${(error as Error).message}): fix the setting`);
  }
  if (!Array.isArray(parsed)) throw new Error('SERVICE_PROVIDERS must be a JSON array of providers');
  return parsed.map((p: Partial<ServiceProvider>, i) => {
    if (!p.id || !p.name || !serviceProviderKinds.includes(p.kind as ServiceProviderKind))
      throw new Error(
        `SERVICE_PROVIDERS[${i}] needs id, name and kind (one of ${serviceProviderKinds.join(', ')})`,
      );
    return {
      id: p.id,
      name: p.name,
      kind: p.kind as ServiceProviderKind,
      strategicIndustries: p.strategicIndustries ?? [],
      provinces: p.provinces ?? [],
      ...(p.contactEmail ? { contactEmail: p.contactEmail } : {}),
    };
  });
}

export interface ProviderMatch {
  id: string;
  name: string;
  kind: ServiceProviderKind;
  /** industry: serves one of the patent's strategic industries; general: serves every industry. */
  basis: 'industry' | 'general';
}

/**
 * Up to `perKind` providers of each kind for a patent: those serving its province (or nationwide), the
 * ones for its strategic industries first, then general ones; ties by id. Pure.
 */
export function matchProviders(
  providers: readonly ServiceProvider[],
  patent: { strategicIndustries: string[]; provinceCode?: string },
  perKind = 2,
): ProviderMatch[] {
  const serves = (p: ServiceProvider) =>
    p.strategicIndustries.some((key) =>
      patent.strategicIndustries.some((code) => code === key || code.startsWith(`${key}.`)),
    );
  const matches: ProviderMatch[] = [];
  for (const kind of serviceProviderKinds) {
    const candidates = providers
      .filter((p) => p.kind === kind)
      .filter(
        (p) => p.provinces.length === 0 || (patent.provinceCode && p.provinces.includes(patent.provinceCode)),
      )
      .filter((p) => p.strategicIndustries.length === 0 || serves(p))
      .map(
        (p) =>
          ({
            id: p.id,
            name: p.name,
            kind,
            basis: p.strategicIndustries.length ? 'industry' : 'general',
          }) as const,
      )
      .sort((a, b) => (a.basis === b.basis ? a.id.localeCompare(b.id) : a.basis === 'industry' ? -1 : 1));
    matches.push(...candidates.slice(0, perKind));
  }
  return matches;
}
