import { html } from '../../html/index.ts';
import type { TopicSummary } from '../../subscriptions/index.ts';
import { renderPage } from '../layout.ts';
import { csrfField, emailField, errorSummary, type FieldErrors, preferenceFields, type PreferenceValues } from './form-parts.ts';

export interface SubscribePageInput {
  topics: readonly TopicSummary[];
  values: PreferenceValues & { email: string };
  errors: FieldErrors;
  csrfToken: string;
  /** How long the confirmation link lives, for the small print. */
  confirmHours: number;
}

export const SUBSCRIBE_FIELD_ORDER = ['form', 'email', 'topics', 'filter', 'cadence', 'deliveryHour', 'weeklyDay', 'timeZone'];

/** The subscribe page: email, topics, filter, cadence and delivery time. */
export function renderSubscribePage(input: SubscribePageInput): string {
  const hasErrors = Object.keys(input.errors).length > 0;
  return renderPage({
    title: `${hasErrors ? 'Error: ' : ''}Subscribe`,
    body: html`<h1>Get news alerts by email</h1>
<p class="lead">UN meetings, peace talks and sanctions, as they are reported: each story once, with what matched.</p>
${errorSummary(input.errors, SUBSCRIBE_FIELD_ORDER)}
<form method="post" action="/subscribe" novalidate>
${csrfField(input.csrfToken)}
<div class="card">
${emailField(input.values.email, input.errors)}
</div>
<div class="card">
${preferenceFields(input.values, input.errors, input.topics, { emailCadences: true })}
</div>
<div class="actions"><button type="submit">Subscribe</button></div>
<p class="small">Nothing is sent until you follow the link in the confirmation email. Unconfirmed requests are deleted after ${input.confirmHours} hours.</p>
</form>`,
  });
}

/**
 * After a subscribe request: the same words whether or not the address was subscribed already.
 * With `outboxDir` (one-process mode writes emails to files instead of sending them) the small
 * print says where to look, not to check a spam folder.
 */
export function renderCheckInboxPage(confirmHours: number, options: { outboxDir?: string | undefined } = {}): string {
  const whereToLook = options.outboxDir
    ? html`<p class="small">This server runs locally and does not send email: the message is a file in its outbox folder, <code>${options.outboxDir}</code> (open the newest <code>.html</code> file). If the address is already subscribed, that file has your manage link instead.</p>`
    : html`<p class="small">Nothing arrived after a few minutes? Look in the spam folder, or <a href="/">try again</a>. If the address is already subscribed, the email has your manage link instead.</p>`;
  return renderPage({
    title: 'Check your inbox',
    body: html`<h1>Check your inbox</h1>
<div class="notice ok" role="status"><p>If this address can receive email, a message with a confirmation link is on its way.</p></div>
<div class="card">
<p>Open the email and follow the link to confirm. The link works for ${confirmHours} hours; until then nothing else is sent.</p>
${whereToLook}
</div>`,
  });
}
