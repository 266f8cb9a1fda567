import { html } from '../../html/index.ts';
import type { SubscriptionStatus, TopicSummary } from '../../subscriptions/index.ts';
import { renderPage } from '../layout.ts';
import { csrfField, errorSummary, type FieldErrors, preferenceFields, type PreferenceValues } from './form-parts.ts';

export type ManageNotice = 'saved' | 'paused' | 'resumed';

export interface ManagePageInput {
  token: string;
  csrfToken: string;
  topics: readonly TopicSummary[];
  destination: string;
  /** Email subscriptions may choose digests; webhooks are instant. */
  isEmail: boolean;
  status: Extract<SubscriptionStatus, 'active' | 'paused'>;
  values: PreferenceValues;
  errors: FieldErrors;
  notice?: ManageNotice;
}

const notices: Record<ManageNotice, string> = {
  saved: 'Your changes are saved.',
  paused: 'Alerts are paused. Nothing is sent until you resume.',
  resumed: 'Alerts are on again.',
};

export const MANAGE_FIELD_ORDER = ['form', 'topics', 'filter', 'cadence', 'deliveryHour', 'weeklyDay', 'timeZone'];

/** The manage page a signed link opens: change preferences, pause or resume, unsubscribe. */
export function renderManagePage(input: ManagePageInput): string {
  const hasErrors = Object.keys(input.errors).length > 0;
  const hidden = html`${csrfField(input.csrfToken)}<input type="hidden" name="token" value="${input.token}">`;
  const paused = input.status === 'paused';
  return renderPage({
    title: `${hasErrors ? 'Error: ' : ''}Manage your subscription`,
    body: html`<h1>Manage your subscription</h1>
<p class="lead">Change what you get and how often, pause for a while, or stop. Changes apply from the next story.</p>
${input.notice ? html`<div class="notice ok" role="status"><p>${notices[input.notice]}</p></div>` : ''}
${errorSummary(input.errors, MANAGE_FIELD_ORDER)}
<div class="card">
<dl class="summary">
<dt>Send to</dt><dd>${input.destination}</dd>
<dt>Status</dt><dd><span class="badge ${input.status}">${paused ? 'Paused' : 'Active'}</span></dd>
</dl>
<form method="post" action="/manage" class="actions">
${hidden}
${
  paused
    ? html`<input type="hidden" name="action" value="resume"><button type="submit">Resume alerts</button>`
    : html`<input type="hidden" name="action" value="pause"><button type="submit" class="secondary">Pause alerts</button>`
}
</form>
</div>
<h2 id="preferences">What you get</h2>
<form method="post" action="/manage" novalidate aria-labelledby="preferences">
${hidden}
<input type="hidden" name="action" value="save">
<div class="card">
${preferenceFields(input.values, input.errors, input.topics, { emailCadences: input.isEmail })}
</div>
<div class="actions"><button type="submit">Save changes</button></div>
</form>
<h2 id="stop">Stop all alerts</h2>
<form method="post" action="/manage" aria-labelledby="stop">
${hidden}
<input type="hidden" name="action" value="unsubscribe">
<div class="card">
<p>Unsubscribing stops every alert and digest at once. To come back later, subscribe again.</p>
<button type="submit" class="danger">Unsubscribe</button>
</div>
</form>`,
  });
}
