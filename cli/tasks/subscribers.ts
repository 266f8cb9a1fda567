import { builtinTopics } from '../../shared/classify/index.ts';
import { subscriberConfigSchema, subscriberFromConfig } from '../../shared/config/config-file.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';
import { redactAddress } from '../../shared/core/redact-address.ts';
import type { SubscriptionStore } from '../../shared/store/ports.ts';
import type { Subscriber } from '../../shared/store/records.ts';
import { cadenceOf, channelStateOf, SubscriberInvalidError, validateSubscriber } from '../../shared/subscriptions/index.ts';
import { EXIT_FAILURE, EXIT_OK, UsageError, type CliIo } from '../io.ts';
import { refuseNonPublicUrls } from '../private-network.ts';
import { openPipelineTarget, type AwsTargetClients, type TargetChoice } from '../pipeline-target.ts';

/** What `subscribers add` takes: the config file's subscriber fields, as flags. */
export interface SubscriberFlags {
  id: string;
  name?: string | undefined;
  topics: string[];
  email?: string | undefined;
  webhooks: string[];
  slack: string[];
  secret?: string | undefined;
  previousSecret?: string | undefined;
  filter?: string | undefined;
  minScore?: string | undefined;
  cadence?: string | undefined;
  hour?: string | undefined;
  timeZone?: string | undefined;
  weeklyDay?: string | undefined;
  paused: boolean;
}

export type SubscribersOptions = TargetChoice & { json: boolean } & (
    | { action: 'add'; subscriber: SubscriberFlags }
    | { action: 'list'; topic?: string | undefined }
    | { action: 'remove'; id: string }
    | { action: 'resume'; id: string; channel?: string | undefined }
  );

/**
 * `news-alerts subscribers add|list|remove|resume`: subscribers of a deployed stack (`--stack`)
 * or of the one-process data folder (`--data-dir`, pipeline stopped). `add` validates like the
 * config file does (topics exist, the filter query compiles, secrets are well formed) and
 * replaces a subscriber of the same id, keeping its unsubscribed and paused channels; `resume`
 * puts paused channels back.
 */
export async function subscribersCommand(options: SubscribersOptions, io: CliIo, clients?: AwsTargetClients): Promise<number> {
  const prepared = options.action === 'add' ? parseSubscriberFlags(options.subscriber) : undefined;
  if (options.action === 'add') {
    const { webhooks, slack } = options.subscriber;
    await refuseNonPublicUrls(
      [...webhooks.map((url) => ({ url, where: '--webhook' })), ...slack.map((url) => ({ url, where: '--slack' }))],
      { resolve: true },
    );
  }
  const target = await openPipelineTarget(options, { queues: false, tables: ['subscriptions', 'topics'] }, clients);
  try {
    const store = target.stores.subscriptions;
    const out = (value: unknown, text: string) => io.stdout.write(`${options.json ? JSON.stringify(value) : text}\n`);
    switch (options.action) {
      case 'add': {
        const userTopics = (await target.stores.topics.listUserTopics()).map((topic) => String((topic as { id?: unknown }).id));
        let subscriber: Subscriber;
        try {
          subscriber = validateSubscriber(prepared!, { knownTopicIds: [...builtinTopics.map((t) => t.id), ...userTopics] });
        } catch (error) {
          if (error instanceof SubscriberInvalidError) throw new UsageError(error.message);
          throw error;
        }
        await store.putSubscriber(subscriber);
        const stored = (await store.getSubscriber(subscriber.subscriberId)) ?? subscriber;
        out(
          { target: target.description, subscriber: publicView(stored) },
          `saved subscriber ${stored.subscriberId} in ${target.description}\n${describe(stored).join('\n')}`,
        );
        return EXIT_OK;
      }
      case 'list': {
        const subscribers = options.topic === undefined ? await store.listSubscribers() : await subscribersOfTopic(store, options.topic);
        const text =
          subscribers.length === 0
            ? `no subscribers in ${target.description}`
            : [
                `${subscribers.length} subscriber${subscribers.length === 1 ? '' : 's'} in ${target.description}:`,
                ...subscribers.flatMap(describe),
              ].join('\n');
        out({ target: target.description, subscribers: subscribers.map(publicView) }, text);
        return EXIT_OK;
      }
      case 'remove': {
        const removed = await store.removeSubscriber(options.id);
        out(
          { target: target.description, removed, subscriberId: options.id },
          removed ? `removed subscriber ${options.id} from ${target.description}` : `no subscriber ${options.id} in ${target.description}`,
        );
        return removed ? EXIT_OK : EXIT_FAILURE;
      }
      case 'resume': {
        const subscriber = await store.getSubscriber(options.id);
        if (!subscriber) {
          out(
            { target: target.description, resumed: [], subscriberId: options.id },
            `no subscriber ${options.id} in ${target.description}`,
          );
          return EXIT_FAILURE;
        }
        const paused = Object.entries(subscriber.channelStatus ?? {})
          .filter(([channelId, status]) => status.state === 'paused' && (options.channel === undefined || options.channel === channelId))
          .map(([channelId]) => channelId);
        if (paused.length > 0) {
          await store.updateStatus(options.id, { channelStatus: Object.fromEntries(paused.map((channelId) => [channelId, null])) });
        }
        out(
          { target: target.description, resumed: paused, subscriberId: options.id },
          paused.length > 0
            ? `resumed ${paused.join(', ')} of ${options.id}`
            : `nothing paused for ${options.id}${options.channel ? ` (channel ${options.channel})` : ''}`,
        );
        return EXIT_OK;
      }
    }
  } finally {
    await target.close();
  }
}

/** Flags → a subscriber, through the config file's own schema (so the rules are the same). */
export function parseSubscriberFlags(flags: SubscriberFlags) {
  const number = (text: string | undefined, flag: string) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === '' || Number.isNaN(value)) throw new UsageError(`${flag} must be a number, got "${text}"`);
    return value;
  };
  const raw = {
    id: flags.id,
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    topics: flags.topics,
    ...(flags.email !== undefined ? { email: flags.email } : {}),
    webhooks: [...flags.webhooks.map((url) => ({ url, format: 'json' })), ...flags.slack.map((url) => ({ url, format: 'slack' }))],
    ...(flags.secret !== undefined ? { webhookSecret: flags.secret } : {}),
    ...(flags.previousSecret !== undefined ? { previousWebhookSecret: flags.previousSecret } : {}),
    ...(flags.filter !== undefined ? { filter: flags.filter } : {}),
    ...(flags.minScore !== undefined ? { minScore: number(flags.minScore, '--min-score') } : {}),
    ...(flags.cadence !== undefined ? { cadence: flags.cadence } : {}),
    ...(flags.hour !== undefined ? { deliveryHour: number(flags.hour, '--hour') } : {}),
    ...(flags.timeZone !== undefined ? { timeZone: flags.timeZone } : {}),
    ...(flags.weeklyDay !== undefined ? { weeklyDay: flags.weeklyDay } : {}),
    paused: flags.paused,
  };
  const parsed = subscriberConfigSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`subscriber is invalid: ${formatZodIssues(parsed.error.issues)}`);
  return subscriberFromConfig(parsed.data);
}

async function subscribersOfTopic(store: SubscriptionStore, topic: string): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await store.pageByTopic(topic, { limit: 500, ...(cursor === undefined ? {} : { cursor }) });
    subscribers.push(...result.subscribers);
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return subscribers;
}

/** A subscriber as printed: secrets replaced by whether they are set. */
function publicView(subscriber: Subscriber): Record<string, unknown> {
  const { webhookSecret, previousWebhookSecret, ...rest } = subscriber;
  return {
    ...rest,
    webhookSecret: webhookSecret ? '(set)' : undefined,
    previousWebhookSecret: previousWebhookSecret ? '(set)' : undefined,
  };
}

function describe(subscriber: Subscriber): string[] {
  const head = `  ${subscriber.subscriberId}${subscriber.name ? ` (${subscriber.name})` : ''}  ${subscriber.state}${subscriber.stateReason ? ` — ${subscriber.stateReason}` : ''}`;
  const lines = [
    head,
    `    topics  ${subscriber.topics.join(', ')}${subscriber.minScore > 0 ? ` (min score ${subscriber.minScore})` : ''}`,
  ];
  if (subscriber.filter) lines.push(`    filter  ${subscriber.filter}`);
  for (const channel of subscriber.channels) {
    const where =
      channel.kind === 'email'
        ? `email ${redactAddress(channel.address)}`
        : `${channel.format === 'slack' ? 'slack' : 'webhook'} ${hostOf(channel.url)}`;
    const state = channelStateOf(subscriber, channel.channelId);
    const status = subscriber.channelStatus?.[channel.channelId];
    const cadence = cadenceOf(subscriber, channel.channelId);
    const schedule =
      cadence === 'instant'
        ? 'instant'
        : `${cadence} at ${subscriber.deliveryHour ?? 8}:00 ${subscriber.timeZone ?? 'UTC'}${cadence === 'weekly' ? ` on ${subscriber.weeklyDay ?? 'mon'}` : ''}`;
    lines.push(
      `    ${channel.channelId.padEnd(18)} ${where}, ${schedule}${state === 'active' ? '' : `, ${state}${status ? `: ${status.reason}` : ''}`}`,
    );
  }
  return lines;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
