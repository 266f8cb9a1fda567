import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion } from '../../infra/local/engines.ts';
import { createKeyRing } from '../../shared/subscriptions/tokens/key-ring.ts';
import {
  createConfirmToken,
  createCsrfToken,
  createManageLinkToken,
  createManageToken,
  createUnsubscribeToken,
} from '../../shared/subscriptions/tokens/index.ts';
import { sendJson, startReceiver } from '../integration/api/api-harness.ts';
import { deliveryMessage } from '../unit/delivery/fixtures.ts';
import { linkIn, type ProbeMail, type SubscriptionProbe, startSubscriptionProbe } from './subscription-harness.ts';

/**
 * Issue 16, group 9: manage links. An alert's footer (alerts get forwarded) carries only the
 * one-click unsubscribe and a link that asks for a fresh manage link by email; manage tokens
 * carry a version that a fresh link, an unsubscribe or a deletion revokes, and emailed ones
 * expire. Plus the token tampering a probe tries on the manage page and the API.
 */

let probe: SubscriptionProbe;
let sqs: SQSClient;
let n = 0;
const address = (label: string) => `${label}-${++n}@example.org`;

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const readWith = (token: string) => probe.get('/api/subscription', { headers: bearer(token) });

/** A real alert email to a confirmed subscriber: a delivery on the email queue, sent over SMTP. */
async function alertTo(addr: string): Promise<ProbeMail> {
  const before = probe.mailsTo(addr).length;
  const message = deliveryMessage({
    subscriberId: probe.subscriberIdOf(addr),
    storyId: `story-${++n}`,
    channel: { kind: 'email', channelId: 'email', address: addr },
  });
  await sqs.send(new SendMessageCommand({ QueueUrl: probe.runtime.env.QUEUE_EMAIL_URL, MessageBody: JSON.stringify(message) }));
  await probe.runtime.waitForIdle({ timeoutMs: 30_000 });
  const alert = probe
    .mailsTo(addr)
    .slice(before)
    .find((m) => m.subject.startsWith('[news-alerts]'));
  if (!alert) throw new Error(`no alert reached ${addr}`);
  return alert;
}

/** Presses the footer's "manage" button; the fresh manage token emailed, if one came. */
async function askForManageLink(footerLink: string, addr: string): Promise<{ status: number; token?: string }> {
  const before = probe.mailsTo(addr).length;
  const token = new URL(footerLink).searchParams.get('token') ?? '';
  const response = await probe.postForm(footerLink, '/manage/link', [['token', token]]);
  const mail = probe
    .mailsTo(addr)
    .slice(before)
    .find((m) => m.subject === 'Your link to manage news alerts');
  return { status: response.status, ...(mail ? { token: new URL(linkIn(mail, '/manage')).searchParams.get('token')! } : {}) };
}

async function currentVersion(addr: string): Promise<string> {
  const access = await probe.runtime.deps.subscriptions.getAccess(probe.subscriberIdOf(addr));
  return access!.tokenVersion!;
}

beforeAll(async () => {
  probe = await startSubscriptionProbe();
  sqs = new SQSClient({ endpoint: probe.runtime.endpoints.sqs, region: localRegion, credentials: localCredentials });
});

afterAll(async () => {
  sqs?.destroy();
  await probe?.stop();
});

describe('manage links (issue 16 group 9)', () => {
  it.each<[string, () => Promise<void>]>([
    [
      "a forwarded alert's links cannot read, change or delete the subscription",
      async () => {
        const ann = address('ann');
        await probe.subscribeAndConfirm(ann);
        const alert = await alertTo(ann);
        const paths = alert.links.filter((l) => l.startsWith(probe.url)).map((l) => new URL(l).pathname);
        expect(paths.sort()).toEqual(['/manage/link', '/unsubscribe']);
        for (const link of alert.links.filter((l) => l.startsWith(probe.url))) {
          const token = new URL(link).searchParams.get('token')!;
          expect((await readWith(token)).status, link).toBe(401);
          expect((await probe.get('/api/subscription', { method: 'DELETE', headers: bearer(token) })).status, link).toBe(401);
          expect((await sendJson(`${probe.url}/api/subscription`, 'PATCH', { topics: ['sanctions'] }, bearer(token))).status).toBe(401);
          expect((await probe.get(`/manage?token=${encodeURIComponent(token)}`)).status, link).toBe(403);
        }
        expect(await probe.runtime.deps.subscriptions.getSubscriber(probe.subscriberIdOf(ann))).toMatchObject({ state: 'active' });
      },
    ],
    [
      "the footer's manage link emails a fresh manage link to the subscriber, which opens the manage page",
      async () => {
        const bea = address('bea');
        await probe.subscribeAndConfirm(bea);
        const footer = linkIn(await alertTo(bea), '/manage/link');
        const asked = await askForManageLink(footer, bea);
        expect(asked.status).toBe(200);
        expect(asked.token).toBeDefined();
        const page = await probe.get(`/manage?token=${encodeURIComponent(asked.token!)}`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('Manage your subscription');
      },
    ],
    [
      "opening the footer's manage link (a mail scanner) sends nothing",
      async () => {
        const cai = address('cai');
        await probe.subscribeAndConfirm(cai);
        const footer = linkIn(await alertTo(cai), '/manage/link');
        const before = probe.mailsTo(cai).length;
        expect((await probe.get(footer)).status).toBe(200);
        expect(probe.mailsTo(cai)).toHaveLength(before);
      },
    ],
    [
      'a fresh manage link revokes the ones sent before it',
      async () => {
        const dan = address('dan');
        const first = await probe.subscribeAndConfirm(dan);
        const footer = linkIn(await alertTo(dan), '/manage/link');
        const { token: second } = await askForManageLink(footer, dan);
        expect((await readWith(first)).status).toBe(401);
        expect((await readWith(second!)).status).toBe(200);
      },
    ],
    [
      'an expired manage token is refused, even under the current version',
      async () => {
        const eva = address('eva');
        await probe.subscribeAndConfirm(eva);
        const expired = createManageToken(probe.subscriberIdOf(eva), probe.keys(), {
          version: await currentVersion(eva),
          expiresAt: new Date(Date.now() - 1000),
        });
        expect((await readWith(expired)).status).toBe(401);
        expect((await probe.get(`/manage?token=${encodeURIComponent(expired)}`)).status).toBe(403);
      },
    ],
    [
      'emailed manage links carry an expiry',
      async () => {
        const fay = address('fay');
        const token = await probe.subscribeAndConfirm(fay);
        const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { e?: number };
        expect(claims.e).toBeGreaterThan(Date.now() / 1000);
        expect(claims.e).toBeLessThanOrEqual(Date.now() / 1000 + 7 * 24 * 3600);
      },
    ],
    [
      'a one-click unsubscribe revokes every manage link',
      async () => {
        const gil = address('gil');
        const token = await probe.subscribeAndConfirm(gil);
        const unsubscribe = linkIn(await alertTo(gil), '/unsubscribe');
        const response = await probe.get(unsubscribe, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
        expect(response.status).toBe(200);
        expect((await readWith(token)).status).toBe(401);
      },
    ],
    [
      'after an unsubscribe the footer link sends no manage link, and says the same as before',
      async () => {
        const hal = address('hal');
        await probe.subscribeAndConfirm(hal);
        const footer = linkIn(await alertTo(hal), '/manage/link');
        const footerToken = new URL(footer).searchParams.get('token')!;
        const activeAnswer = await probe.postForm(footer, '/manage/link', [['token', footerToken]]);
        const fresh = new URL(linkIn(probe.mailsTo(hal).at(-1), '/manage')).searchParams.get('token')!;
        const unsubscribed = await probe.postForm(`/manage?token=${encodeURIComponent(fresh)}`, '/manage', [
          ['token', fresh],
          ['action', 'unsubscribe'],
        ]);
        expect(unsubscribed.status).toBe(200);
        const before = probe.mailsTo(hal).length;
        const afterAnswer = await probe.postForm(footer, '/manage/link', [['token', footerToken]]);
        expect(probe.mailsTo(hal)).toHaveLength(before);
        expect({ status: afterAnswer.status, body: await afterAnswer.text() }).toEqual({
          status: activeAnswer.status,
          body: await activeAnswer.text(),
        });
      },
    ],
    [
      'a deleted subscription keeps its old manage token dead after the address subscribes again',
      async () => {
        const ida = address('ida');
        const old = await probe.subscribeAndConfirm(ida);
        expect((await probe.get('/api/subscription', { method: 'DELETE', headers: bearer(old) })).status).toBe(204);
        expect((await readWith(old)).status).toBe(404);
        const renewed = await probe.subscribeAndConfirm(ida);
        expect((await readWith(old)).status).toBe(401);
        expect((await readWith(renewed)).status).toBe(200);
      },
    ],
    [
      'a manage token without a version (issued before versions) is refused for an email subscriber',
      async () => {
        const jon = address('jon');
        await probe.subscribeAndConfirm(jon);
        expect((await readWith(createManageToken(probe.subscriberIdOf(jon), probe.keys()))).status).toBe(401);
      },
    ],
    [
      "a token under another subscriber's version is refused",
      async () => {
        const kay = address('kay');
        const lee = address('lee');
        await probe.subscribeAndConfirm(kay);
        await probe.subscribeAndConfirm(lee);
        const mixed = createManageToken(probe.subscriberIdOf(kay), probe.keys(), {
          version: await currentVersion(lee),
          expiresAt: new Date(Date.now() + 3_600_000),
        });
        expect((await readWith(mixed)).status).toBe(401);
      },
    ],
    [
      'forged, tampered and truncated manage tokens are refused with one answer',
      async () => {
        const max = address('max');
        const token = await probe.subscribeAndConfirm(max);
        const [keyId, body, mac] = token.split('.') as [string, string, string];
        const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
        const swapped = Buffer.from(JSON.stringify({ ...claims, s: probe.subscriberIdOf('victim@example.org') })).toString('base64url');
        const later = Buffer.from(JSON.stringify({ ...claims, e: Number(claims.e) + 10 * 365 * 86400 })).toString('base64url');
        const other = createKeyRing({ current: 'an-attacker-key-of-at-least-32-characters' });
        const answers = new Set<string>();
        for (const bad of [
          createManageToken(probe.subscriberIdOf(max), other, { version: String(claims.v), expiresAt: new Date(Date.now() + 3_600_000) }),
          `${keyId}.${swapped}.${mac}`,
          `${keyId}.${later}.${mac}`,
          token.slice(0, -1),
          `${keyId}.${body}`,
          'x'.repeat(5000),
        ]) {
          const response = await readWith(bad);
          expect(response.status, bad.slice(0, 40)).toBe(401);
          answers.add(JSON.stringify((({ instance: _i, ...rest }) => rest)((await response.json()) as Record<string, unknown>)));
        }
        // A revoked token of a real subscriber gets the very same answer: nothing to tell them apart.
        await askForManageLink(linkIn(await alertTo(max), '/manage/link'), max);
        const revoked = await readWith(token);
        answers.add(JSON.stringify((({ instance: _i, ...rest }) => rest)((await revoked.json()) as Record<string, unknown>)));
        expect(answers.size).toBe(1);
      },
    ],
    [
      'confirm, unsubscribe, manage-link and CSRF tokens are not manage tokens',
      async () => {
        const id = probe.subscriberIdOf(address('ned'));
        for (const token of [
          createConfirmToken(id, probe.keys(), new Date(Date.now() + 3_600_000), 'n'),
          createUnsubscribeToken({ subscriberId: id, channelId: 'email' }, probe.keys()),
          createManageLinkToken(id, probe.keys()),
          createCsrfToken('cookie', probe.keys()),
        ]) {
          expect((await readWith(token)).status).toBe(401);
        }
      },
    ],
    [
      'a manage form posted cross-site (no CSRF cookie and field) changes nothing',
      async () => {
        const ola = address('ola');
        const token = await probe.subscribeAndConfirm(ola);
        for (const action of ['unsubscribe', 'pause']) {
          const response = await fetch(`${probe.url}/manage`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
            body: new URLSearchParams({ token, action }).toString(),
          });
          expect(response.status).toBe(403);
        }
        expect(await probe.runtime.deps.subscriptions.getSubscriber(probe.subscriberIdOf(ola))).toMatchObject({ state: 'active' });
      },
    ],
    [
      'the manage-link form posted cross-site sends nothing',
      async () => {
        const pat = address('pat');
        await probe.subscribeAndConfirm(pat);
        const before = probe.mailsTo(pat).length;
        const response = await fetch(`${probe.url}/manage/link`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
          body: new URLSearchParams({ token: createManageLinkToken(probe.subscriberIdOf(pat), probe.keys()) }).toString(),
        });
        expect(response.status).toBe(403);
        expect(probe.mailsTo(pat)).toHaveLength(before);
      },
    ],
    [
      'asking for manage links over and over sends at most 3 an hour to the mailbox',
      async () => {
        const quin = address('quin');
        await probe.subscribeAndConfirm(quin);
        const footer = `${probe.url}/manage/link?token=${encodeURIComponent(createManageLinkToken(probe.subscriberIdOf(quin), probe.keys()))}`;
        for (let i = 0; i < 5; i++) expect((await askForManageLink(footer, quin)).status).toBe(200);
        expect(probe.mailsTo(quin).length).toBeLessThanOrEqual(3);
      },
    ],
    [
      'a forged manage-link token is refused',
      async () => {
        const other = createKeyRing({ current: 'an-attacker-key-of-at-least-32-characters' });
        const forged = createManageLinkToken(probe.subscriberIdOf(address('rae')), other);
        const response = await probe.postForm(`/manage/link?token=${encodeURIComponent(forged)}`, '/manage/link', [['token', forged]]);
        expect(response.status).toBe(400);
      },
    ],
  ])('%s', async (_name, attack) => {
    await attack();
  });

  it("keeps a webhook's API token (which cannot be emailed afresh) working without expiry, until the subscription is deleted", async () => {
    const hook = await startReceiver((body, _request, response) => {
      const { challenge } = JSON.parse(body) as { challenge?: string };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ challenge }));
    });
    try {
      const api = await probe.serve((deps) => ({ ...deps, env: { ...deps.env, ALLOW_PRIVATE_NETWORK: true } }));
      const created = await sendJson(`${api}/api/subscriptions`, 'POST', {
        channel: { kind: 'webhook', url: `${hook.url}/news` },
        topics: ['talks'],
      });
      const { token } = (await created.json()) as { token: string };
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { e?: number; v?: string };
      expect(claims.e).toBeUndefined();
      expect(claims.v).toBeDefined();
      expect((await readWith(token)).status).toBe(200);
      expect((await probe.get('/api/subscription', { method: 'DELETE', headers: bearer(token) })).status).toBe(204);
      expect((await readWith(token)).status).toBe(404);
    } finally {
      await hook.close();
    }
  });
});
