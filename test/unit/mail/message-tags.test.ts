import { describe, expect, it } from 'vitest';
import { channelFromTags, channelTags, decodeTagValue, encodeTagValue } from '../../../shared/mail/message-tags.ts';

/** SES's rule for a tag value. */
const SES_TAG_VALUE = /^[A-Za-z0-9_-]{1,256}$/;

describe('message tags naming a subscriber channel', () => {
  it.each(['sub-1', 'mail', 'e-9f86d081884c7d659a2feaa0c55ad015', 'Team_Alpha'])('carries the id %s as it is, readable', (id) => {
    const value = encodeTagValue(id)!;
    expect(value).toBe(`i-${id}`);
    expect(value).toMatch(SES_TAG_VALUE);
    expect(decodeTagValue(value)).toBe(id);
  });

  it.each(['alerts@newsdesk.eu', 'équipe kyiv', 'a.b/c', 'i-looks-encoded?', '日本'])(
    'carries the id %s in base64url, within SES’s characters',
    (id) => {
      const value = encodeTagValue(id)!;
      expect(value.startsWith('b-')).toBe(true);
      expect(value).toMatch(SES_TAG_VALUE);
      expect(decodeTagValue(value)).toBe(id);
    },
  );

  it('leaves out an id too long for a tag, and both tags with it', () => {
    const long = 'é'.repeat(128);
    expect(encodeTagValue(long)).toBeUndefined();
    expect(channelTags({ subscriberId: long, channelId: 'mail' })).toEqual([]);
  });

  it('refuses values it did not write', () => {
    for (const value of ['', 'i-', 'x-sub-1', 'b-', 'b-***', 'i-a.b', 'b-YQ=']) expect(decodeTagValue(value), value).toBeUndefined();
  });

  it('reads the channel back from SES mail.tags, next to SES’s own tags', () => {
    const tags = Object.fromEntries(channelTags({ subscriberId: 'sub-1', channelId: 'mail' }).map((t) => [t.name, [t.value]]));
    const mailTags = { ...tags, 'ses:configuration-set': ['NewsAlertsSet'], 'ses:from-domain': ['newsdesk.eu'] };
    expect(channelFromTags(mailTags)).toEqual({ subscriberId: 'sub-1', channelId: 'mail' });
  });

  it('finds no channel when a tag is missing or not ours', () => {
    expect(channelFromTags(undefined)).toBeUndefined();
    expect(channelFromTags({ subscriber: ['i-sub-1'] })).toBeUndefined();
    expect(channelFromTags({ subscriber: ['i-sub-1'], channel: ['mail'] })).toBeUndefined();
  });
});
