import type { SubscriberChannelRef } from './message-tags.ts';

/** A composed email, ready for a transport. */
export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per delivery so a resend is recognisable as the same message. */
  messageId: string;
  headers: Record<string, string>;
  /**
   * The subscriber channel it goes to, when it goes to one: SES carries it as message tags, so
   * a bounce or complaint finds the channel (see `message-tags.ts`); other transports ignore it.
   */
  subscriberChannel?: SubscriberChannelRef;
}

/** The mail port: SES in AWS (v2, or v1 raw for LocalStack), SMTP when configured, the outbox folder locally. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<SentEmail>;
}

/** What a transport says of an email it took. */
export interface SentEmail {
  /** The Message-ID (or SES's message id). */
  id: string;
  /**
   * The transport's own words, for an operator's test alert: the SMTP server's answer
   * (`250 2.0.0 queued as …`), SES's message id, or the outbox file written.
   */
  receipt?: string;
}
