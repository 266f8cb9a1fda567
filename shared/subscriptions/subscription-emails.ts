import { randomBytes } from 'node:crypto';
import { escapeText } from '../html/html.ts';
import type { OutgoingEmail } from '../mail/ports.ts';

/**
 * The emails the subscribe flow sends: the double opt-in confirmation, and the notice sent
 * instead when the address is already subscribed (so the response to a subscribe request never
 * tells who is subscribed). Plain text and simple HTML, the link spelled out in both.
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
  const until = formatUtc(input.expiresAt);
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
  const html = layout(
    'Confirm your subscription',
    `<p style="margin:0 0 12px 0">Someone, hopefully you, asked to receive news alerts at this address:</p>
<ul style="margin:0 0 16px 0;padding:0 0 0 20px"><li><strong>Topics:</strong> ${escapeText(topics)}</li><li><strong>How often:</strong> ${escapeText(input.cadenceText)}</li></ul>
<p style="margin:0 0 16px 0"><a href="${escapeText(input.confirmUrl)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold">Confirm subscription</a></p>
<p style="margin:0 0 12px 0;font-size:14px;color:#3f3f46">Or paste this link into your browser:<br><span style="word-break:break-all">${escapeText(input.confirmUrl)}</span></p>
<p style="margin:0;font-size:14px;color:#3f3f46">The link works until ${escapeText(until)}. If you did not ask for this, ignore this email: nothing will be sent to you and the request is deleted.</p>`,
  );
  return message(input.from, input.to, 'Confirm your news alerts subscription', text, html, 'confirm');
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
    'To change topics or how often you get news, pause, or unsubscribe, use your manage link:',
    input.manageUrl,
    '',
    'If you did not ask for this, you can ignore this email.',
    '',
  ].join('\n');
  const html = layout(
    'You are already subscribed',
    `<p style="margin:0 0 12px 0">Someone, hopefully you, asked to subscribe this address to news alerts. It is already subscribed, so nothing changed.</p>
<p style="margin:0 0 16px 0"><a href="${escapeText(input.manageUrl)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:bold">Manage your subscription</a></p>
<p style="margin:0;font-size:14px;color:#3f3f46">If you did not ask for this, you can ignore this email.</p>`,
  );
  return message(input.from, input.to, 'Your news alerts subscription', text, html, 'notice');
}

function message(from: string, to: string, subject: string, text: string, html: string, kind: string): OutgoingEmail {
  return {
    from,
    to,
    subject,
    text,
    html,
    messageId: `<${kind}-${randomBytes(12).toString('hex')}@${domainOf(from)}>`,
    // A transactional message: auto-responders should stay quiet (RFC 3834).
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}

const font = "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeText(title)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background:#ffffff;border:1px solid #e4e4e7;border-radius:6px">
<tr><td style="padding:24px;${font};font-size:16px;line-height:1.5;color:#18181b">
<h1 style="margin:0 0 16px 0;font-size:22px;line-height:1.3">${escapeText(title)}</h1>
${body}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function domainOf(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  return address.split('@')[1]?.trim() || 'localhost';
}
