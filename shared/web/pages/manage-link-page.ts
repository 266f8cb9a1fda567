import { html } from '../../html/index.ts';
import { renderPage } from '../layout.ts';
import { csrfField } from './form-parts.ts';

/**
 * The page the "manage" link of an alert's footer opens. Alerts get forwarded, so that link does
 * not open the manage page itself: one press of the button (a POST: mail scanners open links)
 * emails a fresh manage link to the subscriber's own address.
 */
export function renderManageLinkPage(input: { token: string; csrfToken: string }): string {
  return renderPage({
    title: 'Manage your subscription',
    body: html`<h1>Manage your subscription</h1>
<p class="lead">To keep your subscription safe when an alert is forwarded, we email you a link to the manage page.</p>
<form method="post" action="/manage/link">
${csrfField(input.csrfToken)}
<input type="hidden" name="token" value="${input.token}">
<div class="actions"><button type="submit">Email me a manage link</button></div>
</form>
<p class="small">The link goes to the address the alerts go to, and works for a limited time. Links sent before it stop working.</p>`,
  });
}
