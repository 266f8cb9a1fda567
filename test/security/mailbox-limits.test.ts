import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SubscriptionProbe, startSubscriptionProbe } from './subscription-harness.ts';

/**
 * Issue 16, group 5: the per-recipient limit (3 messages an hour) counts a mailbox, not a string.
 * Each row floods one inbox through spellings of its address; at most 3 messages may land there,
 * and every request gets the same answer (202, or 422 for a spelling that is not an address).
 */

let probe: SubscriptionProbe;

beforeAll(async () => {
  probe = await startSubscriptionProbe();
});

afterAll(async () => {
  await probe?.stop();
});

const LIMIT = 3;

/** Subscribe requests for every spelling; the statuses, and every mail that reached any of them. */
async function flood(spellings: string[]): Promise<{ statuses: number[]; delivered: number }> {
  const statuses: number[] = [];
  for (const spelling of spellings) statuses.push((await probe.subscribe(spelling)).status);
  const inboxes = new Set(spellings.map((s) => s.trim().toLowerCase()));
  const delivered = [...inboxes].reduce((sum, inbox) => sum + probe.mailsTo(inbox).length, 0);
  return { statuses, delivered };
}

describe('per-recipient limit counts a mailbox (issue 16 group 5)', () => {
  it.each<[string, string[]]>([
    [
      'plus-addressing: victim+1@ … victim+6@ is one inbox',
      ['v1+1@example.org', 'v1+2@example.org', 'v1+3@example.org', 'v1+4@example.org', 'v1+5@example.org', 'v1+6@example.org'],
    ],
    [
      'case: upper, lower and mixed case of one address',
      ['V2@example.org', 'v2@EXAMPLE.ORG', 'v2@example.org', 'V2@Example.Org', 'v2@exAmple.org'],
    ],
    ['case and tags together', ['V3+news@Example.org', 'v3+NEWS@example.org', 'v3+a@EXAMPLE.org', 'v3@example.org', 'V3+@example.org']],
    [
      'Gmail ignores dots and answers googlemail.com too',
      ['victim4@gmail.com', 'v.ictim4@gmail.com', 'vi.c.tim4@gmail.com', 'victim4@googlemail.com', 'v.i.c.t.i.m.4+x@gmail.com'],
    ],
    ['the same address sent again and again', ['v5@example.org', 'v5@example.org', 'v5@example.org', 'v5@example.org', 'v5@example.org']],
    [
      'padding, a trailing dot and quoting are refused or counted as the one inbox',
      [
        'v6@example.org',
        ' v6@example.org',
        'v6@example.org ',
        'v6@example.org.',
        '"v6"@example.org',
        'v6+1@example.org',
        'V6@example.org',
        'v6+2@EXAMPLE.org',
      ],
    ],
  ])('%s', async (_name, spellings) => {
    const { statuses, delivered } = await flood(spellings);
    expect(statuses.every((s) => s === 202 || s === 422)).toBe(true);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(LIMIT);
    expect(delivered).toBeLessThanOrEqual(LIMIT);
  });

  it.each<[string, string[]]>([
    ['different people at one domain are counted apart', ['w1@example.org', 'w2@example.org', 'w3@example.org', 'w4@example.org']],
    ['a dot outside Gmail is another mailbox', ['w.5@example.org', 'w5@example.org']],
  ])('%s', async (_name, addresses) => {
    await flood(addresses);
    for (const address of addresses) expect(probe.mailsTo(address), address).toHaveLength(1);
  });

  it('keeps the address as given: mail goes to victim+news@, not to the mailbox the limit counts', async () => {
    await probe.subscribeAndConfirm('Reader+News@example.org');
    const subscriber = await probe.runtime.deps.subscriptions.getSubscriber(probe.subscriberIdOf('reader+news@example.org'));
    expect(subscriber?.channels).toEqual([{ kind: 'email', channelId: 'email', address: 'reader+news@example.org' }]);
    expect(probe.mailsTo('reader+news@example.org').length).toBeGreaterThan(0);
    expect(probe.mailsTo('reader@example.org')).toHaveLength(0);
  });
});
