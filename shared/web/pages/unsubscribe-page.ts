import { html, type SafeHtml } from '../../html/index.ts';
import { renderPage } from '../layout.ts';

/**
 * The pages of the unsubscribe link: a confirmation page (GET: mail scanners open links, so the
 * GET itself changes nothing) with one button that POSTs, and the result. In the site's layout and
 * stylesheet; no script (the API's content security policy allows none).
 */

export function renderUnsubscribeConfirmPage(input: { what: string; actionUrl: string }): string {
  return page(
    'Unsubscribe',
    html`<h1>Unsubscribe?</h1>
<p>Stop ${input.what}.</p>
<form method="post" action="${input.actionUrl}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe</button>
</form>`,
  );
}

export function renderUnsubscribedPage(input: { what: string }): string {
  return page('Unsubscribed', html`<h1>You are unsubscribed</h1>\n<p>We stopped ${input.what}. Nothing more will be sent there.</p>`);
}

export function renderInvalidUnsubscribeLinkPage(): string {
  return page(
    'Link not valid',
    html`<h1>This unsubscribe link is not valid</h1>\n<p>It may be incomplete: copy the whole link from the email, or use the unsubscribe button your mail program shows.</p>`,
  );
}

/** In the site's page layout (header, stylesheet, footer), like the subscribe and manage pages. */
function page(title: string, body: SafeHtml): string {
  return renderPage({ title, body });
}
