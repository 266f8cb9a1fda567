import { truncate } from '../core/display-text.ts';
import { html, rawHtml, type SafeHtml } from './html.ts';

/** The font stack of every email (trusted markup: it is inserted into style attributes as is). */
export const EMAIL_FONT = rawHtml("font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif");

/** Preview lines past this are cut: inbox previews show less anyway. */
const PREHEADER_LIMIT = 140;

export interface EmailLayoutInput {
  /** The document's title. */
  title: string;
  /** The inbox preview line, hidden in the message; without it clients preview the content. */
  preheader?: string | undefined;
  /** What the email says, written with the `html` template. */
  content: SafeHtml;
  /** Small print below a rule (why this arrives, manage and unsubscribe links). */
  footer?: SafeHtml | undefined;
}

/**
 * The one HTML document every email of ours is in: a centred 600px card (tables and inline
 * styles, readable without images and in dark-mode clients that keep light colours) that becomes
 * full width on phones, an optional hidden preheader and an optional footer.
 */
export function renderEmailLayout(input: EmailLayoutInput): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${input.title}</title>
<style>@media (max-width: 620px) { .container { width: 100% !important; } .content { padding: 16px !important; } }</style>
</head>
<body style="margin:0;padding:0;background:#f4f4f5">
${input.preheader ? html`<div style="display:none;max-height:0;overflow:hidden">${truncate(input.preheader, PREHEADER_LIMIT)}</div>\n` : ''}<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f4f5">
<tr><td align="center" style="padding:16px 8px">
<table role="presentation" class="container" width="600" cellpadding="0" cellspacing="0" border="0" style="width:600px;max-width:100%;background:#ffffff;border:1px solid #e4e4e7;border-radius:6px">
<tr><td class="content" style="padding:24px;${EMAIL_FONT};font-size:16px;line-height:1.5;color:#18181b">
${input.content}
</td></tr>
${input.footer ? html`<tr><td style="padding:16px 24px;border-top:1px solid #e4e4e7;${EMAIL_FONT};font-size:12px;line-height:1.5;color:#71717a">\n${input.footer}\n</td></tr>\n` : ''}</table>
</td></tr>
</table>
</body>
</html>
`.value;
}
