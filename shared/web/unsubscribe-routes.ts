import { previewUnsubscribe, unsubscribeChannel, type UnsubscribeDeps } from '../subscriptions/index.ts';
import { renderInvalidUnsubscribeLinkPage, renderUnsubscribeConfirmPage, renderUnsubscribedPage } from './pages/unsubscribe-page.ts';

/** What the unsubscribe routes read of a request. */
export interface UnsubscribeRequest {
  query: URLSearchParams;
  /** The body as text (a form: `List-Unsubscribe=One-Click`, maybe `token=…`). */
  body: string;
}

export interface UnsubscribeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The HTTP side of the email unsubscribe link (`/unsubscribe?token=…`): `page` for GET (a
 * confirmation page; changes nothing) and `oneClick` for POST (RFC 8058: mail providers POST
 * `List-Unsubscribe=One-Click` with no cookies or login; the signed token is the whole
 * authority). A bad token gets 400 and a page saying so.
 */
export function createUnsubscribeRoutes(deps: UnsubscribeDeps): {
  page(request: UnsubscribeRequest): Promise<UnsubscribeResponse>;
  oneClick(request: UnsubscribeRequest): Promise<UnsubscribeResponse>;
} {
  return {
    async page(request) {
      const token = tokenOf(request);
      const preview = await previewUnsubscribe(token, deps);
      if (preview.status === 'invalid-token') return page(400, renderInvalidUnsubscribeLinkPage());
      return page(200, renderUnsubscribeConfirmPage({ what: preview.what, actionUrl: `/unsubscribe?token=${encodeURIComponent(token)}` }));
    },
    async oneClick(request) {
      const outcome = await unsubscribeChannel(tokenOf(request), deps);
      if (outcome.status === 'invalid-token') return page(400, renderInvalidUnsubscribeLinkPage());
      return page(200, renderUnsubscribedPage({ what: outcome.what }));
    },
  };
}

/** The token: from the link's query, or a form field of the POST body. */
function tokenOf(request: UnsubscribeRequest): string {
  const fromQuery = request.query.get('token');
  if (fromQuery) return fromQuery;
  return new URLSearchParams(request.body).get('token') ?? '';
}

function page(status: number, body: string): UnsubscribeResponse {
  // Pages carry the token: never cache them anywhere.
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body };
}
