/**
 * Patent-intensive products (专利密集型产品备案): an enterprise holding a deal (licensee, assignee,
 * company receiving the contribution) on each patent files the product; the patents become
 * industrialized (productFiled) and their implementation status `industrialized` (counted by metrics).
 */

import { chinaDate } from '../../schemas/china-date.ts';
import type { Product, ProductInput, ProductListQuery } from '../../schemas/product.ts';
import type { Caller } from '../../schemas/roles.ts';
import { planTransition } from '../pipeline/transitions.ts';
import { actorLabel } from '../shared/audit.ts';
import { decodeCursor, encodeCursor } from '../shared/cursor.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../shared/errors.ts';
import { distinctNumbers, hashOf, isAdmin, ownOrganization, requireVerifiedEnterprise } from './access.ts';
import type { StoredProduct, TransferDeps } from './ports.ts';

const toView = ({ requestHash, ...product }: StoredProduct): Product => product;

export async function createProduct(
  deps: TransferDeps,
  caller: Caller,
  input: ProductInput,
): Promise<{ created: boolean; product: Product }> {
  const enterpriseUscc = ownOrganization(caller, 'enterprise');
  await requireVerifiedEnterprise(deps, enterpriseUscc, 'file a patent-intensive product');
  const numbers = distinctNumbers(input.applicationNumbers);
  if (input.filingDate > chinaDate(deps.now())) {
    throw new ValidationError(
      `The filing date ${input.filingDate} is in the future: enter the date of the filing.`,
      [{ in: 'body', field: 'filingDate', message: 'in the future' }],
    );
  }
  const productId = `p-${hashOf(['product', enterpriseUscc, input.filingNumber])}`;
  const requestHash = hashOf({ ...input, applicationNumbers: numbers });
  const replay = async () => {
    const existing = (await deps.store.product(productId)) as StoredProduct | undefined;
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new ConflictError(
        `Filing number ${input.filingNumber} already recorded product ${productId} with other contents: check the filing number.`,
        { productId },
      );
    }
    return { created: false, product: toView(existing) };
  };
  const earlier = await replay();
  if (earlier) return earlier;

  const held = new Map<string, string>();
  for (const link of await deps.store.enterpriseLinks(enterpriseUscc)) {
    for (const n of link.applicationNumbers) if (!held.has(n)) held.set(n, link.dealId);
  }
  const notHeld = numbers.filter((n) => !held.has(n));
  if (notHeld.length) {
    throw new ForbiddenError(
      `Your enterprise holds no deal (license, assignment or equity) on patent ${notHeld.join(', ')}: a patent-intensive product is filed on patents you hold. Ask the patentee to record the deal first (or take its open license), then file again.`,
      { applicationNumbers: notHeld },
    );
  }
  const patents = await deps.store.patents(numbers);
  const missing = numbers.filter((n) => !patents.has(n));
  if (missing.length)
    throw new NotFoundError(`No patent ${missing.join(', ')}: check the application numbers.`);
  for (const n of numbers) planTransition(patents.get(n)!, { event: 'productFiled' });

  const enterprise = await deps.store.enterprise(enterpriseUscc);
  const createdAt = deps.now().toISOString();
  const first = patents.get(numbers[0]!)!;
  const product: StoredProduct = {
    productId,
    name: input.name,
    applicationNumbers: numbers,
    filingNumber: input.filingNumber,
    filingDate: input.filingDate,
    ...(input.description ? { description: input.description } : {}),
    enterpriseUscc,
    ...(enterprise?.name ? { enterpriseName: enterprise.name } : {}),
    provinceCode: first.provinceCode,
    institutionUsccs: [...new Set(numbers.map((n) => patents.get(n)!.institutionUscc))],
    dealIds: [...new Set(numbers.map((n) => held.get(n)!))],
    createdAt,
    createdBy: actorLabel(caller),
    requestHash,
  };
  const outcome = await deps.store.recordProduct({
    product,
    patents: numbers.map((n) => ({
      patent: patents.get(n)!,
      transition: {
        event: 'productFiled',
        eventId: `product#${productId}`,
        actor: caller,
        set: { implementationStatus: 'industrialized' },
        details: { productId, productName: input.name, filingNumber: input.filingNumber, enterpriseUscc },
      },
    })),
    actor: caller,
  });
  if (outcome === 'duplicate') {
    const again = await replay();
    if (again) return again;
  }
  return { created: true, product: toView(product) };
}

export async function listProducts(deps: TransferDeps, caller: Caller, query: ProductListQuery) {
  let listing: Parameters<TransferDeps['store']['listProducts']>[0];
  if (isAdmin(caller) && query.enterprise) {
    listing = { by: 'enterprise', uscc: query.enterprise };
  } else if (isAdmin(caller)) {
    const province = caller.roles.includes('national-admin') ? query.province : caller.provinceCode;
    if (!province) {
      throw new ValidationError('Name the province (?province=110000) or an enterprise to list.', [
        { in: 'query', field: 'province', message: 'required for national admins' },
      ]);
    }
    if (
      caller.roles.includes('province-admin') &&
      !caller.roles.includes('national-admin') &&
      query.province &&
      query.province !== caller.provinceCode
    ) {
      throw new ForbiddenError(`You see the products of your province (${caller.provinceCode}) only.`);
    }
    listing = { by: 'province', code: province };
  } else {
    listing = { by: 'enterprise', uscc: ownOrganization(caller, 'enterprise') };
  }
  const name = `products:${JSON.stringify(listing)}`;
  const page = await deps.store.listProducts(listing, query.limit, decodeCursor(name, query.cursor));
  const visible = (product: Product) =>
    caller.roles.includes('national-admin') ||
    (caller.roles.includes('province-admin') && product.provinceCode === caller.provinceCode) ||
    product.enterpriseUscc === caller.orgUscc;
  return {
    items: page.items.filter(visible).map(toView),
    ...(page.lastKey ? { nextCursor: encodeCursor(name, page.lastKey) } : {}),
  };
}
