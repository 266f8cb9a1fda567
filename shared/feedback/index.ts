/**
 * Email feedback: SES bounce and complaint notifications, validated, and what they do to the
 * subscriber's email channel.
 */
export { handleEmailFeedback, type EmailFeedbackOutcome } from './handle-email-feedback.ts';
export { parseSesNotification } from './ses-notification.ts';
