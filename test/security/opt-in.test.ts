import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyRing } from '../../shared/subscriptions/tokens/key-ring.ts';
import { createConfirmToken, createCsrfToken, createManageToken, createUnsubscribeToken } from '../../shared/subscriptions/tokens/index.ts';
import { linkIn, type SubscriptionProbe, startSubscriptionProbe } from './subscription-harness.ts';

/**
 * Issue 16, group 1: double opt-in. A confirmation link confirms exactly the request it was
 * issued for, once; a newer request or an unsubscribe kills it; no one but the mailbox's owner
 * activates preferences for an address. Every row is one attack, asserting the safe outcome.
 */

let probe: SubscriptionProbe;
let n = 0;
/** A fresh address per attack, so rows never share a mailbox or its limit. */
const address = (label: string) => `${label}-${++n}@example.org`;

async function stateOf(addr: string) {
  return probe.runtime.deps.subscriptions.getSubscriber(probe.subscriberIdOf(addr));
}

async function lastConfirmLink(addr: string): Promise<string> {
  const mails = probe.mailsTo(addr).filter((m) => m.subject === 'Confirm your news alerts subscription');
  return linkIn(mails.at(-1), '/confirm');
}

/** A confirmation link for `addr` with another token in it. */
function withToken(token: string): string {
  return `${probe.url}/confirm?token=${encodeURIComponent(token)}`;
}

beforeAll(async () => {
  probe = await startSubscriptionProbe();
});

afterAll(async () => {
  await probe?.stop();
});

describe('double opt-in (issue 16 group 1)', () => {
  it.each<[string, () => Promise<void>]>([
    [
      "Bob's old confirmation link after he confirmed and unsubscribed does not activate an attacker's new request",
      async () => {
        const bob = address('bob');
        await probe.subscribe(bob, { topics: ['talks'] });
        const bobsLink = await lastConfirmLink(bob);
        expect((await probe.confirm(bobsLink)).status).toBe(200);
        const manage = await freshManageToken(bob);
        const unsubscribe = await probe.postForm(`/manage?token=${encodeURIComponent(manage)}`, '/manage', [
          ['token', manage],
          ['action', 'unsubscribe'],
        ]);
        expect(unsubscribe.status).toBe(200);
        expect(await stateOf(bob)).toMatchObject({ state: 'unsubscribed' });
        // The attacker asks for Bob's address with their own preferences.
        expect((await probe.subscribe(bob, { topics: ['sanctions'], filter: 'attacker', cadence: 'weekly' })).status).toBe(202);

        const replay = await probe.confirm(bobsLink);
        expect(replay.status).toBe(410);
        expect(await replay.text()).not.toContain('/manage?token=');
        const after = await stateOf(bob);
        expect(after?.state).toBe('unsubscribed');
        expect(after?.topics).toEqual(['talks']);
      },
    ],
    [
      'a second request for a still-pending address replaces the first: the old link dies, the new one confirms the new preferences',
      async () => {
        const carol = address('carol');
        await probe.subscribe(carol, { topics: ['talks'] });
        const first = await lastConfirmLink(carol);
        await probe.subscribe(carol, { topics: ['un-meeting'] });
        const second = await lastConfirmLink(carol);
        expect(second).not.toBe(first);

        expect((await probe.confirm(first)).status).toBe(410);
        expect(await stateOf(carol)).toBeUndefined();
        expect((await probe.confirm(second)).status).toBe(200);
        expect(await stateOf(carol)).toMatchObject({ state: 'active', topics: ['un-meeting'] });
      },
    ],
    [
      "the victim's link for a pending request cannot activate preferences an attacker submitted after it",
      async () => {
        const dave = address('dave');
        await probe.subscribe(dave, { topics: ['talks'] });
        const davesLink = await lastConfirmLink(dave);
        await probe.subscribe(dave, { topics: ['sanctions'], filter: 'attacker' });
        expect((await probe.confirm(davesLink)).status).toBe(410);
        expect(await stateOf(dave)).toBeUndefined();
      },
    ],
    [
      'a request for an address already subscribed changes nothing and sends no confirmation link',
      async () => {
        const erin = address('erin');
        await probe.subscribeAndConfirm(erin, { topics: ['talks'] });
        const before = probe.mailsTo(erin).length;
        expect((await probe.subscribe(erin, { topics: ['sanctions'], filter: 'attacker' })).status).toBe(202);
        const added = probe.mailsTo(erin).slice(before);
        expect(added.map((m) => m.subject)).toEqual(['Your news alerts subscription']);
        expect(added[0]!.links.some((l) => new URL(l).pathname === '/confirm')).toBe(false);
        expect(await stateOf(erin)).toMatchObject({ state: 'active', topics: ['talks'] });
      },
    ],
    [
      'a used confirmation link is dead: posting it again answers 410 and hands out no manage link',
      async () => {
        const frank = address('frank');
        await probe.subscribe(frank);
        const link = await lastConfirmLink(frank);
        expect((await probe.confirm(link)).status).toBe(200);
        const again = await probe.confirm(link);
        expect(again.status).toBe(410);
        expect(await again.text()).not.toContain('/manage?token=');
        expect((await probe.get(link)).status).toBe(410);
      },
    ],
    [
      'the same link posted twice at once confirms once',
      async () => {
        const grace = address('grace');
        await probe.subscribe(grace);
        const link = await lastConfirmLink(grace);
        const statuses = (await Promise.all([probe.confirm(link), probe.confirm(link), probe.confirm(link)])).map((r) => r.status);
        expect(statuses.filter((s) => s === 200)).toHaveLength(1);
        expect(statuses.filter((s) => s === 410)).toHaveLength(2);
      },
    ],
    [
      'opening the link (a mail scanner) confirms nothing',
      async () => {
        const heidi = address('heidi');
        await probe.subscribe(heidi);
        const page = await probe.get(await lastConfirmLink(heidi));
        expect(page.status).toBe(200);
        expect(await stateOf(heidi)).toBeUndefined();
      },
    ],
    [
      'an old manage link stops working once its subscriber unsubscribes',
      async () => {
        const ivan = address('ivan');
        const token = await probe.subscribeAndConfirm(ivan);
        expect((await probe.get('/api/subscription', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        await probe.postForm(`/manage?token=${encodeURIComponent(token)}`, '/manage', [
          ['token', token],
          ['action', 'unsubscribe'],
        ]);
        expect((await probe.get('/api/subscription', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
        expect((await probe.get(`/manage?token=${encodeURIComponent(token)}`)).status).toBe(403);
      },
    ],
    [
      'a confirmation token without a request nonce (the old format) is refused',
      async () => {
        const judy = address('judy');
        await probe.subscribe(judy);
        const legacy = createConfirmToken(probe.subscriberIdOf(judy), probe.keys(), new Date(Date.now() + 3_600_000));
        expect((await probe.confirm(withToken(legacy))).status).toBe(400);
        expect(await stateOf(judy)).toBeUndefined();
      },
    ],
    [
      "a confirmation token with a guessed nonce for someone else's pending request is refused",
      async () => {
        // Even with the signing key (which no attacker has), the nonce must be the request's own.
        const kim = address('kim');
        await probe.subscribe(kim);
        const guessed = createConfirmToken(probe.subscriberIdOf(kim), probe.keys(), new Date(Date.now() + 3_600_000), 'guessed-nonce');
        expect((await probe.confirm(withToken(guessed))).status).toBe(410);
        expect(await stateOf(kim)).toBeUndefined();
      },
    ],
    [
      'a forged confirmation token (signed with another key) is refused',
      async () => {
        const leo = address('leo');
        await probe.subscribe(leo);
        const other = createKeyRing({ current: 'an-attacker-key-of-at-least-32-characters' });
        const forged = createConfirmToken(probe.subscriberIdOf(leo), other, new Date(Date.now() + 3_600_000), 'x');
        expect((await probe.confirm(withToken(forged))).status).toBe(400);
        expect(await stateOf(leo)).toBeUndefined();
      },
    ],
    [
      "a tampered token (another subscriber's id under the original mac) is refused",
      async () => {
        const mia = address('mia');
        await probe.subscribe(mia);
        const token = new URL(await lastConfirmLink(mia)).searchParams.get('token')!;
        const [keyId, body, mac] = token.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
        const swapped = Buffer.from(JSON.stringify({ ...claims, s: probe.subscriberIdOf('victim@example.org') })).toString('base64url');
        expect((await probe.confirm(withToken(`${keyId}.${swapped}.${mac}`))).status).toBe(400);
      },
    ],
    [
      'a truncated confirmation link is refused',
      async () => {
        const nina = address('nina');
        await probe.subscribe(nina);
        const token = new URL(await lastConfirmLink(nina)).searchParams.get('token')!;
        for (const cut of [token.slice(0, -1), token.slice(0, -10), token.split('.').slice(0, 2).join('.'), '']) {
          expect((await probe.confirm(withToken(cut))).status, cut).toBe(400);
        }
        expect(await stateOf(nina)).toBeUndefined();
      },
    ],
    [
      'an expired confirmation link is refused',
      async () => {
        const expired = createConfirmToken(probe.subscriberIdOf(address('otto')), probe.keys(), new Date(Date.now() - 1000), 'n');
        const response = await probe.get(withToken(expired));
        expect(response.status).toBe(410);
        expect(await response.text()).toContain('This link has expired');
      },
    ],
    [
      'manage, unsubscribe and CSRF tokens do not work as confirmation tokens',
      async () => {
        const id = probe.subscriberIdOf(address('pia'));
        for (const token of [
          createManageToken(id, probe.keys(), { version: 'v' }),
          createUnsubscribeToken({ subscriberId: id, channelId: 'email' }, probe.keys()),
          createCsrfToken('cookie', probe.keys()),
        ]) {
          expect((await probe.confirm(withToken(token))).status).toBe(400);
        }
      },
    ],
    [
      'a confirmation posted without the CSRF cookie and field (a cross-site form) is refused',
      async () => {
        const quinn = address('quinn');
        await probe.subscribe(quinn);
        const token = new URL(await lastConfirmLink(quinn)).searchParams.get('token')!;
        const response = await fetch(`${probe.url}/confirm`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
          body: new URLSearchParams({ token }).toString(),
        });
        expect(response.status).toBe(403);
        expect(await stateOf(quinn)).toBeUndefined();
      },
    ],
    [
      'the answer to a subscribe request is the same for a new, a pending and a subscribed address',
      async () => {
        const pending = address('rita');
        await probe.subscribe(pending);
        const active = address('sam');
        await probe.subscribeAndConfirm(active);
        const bodies = await Promise.all(
          [address('tom'), pending, active].map(async (a) => {
            const response = await probe.subscribe(a);
            const { confirmBy: _confirmBy, ...body } = (await response.json()) as Record<string, unknown>;
            return { status: response.status, body };
          }),
        );
        expect(bodies[1]).toEqual(bodies[0]);
        expect(bodies[2]).toEqual(bodies[0]);
      },
    ],
  ])('%s', async (_name, attack) => {
    await attack();
  });
});

/** Asks for a fresh manage link the way a subscriber does (subscribing again) and returns its token. */
async function freshManageToken(addr: string): Promise<string> {
  const before = probe.mailsTo(addr).length;
  await probe.subscribe(addr);
  const notice = probe
    .mailsTo(addr)
    .slice(before)
    .find((m) => m.subject === 'Your news alerts subscription');
  return new URL(linkIn(notice, '/manage')).searchParams.get('token')!;
}
