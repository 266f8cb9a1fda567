import { describe, expect, it } from 'vitest';
import { describeDeadLetter } from '../../../shared/dead-letters/describe-dead-letter.ts';
import type { ItemsMessage, NewsItem } from '../../../shared/messages/schemas.ts';

const item = (n: number, title: string): NewsItem => ({
  itemKey: `wire#${n}`,
  feedId: 'wire',
  source: 'Global Wire',
  guid: `g-${n}`,
  link: `https://example.org/${n}`,
  title,
  summary: '',
  published: null,
  author: null,
  categories: [],
});

const letter = (body: unknown) => ({
  messageId: 'm-1',
  body: JSON.stringify(body),
  receiveCount: 10,
  sentAt: new Date('2030-01-01T00:00:00Z'),
});

describe('describeDeadLetter of the items queue', () => {
  it("names the feed, how many items and the first one's title", async () => {
    const message: ItemsMessage = {
      version: 1,
      feedId: 'wire',
      items: [item(1, 'Security Council meets on Sudan'), item(2, 'Talks resume in Geneva')],
      fetchedAt: '2030-01-01T00:00:00.000Z',
      fetchedBy: 'poll',
    };

    const described = await describeDeadLetter('items', letter(message), {});

    expect(described).toEqual({
      queue: 'items',
      messageId: 'm-1',
      receiveCount: 10,
      sentAt: '2030-01-01T00:00:00.000Z',
      what: '2 new items of feed wire ("Security Council meets on Sudan"…)',
    });
  });

  it('says a message without items can never be handled', async () => {
    const described = await describeDeadLetter(
      'items',
      letter({ version: 1, feedId: 'wire', items: [], fetchedAt: '2030-01-01T00:00:00Z', fetchedBy: 'poll' }),
      {},
    );

    expect(described.what).toMatch(/^invalid items message/);
    expect(described.why).toMatch(/^fails its schema: items: .*; redriving it cannot help/);
  });
});
