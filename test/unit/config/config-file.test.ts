import { describe, expect, it } from 'vitest';
import { defaultConfigPath } from '../../../cli/prepare-config.ts';
import { channelsOf, loadConfigFile, parseConfigText } from '../../../shared/config/config-file.ts';
import { ConfigError } from '../../../shared/core/errors.ts';

const secret = `whsec_${Buffer.from('a test secret of enough length').toString('base64')}`;

describe('parseConfigText', () => {
  it('reads feeds, subscribers and delivery with defaults', () => {
    const config = parseConfigText(
      [
        'feeds:',
        '  - id: un-news',
        '    url: https://news.un.org/feed/subscribe/en/news/all/rss.xml',
        'subscribers:',
        '  - id: alice',
        '    email: alice@example.org',
        '    topics: [sanctions]',
      ].join('\n'),
      'test.yaml',
    );
    expect(config.feeds[0]).toMatchObject({ id: 'un-news', intervalMinutes: 10 });
    expect(config.subscribers[0]).toMatchObject({ id: 'alice', minScore: 0, paused: false, webhooks: [] });
    expect(config.delivery.mailFrom).toBe('news-alerts@localhost');
  });

  it('accepts JSON as well as YAML', () => {
    const config = parseConfigText('{"feeds": [{"id": "a", "url": "http://example.org/rss"}]}', 'test.json');
    expect(config.feeds).toHaveLength(1);
  });

  it('names the field and the line of a feed URL that is not http(s)', () => {
    const text = ['feeds:', '  - id: good', '    url: https://example.org/rss', '  - id: bad', '    url: ftp://example.org/rss'].join('\n');
    const act = () => parseConfigText(text, 'my.yaml');
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/feeds\.1\.url: must be an http\(s\) URL \(my\.yaml:5\)/);
  });

  it('rejects unknown fields, naming them', () => {
    expect(() => parseConfigText('feeds: []\nfeedz: []\n', 'x.yaml')).toThrow(/feedz/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(() => parseConfigText('feeds:\n  - id: a\n    url: [unclosed\n', 'broken.yaml')).toThrow(
      /not valid YAML\/JSON.*broken\.yaml:\d+/,
    );
  });

  it('requires a signing secret for JSON webhooks but not for Slack ones', () => {
    const base = ['subscribers:', '  - id: team', '    topics: [talks]', '    webhooks:'];
    expect(() => parseConfigText([...base, '      - url: https://hooks.example.org/x'].join('\n'), 'a.yaml')).toThrow(
      /subscribers\.0\.webhookSecret: needs a webhookSecret/,
    );
    const slack = parseConfigText(
      [...base, '      - url: https://hooks.slack.com/services/x', '        format: slack'].join('\n'),
      'a.yaml',
    );
    expect(slack.subscribers[0]?.webhooks[0]?.format).toBe('slack');
  });

  it('refuses a subscriber with no channel and duplicate ids', () => {
    expect(() => parseConfigText('subscribers:\n  - id: a\n    topics: [talks]\n', 'a.yaml')).toThrow(
      /needs an email or at least one webhook/,
    );
    const dupes = 'feeds:\n  - {id: a, url: "https://x.org/1"}\n  - {id: a, url: "https://x.org/2"}\n';
    expect(() => parseConfigText(dupes, 'a.yaml')).toThrow(/feed id "a" is used twice/);
  });
});

describe('channelsOf', () => {
  it('gives each channel an id that does not change when another channel is added', () => {
    const one = channelsOf(
      parseConfigText(
        `subscribers:\n  - id: a\n    topics: [talks]\n    webhookSecret: ${secret}\n    webhooks: [{url: "https://h.example.org/1"}]\n`,
        'a',
      ).subscribers[0]!,
    );
    const two = channelsOf(
      parseConfigText(
        `subscribers:\n  - id: a\n    email: a@example.org\n    topics: [talks]\n    webhookSecret: ${secret}\n    webhooks: [{url: "https://h.example.org/1"}]\n`,
        'a',
      ).subscribers[0]!,
    );
    expect(two.find((c) => c.kind === 'webhook')?.channelId).toBe(one[0]?.channelId);
    expect(two.map((c) => c.kind)).toEqual(['email', 'webhook']);
  });
});

describe('loadConfigFile', () => {
  it('loads the shipped default config', async () => {
    const config = await loadConfigFile(defaultConfigPath);
    expect(config.feeds.length).toBeGreaterThanOrEqual(8);
    expect(config.feeds.every((f) => f.url.startsWith('https://'))).toBe(true);
  });

  it('says when the file does not exist', async () => {
    await expect(loadConfigFile('/nonexistent/news-alerts.yaml')).rejects.toThrow(/cannot be read: no such file/);
  });
});
