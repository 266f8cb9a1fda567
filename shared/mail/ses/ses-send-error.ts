import { MailSendError } from '../errors.ts';
import type { OutgoingEmail } from '../ports.ts';

/**
 * Classifies a failed SES send, the same for SES v2 (`SendEmail`) and SES v1 (`SendRawEmail`),
 * whose SDKs name their errors alike: `MessageRejected` is permanent (the same message cannot
 * succeed); throttling, service errors and configuration problems are retried, then dead-lettered.
 */
export function toSesSendError(error: unknown, email: Pick<OutgoingEmail, 'messageId'>): MailSendError {
  const name = error instanceof Error ? error.name : 'unknown error';
  return new MailSendError(`ses send failed: ${name} (message ${email.messageId})`, {
    retryable: name !== 'MessageRejected',
    cause: error,
  });
}
