/**
 * How an SES error is handled, for both APIs (v2 `SendEmail`, v1 `SendRawEmail`): the operator's
 * setup (permissions, verification, a paused or suspended account or configuration set) →
 * {@link MailSetupError}; this message refused (`MessageRejected` for its content or recipient)
 * → permanent; anything else (throttling, daily quota, 5xx, network) → retryable.
 */
import { MailSendError, MailSetupError } from '../errors.ts';
import { redactAddresses } from '../../core/redact-address.ts';

/** Error names, as the AWS SDK gives them, that only an operator can fix. */
const SETUP_ERRORS = new Set([
  // IAM: the role may not send as this identity or with this configuration set.
  'AccessDenied',
  'AccessDeniedException',
  // SES v2
  'AccountSuspendedException',
  'SendingPausedException',
  'MailFromDomainNotVerifiedException',
  // Of SendEmail's resources only the configuration set can be missing.
  'NotFoundException',
  // SES v1 (wire code and SDK name)
  'AccountSendingPausedException',
  'ConfigurationSetSendingPausedException',
  'ConfigurationSetDoesNotExist',
  'ConfigurationSetDoesNotExistException',
]);

export type SesErrorKind = 'setup' | 'rejected' | 'retryable';

/** Sorts an SES error (anything the SDK threw) into setup, rejected and retryable. */
export function classifySesError(error: unknown): SesErrorKind {
  const { name, message } = nameAndMessage(error);
  if (SETUP_ERRORS.has(name)) return 'setup';
  if (name === 'MessageRejected') {
    // "Email address is not verified. The following identities failed the check …": the sender
    // (or, in the SES sandbox, the recipient) is not a verified identity.
    return /not verified/i.test(message) ? 'setup' : 'rejected';
  }
  return 'retryable';
}

/** The MailSendError for an SES failure of one message; addresses in SES's text are redacted. */
export function toSesSendError(error: unknown, messageId: string): MailSendError {
  const { name, message } = nameAndMessage(error);
  const why = message ? `${name}: ${redactAddresses(message).slice(0, 300)}` : name;
  const text = `ses send failed: ${why} (message ${messageId})`;
  switch (classifySesError(error)) {
    case 'setup':
      return new MailSetupError(text, { code: name, cause: error });
    case 'rejected':
      return new MailSendError(text, { retryable: false, cause: error });
    case 'retryable':
      return new MailSendError(text, { retryable: true, cause: error });
  }
}

function nameAndMessage(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message ?? '' };
  return { name: 'unknown error', message: String(error) };
}
