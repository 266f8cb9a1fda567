/**
 * SES feedback notifications in the shape SES publishes them: a configuration set's event
 * records (`eventType`, `mail.tags` with our tags and SES's own) and an identity's feedback
 * notifications (`notificationType`, no tags). Values are made up; the fields are SES's.
 */
import { channelTags, type SubscriberChannelRef } from '../../shared/mail/message-tags.ts';

export interface NotificationOptions {
  /** The recipient the event is about. */
  address: string;
  /** The channel the email was tagged with; omitted: no tags of ours. */
  channel?: SubscriberChannelRef;
  messageId?: string;
}

function mail(options: NotificationOptions): Record<string, unknown> {
  const ours = options.channel ? Object.fromEntries(channelTags(options.channel).map((tag) => [tag.name, [tag.value]])) : {};
  return {
    timestamp: '2026-03-02T08:00:00.120Z',
    source: 'News Alerts <alerts@newsdesk.eu>',
    sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/newsdesk.eu',
    sendingAccountId: '123456789012',
    messageId: options.messageId ?? '0102018e5f2c-test-message-000000',
    destination: [options.address],
    headersTruncated: false,
    commonHeaders: { from: ['News Alerts <alerts@newsdesk.eu>'], to: [options.address], subject: 'UN Security Council: emergency meeting' },
    tags: {
      'ses:configuration-set': ['NewsAlertsConfigurationSet'],
      'ses:source-ip': ['203.0.113.7'],
      'ses:from-domain': ['newsdesk.eu'],
      'ses:caller-identity': ['news-alerts-deliver-email'],
      ...ours,
    },
  };
}

export function bounceNotification(
  options: NotificationOptions & {
    bounceType: 'Permanent' | 'Transient' | 'Undetermined';
    bounceSubType?: string;
    diagnosticCode?: string;
  },
): Record<string, unknown> {
  return {
    eventType: 'Bounce',
    bounce: {
      bounceType: options.bounceType,
      bounceSubType: options.bounceSubType ?? (options.bounceType === 'Permanent' ? 'General' : 'MailboxFull'),
      bouncedRecipients: [
        {
          emailAddress: options.address,
          action: 'failed',
          status: options.bounceType === 'Permanent' ? '5.1.1' : '4.2.2',
          diagnosticCode: options.diagnosticCode ?? `smtp; 550 5.1.1 <${options.address}>: mailbox unknown`,
        },
      ],
      timestamp: '2026-03-02T08:00:01.500Z',
      feedbackId: '0102018e5f2c-test-feedback-000000',
      reportingMTA: 'dsn; a1-2.smtp-out.eu-west-1.amazonses.com',
    },
    mail: mail(options),
  };
}

export function complaintNotification(options: NotificationOptions & { complaintFeedbackType?: string }): Record<string, unknown> {
  return {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: options.address }],
      timestamp: '2026-03-02T09:30:00.000Z',
      feedbackId: '0102018e5f2c-test-complaint-000000',
      userAgent: 'Mail provider feedback loop',
      complaintFeedbackType: options.complaintFeedbackType ?? 'abuse',
      arrivalDate: '2026-03-02T09:29:58.000Z',
    },
    mail: mail(options),
  };
}

/** An identity's notification: `notificationType`, and no tags (SES adds none there). */
export function identityBounceNotification(options: NotificationOptions): Record<string, unknown> {
  const { eventType: _, ...rest } = bounceNotification({ ...options, bounceType: 'Permanent' });
  const { tags: __, ...mailWithoutTags } = rest.mail as Record<string, unknown>;
  return { notificationType: 'Bounce', ...rest, mail: mailWithoutTags };
}
