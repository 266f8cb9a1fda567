/**
 * Email feedback: SES bounce and complaint notifications, validated, and what they do to the
 * subscriber's email channel.
 */
export {
  handleEmailFeedback,
  type EmailFeedbackDeps,
  type EmailFeedbackOutcome,
  type UnmatchedReason,
} from './handle-email-feedback.ts';
export { parseSesNotification, type SesBounce, type SesComplaint, type SesMail, type SesNotification } from './ses-notification.ts';
