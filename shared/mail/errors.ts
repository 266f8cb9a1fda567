import { NewsAlertsError } from '../core/errors.ts';

/**
 * A mail transport failed to hand a message over. The rule for `retryable`, the same for every
 * transport: a definite rejection of this message or recipient by the server (SMTP 5xx answer to
 * MAIL/RCPT/DATA, SES `MessageRejected`) is permanent, since resending the same message cannot
 * succeed; a transport whose own setup refuses every send is a {@link MailSetupError}; everything
 * else (connection, timeout, 4xx, authentication, throttling, 5xx) is retryable, so the message
 * waits in the queue and then its DLQ until the cause goes away.
 */
export class MailSendError extends NewsAlertsError {
  /** SMTP response code, when the server answered with one. */
  readonly responseCode?: number;

  constructor(message: string, options: { retryable: boolean; responseCode?: number; cause?: unknown }) {
    super(message, { retryable: options.retryable, cause: options.cause });
    if (options.responseCode !== undefined) this.responseCode = options.responseCode;
  }
}

/**
 * The transport refuses every send until an operator fixes its setup: no permission, the sender
 * not verified, the account suspended or paused, the configuration set missing or paused. Not
 * retryable (hours of retries cannot fix it) and not the recipient's fault (the channel is left
 * alone): the email consumer dead-letters the message at once, so the DLQ alarm tells the
 * operator, and a redrive after the fix sends it.
 */
export class MailSetupError extends MailSendError {
  /** The service's error code (`AccessDeniedException`, `SendingPausedException` …). */
  readonly code: string;

  constructor(message: string, options: { code: string; cause?: unknown }) {
    super(message, { retryable: false, cause: options.cause });
    this.code = options.code;
  }
}
