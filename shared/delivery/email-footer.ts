import { html, type SafeHtml } from '../html/index.ts';
import { createManageLinkToken, createUnsubscribeToken, type KeyRing } from '../subscriptions/index.ts';

/**
 * The footer of the alert and digest emails: why the email arrives, the subscriber's "manage"
 * and one-click unsubscribe links, with the RFC 8058 headers that go with the latter.
 *
 * Alerts get forwarded, so their links carry no more than they need: unsubscribing one channel,
 * and asking for a fresh manage link to be emailed to the subscriber. Neither reads, changes
 * or deletes the subscription.
 */

export interface UnsubscribeOptions {
  /** The sender (`MAIL_FROM`), e.g. `News Alerts <alerts@example.org>`. */
  from: string;
  /** Base of the unsubscribe link (`PUBLIC_BASE_URL`); without it there is no List-Unsubscribe. */
  publicBaseUrl?: string | undefined;
  /** The token key ring (its current key signs); without it there is no List-Unsubscribe. */
  tokenKeys?: KeyRing | undefined;
}

export interface Unsubscribe {
  /** The https link (GET shows a confirmation page, POST unsubscribes at once). */
  url: string;
  headers: Record<'List-Unsubscribe' | 'List-Unsubscribe-Post', string>;
  /**
   * The "manage" link: a page that emails the subscriber a fresh manage link (the manage page
   * itself, with topics, cadence, pause and delete, needs that emailed link).
   */
  manageUrl: string;
}

/**
 * The unsubscribe link of one channel and its headers: `List-Unsubscribe` with the https link
 * only, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058), so mailbox providers
 * show their own unsubscribe button and POST to the link. No mailto: nothing reads replies to the
 * sender, and a client that prefers mailto (Apple Mail, Outlook) would unsubscribe no one; with
 * https only, such a client opens the link, whose page unsubscribes with one button.
 */
export function unsubscribeFor(subscriberId: string, channelId: string, options: UnsubscribeOptions): Unsubscribe | undefined {
  if (!options.publicBaseUrl || !options.tokenKeys) return undefined;
  const token = createUnsubscribeToken({ subscriberId, channelId }, options.tokenKeys);
  const url = new URL('unsubscribe', options.publicBaseUrl.endsWith('/') ? options.publicBaseUrl : `${options.publicBaseUrl}/`);
  url.searchParams.set('token', token);
  const manage = new URL('manage/link', url);
  manage.searchParams.set('token', createManageLinkToken(subscriberId, options.tokenKeys));
  return {
    url: url.href,
    manageUrl: manage.href,
    headers: { 'List-Unsubscribe': `<${url.href}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

/** The footer sentence and, when there are, the manage and unsubscribe links. */
export function emailFooterHtml(reason: string, unsubscribe: Unsubscribe | undefined): SafeHtml {
  const link = (href: string, text: string) => html` <a href="${href}" style="color:#52525b">${text}</a>.`;
  return html`${reason}${unsubscribe ? [link(unsubscribe.manageUrl, 'Manage your subscription'), link(unsubscribe.url, 'Unsubscribe')] : ''}`;
}

/** The plain-text footer: the signature separator, the sentence and the links. */
export function emailFooterText(reason: string, unsubscribe: Unsubscribe | undefined): string[] {
  const links = unsubscribe ? [`Manage your subscription: ${unsubscribe.manageUrl}`, `Unsubscribe: ${unsubscribe.url}`] : [];
  return ['-- ', reason, ...links];
}
