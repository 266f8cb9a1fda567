import { html, type SafeHtml } from '../../html/index.ts';
import { renderPage } from '../layout.ts';

export interface MessagePageInput {
  title: string;
  /** One paragraph of explanation. */
  message: string;
  tone?: 'ok' | 'warn' | 'error';
  /** Optional follow-up link. */
  link?: { href: string; text: string };
  extra?: SafeHtml;
}

/** A page that only says something: expired links, errors, "you are unsubscribed". */
export function renderMessagePage(input: MessagePageInput): string {
  return renderPage({
    title: input.title,
    body: html`<h1>${input.title}</h1>
<div class="notice ${input.tone ?? 'warn'}" role="${input.tone === 'error' ? 'alert' : 'status'}"><p>${input.message}</p></div>
${input.extra ?? ''}
${input.link ? html`<p><a class="button secondary" href="${input.link.href}">${input.link.text}</a></p>` : ''}`,
  });
}
