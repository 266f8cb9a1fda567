import { describe, expect, it } from 'vitest';
import { parseSesNotification } from '../../../shared/feedback/ses-notification.ts';
import { InvalidMessageError } from '../../../shared/core/errors.ts';
import { bounceNotification, complaintNotification, identityBounceNotification } from '../../helpers/ses-notifications.ts';

const channel = { subscriberId: 'sub-1', channelId: 'mail' };

describe('parseSesNotification', () => {
  it('reads a configuration set’s Bounce record from the SNS message text, tags included', () => {
    const text = JSON.stringify(bounceNotification({ address: 'reader@example.org', channel, bounceType: 'Permanent' }));

    const parsed = parseSesNotification(text, 'SNS message 1');

    expect(parsed.kind).toBe('bounce');
    if (parsed.kind !== 'bounce') return;
    expect(parsed.bounce.bounceType).toBe('Permanent');
    expect(parsed.bounce.bouncedRecipients.map((r) => r.emailAddress)).toEqual(['reader@example.org']);
    expect(parsed.mail.tags?.subscriber).toEqual(['i-sub-1']);
    expect(parsed.mail.destination).toEqual(['reader@example.org']);
  });

  it('reads a Complaint record', () => {
    const parsed = parseSesNotification(complaintNotification({ address: 'reader@example.org', channel }), 'SNS message 2');
    expect(parsed.kind).toBe('complaint');
    if (parsed.kind === 'complaint') expect(parsed.complaint.complaintFeedbackType).toBe('abuse');
  });

  it('reads an identity’s notification (notificationType, no tags)', () => {
    const parsed = parseSesNotification(identityBounceNotification({ address: 'reader@example.org' }), 'SNS message 3');
    expect(parsed.kind).toBe('bounce');
    if (parsed.kind === 'bounce') expect(parsed.mail.tags).toBeUndefined();
  });

  it('recognises other event types and SES’s topic test message as such', () => {
    expect(parseSesNotification({ eventType: 'Delivery', mail: { messageId: 'm' } }, 's')).toEqual({ kind: 'other', type: 'Delivery' });
    expect(parseSesNotification('Successfully validated SNS topic for Amazon SES event publishing.', 's')).toEqual({
      kind: 'other',
      type: 'topic-validation',
    });
  });

  it.each([
    ['not JSON', 'bounce!', /email feedback is not JSON: "bounce!" \(SNS message 9\)/],
    ['no type', { mail: { messageId: 'm' } }, /no eventType or notificationType \(SNS message 9\)/],
    [
      'an unknown bounce type',
      {
        ...bounceNotification({ address: 'a@b.org', bounceType: 'Permanent' }),
        bounce: { bounceType: 'Hard', bouncedRecipients: [{ emailAddress: 'a@b.org' }] },
      },
      /email feedback Bounce is invalid: bounce\.bounceType/,
    ],
    [
      'no bounced recipient',
      {
        ...bounceNotification({ address: 'a@b.org', bounceType: 'Permanent' }),
        bounce: { bounceType: 'Permanent', bouncedRecipients: [] },
      },
      /bounce\.bouncedRecipients/,
    ],
    [
      'no mail',
      { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: 'a@b.org' }] } },
      /email feedback Complaint is invalid: mail/,
    ],
  ])('refuses %s, naming what is wrong', (_, input, message) => {
    const error = (() => {
      try {
        parseSesNotification(input, 'SNS message 9');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidMessageError);
    expect((error as Error).message).toMatch(message);
  });
});
