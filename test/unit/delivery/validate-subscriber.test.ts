import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../shared/config/config-file.ts';
import { SubscriberInvalidError, validateSubscriber } from '../../../shared/subscriptions/index.ts';
import { subscriber, webhookSecret } from './fixtures.ts';

const known = ['un-meeting', 'talks', 'sanctions'];

function problemsOf(input: Parameters<typeof validateSubscriber>[0]): string[] {
  try {
    validateSubscriber(input, { knownTopicIds: known });
    return [];
  } catch (error) {
    if (error instanceof SubscriberInvalidError) return error.problems;
    throw error;
  }
}

describe('validateSubscriber', () => {
  it('accepts a complete subscriber and returns it parsed', () => {
    const input = subscriber({
      webhookSecret: webhookSecret(1),
      previousWebhookSecret: webhookSecret(2),
      filter: 'sanctions AND (Iran OR Tehran) NOT title:oil',
      channels: [
        { kind: 'webhook', channelId: 'hook', url: 'https://hooks.example.org/x', format: 'json' },
        { kind: 'email', channelId: 'mail', address: 'a@example.org' },
      ],
      cadence: { mail: 'weekly' },
      timeZone: 'Asia/Kolkata',
    });

    expect(validateSubscriber(input, { knownTopicIds: known })).toMatchObject({ subscriberId: 'sub-1', cadence: { mail: 'weekly' } });
  });

  it('names every problem at once: topic, filter, secret, cadence', () => {
    const problems = problemsOf(
      subscriber({
        topics: ['un-meeting', 'football'],
        filter: 'sanctions AND (',
        webhookSecret: 'whsec_short',
        cadence: { 'hook-1': 'daily', nope: 'hourly' },
      }),
    );

    expect(problems).toEqual([
      expect.stringContaining('unknown topic "football"'),
      expect.stringContaining('filter query invalid'),
      expect.stringContaining('digests (daily) are sent by email only'),
      expect.stringContaining('cadence names channel "nope"'),
      expect.stringContaining('webhookSecret: webhook secret is invalid'),
    ]);
  });

  it('requires a secret for JSON webhooks but not for Slack', () => {
    expect(problemsOf(subscriber())).toEqual(['a webhookSecret is needed to sign JSON webhooks']);
    expect(
      problemsOf(subscriber({ channels: [{ kind: 'webhook', channelId: 's', url: 'https://hooks.slack.com/x', format: 'slack' }] })),
    ).toEqual([]);
  });

  it('refuses an unknown time zone and repeated channel ids', () => {
    expect(problemsOf(subscriber({ timeZone: 'Mars/Olympus', webhookSecret: webhookSecret(1) })).join()).toContain('IANA time zone');
    const twice = subscriber({
      webhookSecret: webhookSecret(1),
      channels: [
        { kind: 'email', channelId: 'x', address: 'a@example.org' },
        { kind: 'email', channelId: 'x', address: 'b@example.org' },
      ],
    });
    expect(problemsOf(twice)).toEqual(['channel id "x" is used twice']);
  });
});

describe('subscribers in the config file', () => {
  it('carry filter, cadence, delivery hour and time zone into the stored form', () => {
    const config = parseConfigText(
      'subscribers:\n  - id: desk\n    email: desk@example.org\n    topics: [talks]\n    filter: "Russia AND NOT title:football"\n    cadence: daily\n    deliveryHour: 7\n    timeZone: Europe/Kyiv\n',
      'test.yaml',
    );

    expect(config.subscribers[0]).toMatchObject({
      filter: 'Russia AND NOT title:football',
      cadence: 'daily',
      deliveryHour: 7,
      timeZone: 'Europe/Kyiv',
    });
  });

  it('refuse a filter that does not compile, naming the line', () => {
    expect(() =>
      parseConfigText('subscribers:\n  - id: desk\n    email: desk@example.org\n    topics: [talks]\n    filter: "a AND ("\n', 'test.yaml'),
    ).toThrow(/subscribers\.0\.filter: filter query invalid.*\(test\.yaml:5\)/);
  });

  it('refuse a digest without an email', () => {
    expect(() =>
      parseConfigText(
        'subscribers:\n  - id: desk\n    topics: [talks]\n    cadence: weekly\n    webhooks: [{ url: "https://hooks.slack.com/x", format: slack }]\n',
        'test.yaml',
      ),
    ).toThrow(/cadence: digests .* are sent by email/);
  });
});
