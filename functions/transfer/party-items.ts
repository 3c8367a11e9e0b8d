/**
 * The parties of transfer acts as both transfer stores read them from their profile items
 * (`INST#<USCC>` / `ENT#<USCC>`, functions/shared/dynamo/keys.ts): only the fields the rules need
 * (name, province, the institution's contact address, the enterprise's verification status).
 */
type Item = Record<string, unknown>;

export function institutionParty(uscc: string, item: Item) {
  return {
    uscc,
    name: item.name as string | undefined,
    provinceCode: item.provinceCode as string | undefined,
    contactEmail: item.contactEmail as string | undefined,
  };
}

export function enterpriseParty(uscc: string, item: Item) {
  return {
    uscc,
    name: item.name as string | undefined,
    provinceCode: item.provinceCode as string | undefined,
    status: item.status as string | undefined,
  };
}
