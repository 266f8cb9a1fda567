import { randomBytes } from 'node:crypto';
import { formatUtcMinute } from '../core/display-text.ts';
import { html, renderEmailLayout, type SafeHtml } from '../html/index.ts';
import { messageIdFor } from '../mail/addresses.ts';
import type { OutgoingEmail } from '../mail/ports.ts';

/**
 * The emails the subscribe flow sends: the double opt-in confirmation, the notice sent instead
 * when the address is already subscribed (so the response to a subscribe request never tells who
 * is subscribed), and a fresh manage link asked for from an alert's footer. Plain text and HTML in the one email layout, the link spelled out in
 * both.
 */

export interface ConfirmationEmailInput {
  from: string;
  to: string;
  confirmUrl: string;
  expiresAt: Date;
  /** Topic labels, for the summary of what is being confirmed. */
  topicLabels: string[];
  /** "instant alerts", "a daily digest at 08:00 (Europe/Berlin)" … */
  cadenceText: string;
}

export function composeConfirmationEmail(input: ConfirmationEmailInput): OutgoingEmail {
  const until = formatUtcMinute(input.expiresAt);
  const topics = input.topicLabels.join(', ');
  const text = [
    'Someone, hopefully you, asked to receive news alerts at this address:',
    '',
    `  Topics: ${topics}`,
    `  How often: ${input.cadenceText}`,
    '',
    'To confirm, open this link and press "Confirm subscription":',
    input.confirmUrl,
    '',
    `The link works until ${until}. If you did not ask for this, ignore this email: nothing will`,
    'be sent to you and the request is deleted.',
    '',
  ].join('\n');
  const body = html`<p style="margin:0 0 12px 0">Someone, hopefully you, asked to receive news alerts at this address:</p>
<ul style="margin:0 0 16px 0;padding:0 0 0 20px"><li><strong>Topics:</strong> ${topics}</li><li><strong>How often:</strong> ${input.cadenceText}</li></ul>
<p style="margin:0 0 16px 0">${button(input.confirmUrl, 'Confirm subscription')}</p>
<p style="margin:0 0 12px 0;font-size:14px;color:#3f3f46">Or paste this link into your browser:<br><span style="word-break:break-all">${input.confirmUrl}</span></p>
<p style="margin:0;font-size:14px;color:#3f3f46">The link works until ${until}. If you did not ask for this, ignore this email: nothing will be sent to you and the request is deleted.</p>`;
  return message(input.from, input.to, 'Confirm your news alerts subscription', text, layout('Confirm your subscription', body), 'confirm');
}

export interface AlreadySubscribedEmailInput {
  from: string;
  to: string;
  manageUrl: string;
}

export function composeAlreadySubscribedEmail(input: AlreadySubscribedEmailInput): OutgoingEmail {
  const text = [
    'Someone, hopefully you, asked to subscribe this address to news alerts. It is already',
    'subscribed, so nothing changed.',
    '',
    'To change topics or how often you get news, pause, or unsubscribe, use this manage link',
    '(manage links sent before it no longer work):',
    input.manageUrl,
    '',
    'If you did not ask for this, you can ignore this email.',
    '',
  ].join('\n');
  const body = html`<p style="margin:0 0 12px 0">Someone, hopefully you, asked to subscribe this address to news alerts. It is already subscribed, so nothing changed.</p>
<p style="margin:0 0 16px 0">${button(input.manageUrl, 'Manage your subscription')}</p>
<p style="margin:0;font-size:14px;color:#3f3f46">If you did not ask for this, you can ignore this email.</p>`;
  return message(input.from, input.to, 'Your news alerts subscription', text, layout('You are already subscribed', body), 'notice');
}

export interface ManageLinkEmailInput {
  from: string;
  to: string;
  manageUrl: string;
  expiresAt: Date;
}

/** The fresh manage link asked for from an alert's footer; older manage links stop working. */
export function composeManageLinkEmail(input: ManageLinkEmailInput): OutgoingEmail {
  const until = formatUtcMinute(input.expiresAt);
  const text = [
    'Someone, hopefully you, asked for a link to manage your news alerts subscription:',
    '',
    input.manageUrl,
    '',
    `The link works until ${until}. Manage links sent before this one no longer work.`,
    'If you did not ask for this, you can ignore this email: nothing changed.',
    '',
  ].join('\n');
  const body = html`<p style="margin:0 0 12px 0">Someone, hopefully you, asked for a link to manage your news alerts subscription.</p>
<p style="margin:0 0 16px 0">${button(input.manageUrl, 'Manage your subscription')}</p>
<p style="margin:0;font-size:14px;color:#3f3f46">The link works until ${until}. Manage links sent before this one no longer work. If you did not ask for this, you can ignore this email: nothing changed.</p>`;
  return message(input.from, input.to, 'Your link to manage news alerts', text, layout('Manage your subscription', body), 'manage');
}

function message(from: string, to: string, subject: string, text: string, html: string, kind: string): OutgoingEmail {
  return {
    from,
    to,
    subject,
    text,
    html,
    messageId: messageIdFor(`${kind}-${randomBytes(12).toString('hex')}`, from),
    // A transactional message: auto-responders should stay quiet (RFC 3834).
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

/** The email layout with the title as the first heading; no footer: these go to whoever asked. */
function layout(title: string, body: SafeHtml): string {
  return renderEmailLayout({ title, content: html`<h1 style="margin:0 0 16px 0;font-size:22px;line-height:1.3">${title}</h1>\n${body}` });
}

function button(href: string, text: string): SafeHtml {
  return html`<a href="${href}" style="display:inline-block;background:#1d4ed8;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold">${text}</a>`;
}
