import { reviewNeedRoute } from '../../schemas/routes/needs.ts';
import { httpRoute } from '../shared/http.ts';
import { portalLink, portalPages } from '../shared/portal.ts';
import { needDeps } from './need-deps.ts';
import { renderNeedReviewed } from './need-mails.ts';
import { reviewNeed } from './needs.ts';

// The enterprise is mailed the outcome (one email per review, with a link to the need on the portal).
const deps = {
  ...needDeps(),
  reviewMail: (need: Parameters<typeof renderNeedReviewed>[0], name: string) =>
    renderNeedReviewed(need, name, portalLink(portalPages.need(need.needId))),
};

export const handler = httpRoute(reviewNeedRoute, async ({ caller, params, body }) => ({
  status: 200,
  body: await reviewNeed(deps, caller, params.needId, body),
}));
