import { describe, expect, it } from 'vitest';
import { parseMemberRow } from '../../../shared/store/dynamodb/member-row.ts';
import { parseRow } from '../../../shared/store/dynamodb/rows.ts';
import { storyMemberSchema } from '../../../shared/messages/schemas.ts';

const context = { table: 'stories', operation: 'readStory', key: 'storyKey=story#a m:feed1#x' };

const member = {
  itemKey: 'feed1#x',
  feedId: 'feed1',
  source: 'Feed 1',
  title: 'Security Council meets on ceasefire',
  link: 'https://example.org/1',
  published: '2030-01-01T10:00:00Z',
  addedAt: '2030-01-01T10:05:00.000Z',
};

describe('reading a story member', () => {
  it('returns what zod returns, on the first read and the next ones', () => {
    // Act
    const reads = [parseMemberRow({ ...member, extra: 1 }, context), parseMemberRow({ ...member, extra: 2 }, context)];

    // Assess
    const byZod = parseRow(storyMemberSchema, { ...member, extra: 1 }, context);
    expect(reads).toEqual([byZod, byZod]);
    expect(reads[0]).not.toBe(reads[1]);
  });

  it('validates a member again when any field differs from the one read before', () => {
    // Prepare
    parseMemberRow(member, context);

    // Act
    const changed = () => parseMemberRow({ ...member, link: 'not a url' }, context);

    // Assess
    expect(changed).toThrow(/readStory on table stories failed: stored row is invalid: .*link/);
  });
});
