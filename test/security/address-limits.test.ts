import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxMailer } from '../../shared/mail/outbox-mailer.ts';
import { readOutbox } from '../integration/api/outbox.ts';
import { SubscriberInvalidError, validateSubscriber } from '../../shared/subscriptions/validate-subscriber.ts';
import { type SubscriptionProbe, startSubscriptionProbe } from './subscription-harness.ts';

/**
 * Issue 16, group 10 (second half): email addresses within RFC 5321's limits (local part ≤ 64,
 * whole address ≤ 254, domain labels ≤ 63), refused when given rather than by SES at send time;
 * and the neighbouring malformed addresses a probe tries. A refused address gets 422 naming the
 * field, and no mail is sent anywhere.
 */

let probe: SubscriptionProbe;
/** The same API writing mail to an outbox folder: the test SMTP listener refuses some long addresses itself. */
let outboxApi: string;
let outboxDir: string;

beforeAll(async () => {
  probe = await startSubscriptionProbe();
  outboxDir = await mkdtemp(join(tmpdir(), 'news-alerts-address-limits-'));
  outboxApi = await probe.serve((deps) => ({ ...deps, mailer: createOutboxMailer({ dir: outboxDir }) }));
});

afterAll(async () => {
  await probe?.stop();
  if (outboxDir) await rm(outboxDir, { recursive: true, force: true });
});

const local = (length: number, c = 'a') => c.repeat(length);
/** A domain of exactly `length` characters (133 to 195), in labels of at most 63, ending in `.org`. */
const domainOf = (length: number) => `${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(length - 132)}.org`;

interface Problem {
  type: string;
  errors?: { path: string; message: string }[];
}

describe('email addresses within RFC 5321 limits (issue 16 group 10)', () => {
  it.each<[string, string, RegExp?]>([
    ['a local part of 65 characters', `${local(65)}@example.org`, /64/],
    ['a local part of 200 characters', `${local(200)}@example.org`, /64/],
    ['an address of 255 characters', `${local(64)}@${domainOf(190)}`, /254/],
    ['a domain label of 64 characters', `reader@${'l'.repeat(64)}.example.org`, /63/],
    ['a CR LF header injection', 'reader@example.org\r\nBcc: victim@example.org'],
    ['an LF header injection', 'reader@example.org\nBcc: victim@example.org'],
    ['two addresses in one', 'reader@example.org, victim@example.org'],
    ['a display name', 'Reader <reader@example.org>'],
    ['a NUL byte', 'reader\u0000@example.org'],
    ['no domain', 'reader@'],
    ['no local part', '@example.org'],
    ['two @', 'reader@victim@example.org'],
    ['an IP literal', 'reader@[127.0.0.1]'],
    ['a bare host', 'reader@localhost'],
    ['the empty string', ''],
  ])('refuses %s with 422 naming channel.address', async (_name, address, message) => {
    const before = (await probe.runtime.deps.subscriptions.listSubscribers()).length;
    const response = await probe.subscribe(address);
    expect(response.status).toBe(422);
    const problem = (await response.json()) as Problem;
    expect(problem.type).toBe('urn:news-alerts:problem:invalid-input');
    const field = problem.errors?.find((e) => e.path === 'channel.address');
    expect(field).toBeDefined();
    if (message) expect(field!.message).toMatch(message);
    expect(probe.mailsTo(address)).toHaveLength(0);
    expect((await probe.runtime.deps.subscriptions.listSubscribers()).length).toBe(before);
  });

  it.each<[string, string]>([
    ['a local part of exactly 64 characters', `${local(64, 'b')}@example.org`],
    ['an address of exactly 254 characters', `${local(64, 'c')}@${domainOf(189)}`],
    ['a domain label of exactly 63 characters', `reader@${'m'.repeat(63)}.example.org`],
  ])('accepts %s and mails it', async (_name, address) => {
    expect(
      address
        .split('@')[1]!
        .split('.')
        .every((label) => label.length <= 63),
    ).toBe(true);
    const response = await fetch(`${outboxApi}/api/subscriptions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: { kind: 'email', address }, topics: ['talks'] }),
    });
    expect(response.status).toBe(202);
    expect((await readOutbox(outboxDir)).filter((mail) => mail.to === address)).toHaveLength(1);
  });

  it('refuses a 65-character local part on the subscribe page too, with the form shown again', async () => {
    const address = `${local(65, 'p')}@example.org`;
    const response = await probe.postForm('/', '/subscribe', [
      ['email', address],
      ['topics', 'talks'],
      ['cadence', 'instant'],
    ]);
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('Enter an email address');
    expect(probe.mailsTo(address)).toHaveLength(0);
  });

  it.each<[string, string]>([
    ['a local part of 65 characters', `${local(65)}@example.org`],
    ['an address of 255 characters', `${local(64)}@${domainOf(190)}`],
  ])('refuses %s in subscribers from the config file and the CLI (one schema)', (_name, address) => {
    expect(() =>
      validateSubscriber({ subscriberId: 'cli-1', topics: ['talks'], channels: [{ kind: 'email', channelId: 'email', address }] }),
    ).toThrow(SubscriberInvalidError);
  });
});
