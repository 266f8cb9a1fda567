/**
 * The SES feedback notification, validated: a configuration set's event record (`eventType`,
 * with `mail.tags`) or an identity's feedback notification (`notificationType`, no tags), of
 * type Bounce or Complaint. Other event types (Send, Delivery, Open …) are recognised and
 * reported as such; anything else is an error naming what is wrong.
 */
import { z } from 'zod';
import { InvalidMessageError } from '../core/errors.ts';
import { formatZodIssues } from '../core/validation-issues.ts';

const recipientSchema = z.looseObject({ emailAddress: z.string().min(1) });

const mailSchema = z.looseObject({
  messageId: z.string().min(1),
  destination: z.array(z.string()).default([]),
  /** Our message tags and SES's own (`ses:configuration-set` …): name → values. */
  tags: z.record(z.string(), z.array(z.string())).optional(),
});

const bounceSchema = z.looseObject({
  bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
  bounceSubType: z.string().optional(),
  bouncedRecipients: z.array(recipientSchema.extend({ status: z.string().optional(), diagnosticCode: z.string().optional() })).min(1),
  feedbackId: z.string().optional(),
  timestamp: z.string().optional(),
});

const complaintSchema = z.looseObject({
  complainedRecipients: z.array(recipientSchema).min(1),
  complaintFeedbackType: z.string().optional(),
  complaintSubType: z.string().nullable().optional(),
  feedbackId: z.string().optional(),
  timestamp: z.string().optional(),
});

const bounceNotificationSchema = z.looseObject({ bounce: bounceSchema, mail: mailSchema });
const complaintNotificationSchema = z.looseObject({ complaint: complaintSchema, mail: mailSchema });
/** `eventType` in a configuration set's records, `notificationType` in an identity's. */
const typeSchema = z.looseObject({ eventType: z.string().min(1).optional(), notificationType: z.string().min(1).optional() });

export type SesMail = z.infer<typeof mailSchema>;
export type SesBounce = z.infer<typeof bounceSchema>;
export type SesComplaint = z.infer<typeof complaintSchema>;

/** A notification, as far as feedback handling cares. */
export type SesNotification =
  | { kind: 'bounce'; bounce: SesBounce; mail: SesMail }
  | { kind: 'complaint'; complaint: SesComplaint; mail: SesMail }
  /** An event type other than Bounce and Complaint (SES publishes only those we ask for). */
  | { kind: 'other'; type: string };

/**
 * Parses one notification (the SNS message text, or its JSON value). Throws InvalidMessageError
 * naming the problem when it is not JSON or not an SES notification of the shape its type
 * promises; `source` names the message in that error.
 */
export function parseSesNotification(input: unknown, source: string): SesNotification {
  let value = input;
  // SES's test message when a topic is set up for its notifications: plain text, not an event.
  if (typeof input === 'string' && input.startsWith('Successfully validated SNS topic')) return { kind: 'other', type: 'topic-validation' };
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new InvalidMessageError(`email feedback is not JSON: ${JSON.stringify(input.slice(0, 80))} (${source})`);
    }
  }
  const typed = typeSchema.safeParse(value);
  const type = typed.success ? (typed.data.eventType ?? typed.data.notificationType) : undefined;
  if (type === undefined) {
    throw new InvalidMessageError(`email feedback is not an SES notification: it has no eventType or notificationType (${source})`);
  }
  if (type === 'Bounce') {
    const { bounce, mail } = parseAs(bounceNotificationSchema, value, type, source);
    return { kind: 'bounce', bounce, mail };
  }
  if (type === 'Complaint') {
    const { complaint, mail } = parseAs(complaintNotificationSchema, value, type, source);
    return { kind: 'complaint', complaint, mail };
  }
  return { kind: 'other', type };
}

function parseAs<T>(schema: z.ZodType<T>, value: unknown, type: string, source: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidMessageError(`email feedback ${type} is invalid: ${formatZodIssues(result.error.issues)} (${source})`);
  }
  return result.data;
}
