import { html, type SafeHtml } from '../../html/index.ts';
import type { Cadence, Weekday } from '../../store/records.ts';
import { type TopicSummary, weekdayName } from '../../subscriptions/index.ts';
import { CSRF_FIELD } from '../csrf.ts';

/** The preferences both the subscribe and the manage form edit, as the form holds them. */
export interface PreferenceValues {
  topics: string[];
  filter: string;
  cadence: Cadence;
  deliveryHour: number;
  timeZone: string;
  weeklyDay: Weekday;
}

/** Messages by form field name (`email`, `topics`, `filter` …). */
export type FieldErrors = Partial<Record<string, string>>;

export const FILTER_EXAMPLE = 'ukraine OR "black sea" NOT title:football';

const cadenceChoices: { value: Cadence; label: string; hint: string }[] = [
  { value: 'instant', label: 'Instant', hint: 'Each story as it comes' },
  { value: 'hourly', label: 'Hourly', hint: 'One digest an hour' },
  { value: 'daily', label: 'Daily', hint: 'One digest a day' },
  { value: 'weekly', label: 'Weekly', hint: 'One digest a week' },
];

const weekdays: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * ICU still lists some zones under their old names; people look for the current ones (IANA
 * renamed them). Both spellings are the same zone to Intl.
 */
const renamedZones: Record<string, string> = {
  'Europe/Kiev': 'Europe/Kyiv',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'America/Godthab': 'America/Nuuk',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Pacific/Enderbury': 'Pacific/Kanton',
  'Pacific/Truk': 'Pacific/Chuuk',
  'Pacific/Ponape': 'Pacific/Pohnpei',
};

let zones: string[] | undefined;
/** Every IANA time zone the runtime knows, by current name, UTC first; plus `current` if it is another spelling. */
export function timeZoneChoices(current?: string): string[] {
  zones ??= [
    'UTC',
    ...[...new Set(Intl.supportedValuesOf('timeZone').map((zone) => renamedZones[zone] ?? zone))]
      .filter((zone) => zone !== 'UTC' && isKnownZone(zone))
      .sort(),
  ];
  return current && !zones.includes(current) ? [current, ...zones] : zones;
}

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A topic's description cut to one line for the form. */
export function oneLine(description: string | undefined): string {
  if (!description) return '';
  const first = description.split(/:\s|\.\s/)[0] ?? description;
  const line = first.replace(/^The item reports on /, 'Reports on ').trim();
  return line.length > 140 ? `${line.slice(0, 137)}…` : line;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

/** `aria-describedby` ids and `aria-invalid` of a field. */
function described(name: string, errors: FieldErrors, hasHint: boolean): SafeHtml {
  const ids = [errors[name] ? `${name}-error` : '', hasHint ? `${name}-hint` : ''].filter(Boolean).join(' ');
  return html`${ids ? html` aria-describedby="${ids}"` : ''}${errors[name] ? html` aria-invalid="true"` : ''}`;
}

export function fieldError(name: string, errors: FieldErrors): SafeHtml | '' {
  const message = errors[name];
  return message ? html`<p class="field-error" id="${name}-error"><span class="visually-hidden">Error: </span>${message}</p>` : '';
}

/** The list of problems at the top of a form, each linking to its field. */
export function errorSummary(errors: FieldErrors, order: string[]): SafeHtml | '' {
  const names = order.filter((name) => errors[name]);
  if (names.length === 0) return '';
  return html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${names.map((name) => html`<li><a href="#${name === 'topics' ? 'topic-0' : name}">${errors[name] ?? ''}</a></li>`)}</ul>
</div>`;
}

export function emailField(value: string, errors: FieldErrors): SafeHtml {
  return html`<div class="field">
<label for="email">Email address</label>
<p class="hint" id="email-hint">We send a confirmation link here first.</p>
${fieldError('email', errors)}
<input type="email" id="email" name="email" autocomplete="email" spellcheck="false" maxlength="254" required value="${value}"${described('email', errors, true)}>
</div>`;
}

/** Topics, filter, cadence and delivery time. */
export function preferenceFields(
  values: PreferenceValues,
  errors: FieldErrors,
  topics: readonly TopicSummary[],
  options: { emailCadences: boolean },
): SafeHtml {
  const topicBoxes = topics.map(
    (topic, i) => html`<div class="choice">
<input type="checkbox" id="topic-${i}" name="topics" value="${topic.id}"${values.topics.includes(topic.id) ? html` checked` : ''}${oneLine(topic.description) ? html` aria-describedby="topic-${i}-hint"` : ''}>
<label for="topic-${i}">${topic.label}</label>
${oneLine(topic.description) ? html`<p class="hint" id="topic-${i}-hint">${oneLine(topic.description)}</p>` : ''}
</div>`,
  );
  const cadences = options.emailCadences ? cadenceChoices : cadenceChoices.filter((c) => c.value === 'instant');
  return html`<fieldset class="field" aria-describedby="topics-hint${errors.topics ? ' topics-error' : ''}">
<legend>Topics</legend>
<p class="hint" id="topics-hint">Choose at least one.</p>
${fieldError('topics', errors)}
${topicBoxes}
</fieldset>
<div class="field">
<label for="filter">Only stories that mention… <span class="small">(optional)</span></label>
<p class="hint" id="filter-hint">Words or "quoted phrases", combined with AND, OR, NOT and brackets. Example: <code>${FILTER_EXAMPLE}</code></p>
${fieldError('filter', errors)}
<input type="text" id="filter" name="filter" maxlength="500" autocomplete="off" spellcheck="false" value="${values.filter}"${described('filter', errors, true)}>
</div>
<fieldset class="field">
<legend>How often</legend>
${fieldError('cadence', errors)}
<div class="choices-row">
${cadences.map(
  (choice) => html`<div class="choice">
<input type="radio" id="cadence-${choice.value}" name="cadence" value="${choice.value}"${values.cadence === choice.value ? html` checked` : ''} aria-describedby="cadence-${choice.value}-hint">
<label for="cadence-${choice.value}">${choice.label}</label>
<p class="hint" id="cadence-${choice.value}-hint">${choice.hint}</p>
</div>`,
)}
</div>
</fieldset>
${
  options.emailCadences
    ? html`<fieldset class="field">
<legend>Delivery time for daily and weekly digests</legend>
<div class="inline-fields">
<div class="field">
<label for="deliveryHour">Hour</label>
${fieldError('deliveryHour', errors)}
<select id="deliveryHour" name="deliveryHour" class="narrow"${described('deliveryHour', errors, false)}>
${Array.from({ length: 24 }, (_, hour) => html`<option value="${hour}"${values.deliveryHour === hour ? html` selected` : ''}>${String(hour).padStart(2, '0')}:00</option>`)}
</select>
</div>
<div class="field">
<label for="weeklyDay">Day (weekly)</label>
${fieldError('weeklyDay', errors)}
<select id="weeklyDay" name="weeklyDay" class="narrow"${described('weeklyDay', errors, false)}>
${weekdays.map((day) => html`<option value="${day}"${values.weeklyDay === day ? html` selected` : ''}>${weekdayName(day)}</option>`)}
</select>
</div>
<div class="field">
<label for="timeZone">Time zone</label>
${fieldError('timeZone', errors)}
<select id="timeZone" name="timeZone"${described('timeZone', errors, false)}>
${timeZoneChoices(values.timeZone).map((zone) => html`<option${values.timeZone === zone ? html` selected` : ''}>${zone}</option>`)}
</select>
</div>
</div>
</fieldset>`
    : ''
}`;
}
