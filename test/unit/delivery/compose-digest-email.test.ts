import { describe, expect, it } from 'vitest';
import { describeDeadLetter } from '../../../shared/dead-letters/describe-dead-letter.ts';
import { composeDigestEmail, groupDigestStories } from '../../../shared/digest/compose-digest-email.ts';
import type { DigestMessage, DigestStory } from '../../../shared/digest/digest-message.ts';
import { createKeyRing } from '../../../shared/subscriptions/tokens/key-ring.ts';
import { verifyUnsubscribeToken } from '../../../shared/subscriptions/tokens/index.ts';
import { deliveryMessage, HOSTILE_TITLE } from './fixtures.ts';

const channel = { kind: 'email' as const, channelId: 'mail', address: 'reader@example.org' };
const options = {
  from: 'News Alerts <alerts@example.org>',
  publicBaseUrl: 'https://alerts.example.org',
  tokenKeys: createKeyRing({ current: 'digest-test-secret-0123456789abcdef' }),
};

function story(n: number, topic: 'talks' | 'sanctions', published: string, extra: Partial<DigestStory> = {}): DigestStory {
  const base = deliveryMessage();
  return {
    storyId: `story-${n}`,
    addedAt: published,
    item: {
      ...base.item,
      itemKey: `f#${n}`,
      title: `Story ${n} title`,
      summary: `Summary ${n}`,
      published,
      link: `https://news.example.org/${n}`,
    },
    topics: [{ topic, label: topic === 'talks' ? 'Talks' : 'Sanctions', score: 0.8, matched: [] }],
    ...extra,
  };
}

function digest(stories: DigestStory[], moreCount = 0): DigestMessage {
  return {
    version: 1,
    kind: 'digest',
    deliveryKey: 'reader#digest:2025-02-25T07:00:00.000Z#mail',
    subscriberId: 'reader',
    channel,
    cadence: 'daily',
    dueAt: '2025-02-25T07:00:00.000Z',
    timeZone: 'Europe/Berlin',
    stories,
    moreCount,
  };
}

describe('groupDigestStories', () => {
  it('groups by best topic, newest first, larger groups first, each story once', () => {
    const twoTopics = story(4, 'talks', '2025-02-24T09:00:00Z', {
      topics: [
        { topic: 'talks', label: 'Talks', score: 0.5, matched: [] },
        { topic: 'sanctions', label: 'Sanctions', score: 0.9, matched: [] },
      ],
    });
    const groups = groupDigestStories([
      story(1, 'talks', '2025-02-24T08:00:00Z'),
      story(2, 'sanctions', '2025-02-24T07:00:00Z'),
      story(3, 'sanctions', '2025-02-24T10:00:00Z'),
      twoTopics,
    ]);

    expect(groups.map((g) => [g.label, g.stories.map((s) => s.storyId)])).toEqual([
      ['Sanctions', ['story-3', 'story-4', 'story-2']],
      ['Talks', ['story-1']],
    ]);
  });
});

describe('composeDigestEmail', () => {
  it('lists every story once with its other outlets, says how many more, and escapes item text', () => {
    const hostile = story(1, 'talks', '2025-02-24T08:00:00Z', {
      storyMembers: [
        { itemKey: 'f#1', feedId: 'f', source: 'UN News', title: 't', link: null, published: null, addedAt: '2025-02-24T08:00:00Z' },
        {
          itemKey: 'g#1',
          feedId: 'g',
          source: 'Agency <b>&</b>',
          title: 't',
          link: 'https://agency.example/1',
          published: null,
          addedAt: '2025-02-24T08:01:00Z',
        },
      ],
    });
    hostile.item.title = HOSTILE_TITLE;

    const email = composeDigestEmail(digest([hostile, story(2, 'sanctions', '2025-02-24T09:00:00Z')], 7), options);

    expect(email.subject).toBe('[news-alerts] Daily digest: 9 stories (Sanctions, Talks)');
    expect(email.text).toContain('Also reported by Agency <b>&</b>');
    expect(email.text).toContain('… and 7 more stories in this period.');
    expect(email.html).toContain(
      'Also reported by <a href="https://agency.example/1" style="color:#52525b">Agency &lt;b&gt;&amp;&lt;/b&gt;</a>',
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('and 7 more stories');
    expect(email.html).toContain('Daily digest · Tuesday, 25 February 2025');
  });

  it('escapes topic labels, matched words, summaries and links of hostile items', () => {
    const hostile = story(1, 'talks', '2025-02-24T08:00:00Z', {
      topics: [
        {
          topic: 'talks',
          label: 'Talks <b>&</b>',
          score: 0.8,
          matched: [{ phrase: 'x', text: '<i>peace</i>', field: 'title', position: 0, rule: 'body' }],
        },
      ],
    });
    hostile.item = {
      ...hostile.item,
      summary: '<img src=x onerror=alert(1)> "quoted" & more',
      link: 'https://news.example.org/1?a=1&b=<2>',
      source: '<b>Outlet</b>',
    };

    const email = composeDigestEmail(digest([hostile]), options);

    for (const markup of ['<b>', '<i>', '<img', '<2>']) expect(email.html).not.toContain(markup);
    expect(email.html).toContain('Talks &lt;b&gt;&amp;&lt;/b&gt; (1)</h2>');
    expect(email.html).toContain('Why: Talks &lt;b&gt;&amp;&lt;/b&gt; 0.80 (&lt;i&gt;peace&lt;/i&gt;)');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; more');
    expect(email.html).toContain('href="https://news.example.org/1?a=1&amp;b=%3C2%3E"');
    expect(email.html).toContain('&lt;b&gt;Outlet&lt;/b&gt; &middot; 2025-02-24 08:00 UTC');
  });

  it('carries RFC 8058 headers for its channel and a Message-ID stable per window', () => {
    const email = composeDigestEmail(digest([story(1, 'talks', '2025-02-24T08:00:00Z')]), options);
    const again = composeDigestEmail(digest([story(1, 'talks', '2025-02-24T08:00:00Z')]), options);

    expect(email.headers['List-Unsubscribe']).toMatch(/^<https:\/\/alerts\.example\.org\/unsubscribe\?token=[\w-]{8}\.[\w-]+\.[\w-]{43}>$/);
    const token = /token=([\w.-]+)>/.exec(email.headers['List-Unsubscribe']!)![1]!;
    expect(verifyUnsubscribeToken(token, options.tokenKeys)).toEqual({ subscriberId: expect.any(String), channelId: 'mail' });
    expect(email.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(email.messageId).toBe(again.messageId);
    expect(email.messageId).toMatch(/^<msg_[\w-]+@example\.org>$/);
  });
});

describe('describeDeadLetter', () => {
  const letter = (body: string) => ({ messageId: 'm-1', body, receiveCount: 8, sentAt: new Date('2025-02-24T10:00:00Z') });

  it('says a message that is not JSON, or fails its schema, cannot be helped by a redrive', async () => {
    const notJson = await describeDeadLetter('webhook', letter('{oops'), {});
    const invalid = await describeDeadLetter('webhook', letter('{"not":"a delivery"}'), {});

    expect(notJson.why).toContain('not JSON');
    expect(invalid.what).toContain('invalid webhook message');
    expect(invalid.why).toMatch(/fails its schema: .*deliveryKey/);
  });

  it('names the delivery a valid message was for', async () => {
    const message = deliveryMessage();
    const described = await describeDeadLetter('webhook', letter(JSON.stringify(message)), {});

    expect(described).toMatchObject({
      queue: 'webhook',
      receiveCount: 8,
      what: expect.stringContaining('delivery to sub-1 → webhook hook-1, story story-1'),
    });
  });
});
