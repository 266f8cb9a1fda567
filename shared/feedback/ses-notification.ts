/**
 * The SES feedback notification, validated: a configuration set's event record (`eventType`,
 * with `mail.tags`) or an identity's feedback notification (`notificationType`, no tags), of
 * type Bounce or Complaint. Other event types (Send, Delivery, Open …) are recognised and
 * reported as such; anything else is an error naming what is wrong.
 */
import * as z from '../core/zod.ts';
import { InvalidMessageError } from '../core/errors.ts';
import { formatZodIssues } from '../core/validation-issues.ts';

const recipientSchema = z.looseObject({ emailAddress: z.string().check(z.minLength(1)) });

const mailSchema = z.looseObject({
  messageId: z.string().check(z.minLength(1)),
  destination: z._default(z.array(z.string()), []),
  /** Our message tags and SES's own (`ses:configuration-set` …): name → values. */
  tags: z.optional(z.record(z.string(), z.array(z.string()))),
});

const bounceSchema = z.looseObject({
  bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
  bounceSubType: z.optional(z.string()),
  bouncedRecipients: z
    .array(z.extend(recipientSchema, { status: z.optional(z.string()), diagnosticCode: z.optional(z.string()) }))
    .check(z.minLength(1)),
  feedbackId: z.optional(z.string()),
  timestamp: z.optional(z.string()),
});

const complaintSchema = z.looseObject({
  complainedRecipients: z.array(recipientSchema).check(z.minLength(1)),
  complaintFeedbackType: z.optional(z.string()),
  complaintSubType: z.optional(z.nullable(z.string())),
  feedbackId: z.optional(z.string()),
  timestamp: z.optional(z.string()),
});

const bounceNotificationSchema = z.looseObject({ bounce: bounceSchema, mail: mailSchema });
const complaintNotificationSchema = z.looseObject({ complaint: complaintSchema, mail: mailSchema });
/** `eventType` in a configuration set's records, `notificationType` in an identity's. */
const typeSchema = z.looseObject({
  eventType: z.optional(z.string().check(z.minLength(1))),
  notificationType: z.optional(z.string().check(z.minLength(1))),
});

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

function parseAs<T>(schema: z.core.$ZodType<T>, value: unknown, type: string, source: string): T {
  const result = z.safeParse(schema, value);
  if (!result.success) {
    throw new InvalidMessageError(`email feedback ${type} is invalid: ${formatZodIssues(result.error.issues)} (${source})`);
  }
  return result.data;
}
