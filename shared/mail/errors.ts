import { NewsAlertsError } from '../core/errors.ts';

/**
 * A mail transport failed to hand a message over. The rule for `retryable`, the same for every
 * transport: a definite rejection of this message or recipient by the server (SMTP 5xx answer to
 * MAIL/RCPT/DATA, SES `MessageRejected`) is permanent, since resending the same message cannot
 * succeed; everything else (connection, timeout, 4xx, authentication, throttling, configuration)
 * is retryable, so the message waits in the queue and then its DLQ until the cause is fixed.
 */
export class MailSendError extends NewsAlertsError {
  /** SMTP response code, when the server answered with one. */
  readonly responseCode?: number;

  constructor(message: string, options: { retryable: boolean; responseCode?: number; cause?: unknown }) {
    super(message, { retryable: options.retryable, cause: options.cause });
    if (options.responseCode !== undefined) this.responseCode = options.responseCode;
  }
}
