import { formatUtcMinute } from '../../core/display-text.ts';
import { html } from '../../html/index.ts';
import { renderPage } from '../layout.ts';
import { csrfField } from './form-parts.ts';

export interface ConfirmPageInput {
  token: string;
  csrfToken: string;
  /** Where news will go: an email address or a webhook host. */
  destination: string;
  topicLabels: string[];
  cadenceText: string;
  expiresAt: Date;
}

/**
 * The page a confirmation link opens: it asks for one press of a button, because mail scanners
 * open links by themselves and a GET must not subscribe anyone.
 */
export function renderConfirmPage(input: ConfirmPageInput): string {
  return renderPage({
    title: 'Confirm your subscription',
    body: html`<h1>Confirm your subscription</h1>
<p class="lead">One more step: press the button to start receiving alerts.</p>
<div class="card">
<dl class="summary">
<dt>Send to</dt><dd>${input.destination}</dd>
<dt>Topics</dt><dd>${input.topicLabels.join(', ')}</dd>
<dt>How often</dt><dd>${input.cadenceText}</dd>
</dl>
</div>
<form method="post" action="/confirm">
${csrfField(input.csrfToken)}
<input type="hidden" name="token" value="${input.token}">
<div class="actions"><button type="submit">Confirm subscription</button></div>
</form>
<p class="small">This link works until ${formatUtcMinute(input.expiresAt)}. Not you? Close this page: nothing will be sent.</p>`,
  });
}

/** After confirming: the one time a manage link is shown without asking for one by email. */
export function renderConfirmedPage(manageUrl: string): string {
  return renderPage({
    title: 'Subscription confirmed',
    body: html`<h1>You are subscribed</h1>
<div class="notice ok" role="status"><p>Your subscription is active. Alerts start with the next matching story.</p></div>
<div class="card">
<p>Every email we send has a link to change topics, how often you hear from us, pause or unsubscribe. For now you can use this one:</p>
<p><a class="button secondary" href="${manageUrl}">Manage your subscription</a></p>
</div>`,
  });
}
