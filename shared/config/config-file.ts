import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import * as z from '../core/zod.ts';
import { compileFilterQuery } from '../classify/index.ts';
import { ConfigError } from '../core/errors.ts';
import type { channelSchema } from '../messages/schemas.ts';
import { cadenceSchema, timeZoneSchema, weekdaySchema, type SubscriberInput } from '../store/records.ts';
import { assignFeedIds, OPML_LIMITS, parseOpml } from './opml.ts';

/**
 * The configuration file (YAML or JSON — JSON is YAML): feeds, user topics, subscribers and
 * delivery settings. `loadConfigFile` validates it with zod and names the bad field and its line.
 */

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const slug = z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be 1–64 characters of a-z, 0-9, ".", "_" or "-"'));

export const feedConfigSchema = z
  .strictObject({
    id: slug,
    url: httpUrl,
    title: z.optional(z.string()),
    /** The longest a healthy feed waits between polls, minutes (a busy feed is polled more often). */
    intervalMinutes: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(1440)), 10),
    /**
     * How long a quiet feed (or a server's `<ttl>` / `Cache-Control: max-age`) may stretch the
     * interval, minutes; without it the interval is never stretched.
     */
    maxIntervalMinutes: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(1440))),
    /** Labels for grouping (OPML categories): kept with the feed, written back by `feeds export`. */
    tags: z.optional(z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))).check(z.maxLength(50))),
  })
  .check(
    z.refine((feed) => feed.maxIntervalMinutes === undefined || feed.maxIntervalMinutes >= feed.intervalMinutes, {
      message: 'must be at least intervalMinutes',
      path: ['maxIntervalMinutes'],
    }),
  );

/** `- opml: feeds.opml` in the feeds list: every feed of an OPML file (path relative to the config file). */
const opmlSourceSchema = z.strictObject({
  opml: z.string().check(z.minLength(1, 'must name an OPML file')),
  /** Minutes between polls of each feed of the file. */
  intervalMinutes: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(1440)), 10),
});

const webhookConfigSchema = z.strictObject({
  url: httpUrl,
  format: z._default(z.enum(['json', 'slack']), 'json'),
});

export const subscriberConfigSchema = z
  .strictObject({
    id: slug,
    name: z.optional(z.string()),
    topics: z.array(z.string().check(z.minLength(1))).check(z.minLength(1, 'must list at least one topic')),
    email: z.optional(z.email()),
    webhooks: z._default(z.array(webhookConfigSchema), []),
    /** Standard Webhooks secret (`whsec_` + base64); required when the subscriber has webhooks. */
    webhookSecret: z.optional(
      z.string().check(z.regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be "whsec_" followed by base64 (at least 16 characters)')),
    ),
    /** The secret being rotated out: payloads are signed with both until it is removed. */
    previousWebhookSecret: z.optional(
      z.string().check(z.regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be "whsec_" followed by base64 (at least 16 characters)')),
    ),
    minScore: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0),
    paused: z._default(z.boolean(), false),
    /** Keyword filter a story must also satisfy, e.g. `sanctions AND (Iran OR Tehran) NOT title:oil`. */
    filter: z.optional(
      z.string().check(
        z.minLength(1),
        z.superRefine((query, context) => {
          try {
            compileFilterQuery(query);
          } catch (error) {
            context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
          }
        }),
      ),
    ),
    /** How often the email channel gets news: each story at once, or an hourly/daily/weekly digest. Webhooks are instant. */
    cadence: z._default(cadenceSchema, 'instant'),
    /** Hour (0–23, in `timeZone`) of daily and weekly digests. */
    deliveryHour: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(23)), 8),
    timeZone: z._default(timeZoneSchema, 'UTC'),
    /** Day of the weekly digest. */
    weeklyDay: z._default(weekdaySchema, 'mon'),
  })
  .check(
    z.refine((s) => s.email !== undefined || s.webhooks.length > 0, {
      message: 'needs an email or at least one webhook',
    }),
    z.refine((s) => s.webhooks.every((w) => w.format === 'slack') || s.webhookSecret !== undefined, {
      message: 'needs a webhookSecret to sign its JSON webhooks',
      path: ['webhookSecret'],
    }),
    z.refine((s) => s.cadence === 'instant' || s.email !== undefined, {
      message: 'digests (hourly, daily, weekly) are sent by email: add an email or use instant',
      path: ['cadence'],
    }),
  );

export const deliveryConfigSchema = z.strictObject({
  mailFrom: z._default(z.string().check(z.minLength(3)), 'news-alerts@localhost'),
  publicBaseUrl: z.optional(httpUrl),
  /** SMTP server (smtp://user:pass@host:587); without it, one-process mode writes to the outbox. */
  smtpUrl: z.optional(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })),
});

export const configFileSchema = z.strictObject({
  feeds: z._default(z.array(feedConfigSchema), []),
  /** User-defined topics in the classifier's topic format (validated by the topic schema). */
  topics: z._default(z.array(z.record(z.string(), z.unknown())), []),
  subscribers: z._default(z.array(subscriberConfigSchema), []),
  delivery: z._default(deliveryConfigSchema, { mailFrom: 'news-alerts@localhost' }),
});

/** The file as written: the feeds list may also name OPML files, read by `parseConfigText`. */
const configDocumentSchema = z.extend(configFileSchema, {
  feeds: z._default(z.array(z.union([feedConfigSchema, opmlSourceSchema])), []),
});

export type ConfigFile = z.infer<typeof configFileSchema>;
export type FeedConfig = z.infer<typeof feedConfigSchema>;
export type SubscriberConfig = z.infer<typeof subscriberConfigSchema>;

/** Reads, parses and validates a config file. Relative paths resolve against `cwd`. */
export async function loadConfigFile(path: string, cwd = process.cwd()): Promise<ConfigFile> {
  const fullPath = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(fullPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new ConfigError(`config file cannot be read: ${reason} (${fullPath})`);
  }
  return parseConfigText(text, fullPath);
}

/** Parses config text; errors say which field is wrong and on which line of `source`. */
export function parseConfigText(text: string, source: string): ConfigFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const at = lineCounter.linePos(syntaxError.pos[0]);
    throw new ConfigError(`config file is not valid YAML/JSON: ${syntaxError.message.split('\n')[0]} (${source}:${at.line})`);
  }
  const result = configDocumentSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      const line = lineOf(doc, lineCounter, path);
      const name = path.length > 0 ? path.join('.') : '(root)';
      return `${name}: ${issue.message} (${source}${line ? `:${line}` : ''})`;
    });
    throw new ConfigError(`config file is invalid:\n  ${problems.join('\n  ')}`);
  }
  const config: ConfigFile = { ...result.data, feeds: expandOpmlSources(result.data.feeds, source) };
  checkReferences(config, source);
  return config;
}

/**
 * The feeds list with each `opml:` entry replaced by the file's feeds (ids as `feeds import`
 * gives them). A feed listed inline wins over the same URL in an OPML file.
 */
function expandOpmlSources(entries: z.infer<typeof configDocumentSchema>['feeds'], source: string): FeedConfig[] {
  const inline = entries.filter((entry): entry is FeedConfig => !('opml' in entry));
  const feeds = [...inline];
  for (const entry of entries) {
    if (!('opml' in entry)) continue;
    const path = resolve(dirname(source), entry.opml);
    let text: string;
    try {
      const bytes = readFileSync(path);
      if (bytes.byteLength > OPML_LIMITS.maxBytes)
        throw new ConfigError(`OPML file is too large: over ${OPML_LIMITS.maxBytes} bytes (${path})`);
      text = bytes.toString('utf8');
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
      throw new ConfigError(`config file is invalid: feeds names an OPML file that cannot be read: ${reason} (${path}, in ${source})`);
    }
    const known = feeds.map((feed) => ({ feedId: feed.id, url: feed.url }));
    const knownUrls = new Set(known.map((feed) => feed.url));
    const opml = parseOpml(text, path).feeds.filter((feed) => !knownUrls.has(feed.url));
    const ids = assignFeedIds(opml, known);
    opml.forEach((feed, i) => {
      feeds.push({
        id: ids[i]!,
        url: feed.url,
        ...(feed.title ? { title: feed.title } : {}),
        intervalMinutes: entry.intervalMinutes,
        ...(feed.tags.length > 0 ? { tags: feed.tags } : {}),
      });
    });
  }
  return feeds;
}

/** The line of the deepest node on `path` that exists in the document. */
function lineOf(doc: ReturnType<typeof parseDocument>, lineCounter: LineCounter, path: (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}

/** Cross-field checks zod cannot see: unique ids. Topic ids are checked against the engine later. */
function checkReferences(config: ConfigFile, source: string): void {
  const duplicates = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);
  const feedDupes = duplicates(config.feeds.map((f) => f.id));
  if (feedDupes.length > 0) throw new ConfigError(`config file is invalid: feed id "${feedDupes[0]}" is used twice (${source})`);
  const subDupes = duplicates(config.subscribers.map((s) => s.id));
  if (subDupes.length > 0) {
    throw new ConfigError(`config file is invalid: subscriber id "${subDupes[0]}" is used twice (${source})`);
  }
}

/** Channels of a configured subscriber, with ids stable across edits of other channels. */
export function channelsOf(subscriber: SubscriberConfig): z.infer<typeof channelSchema>[] {
  const channels: z.infer<typeof channelSchema>[] = [];
  if (subscriber.email) channels.push({ kind: 'email', channelId: 'email', address: subscriber.email });
  for (const webhook of subscriber.webhooks) {
    channels.push({ kind: 'webhook', channelId: `webhook-${shortHash(webhook.url)}`, url: webhook.url, format: webhook.format });
  }
  return channels;
}

/** The stored subscriber a configured one describes (state `paused` when the file says so). */
export function subscriberFromConfig(subscriber: SubscriberConfig): SubscriberInput {
  const channels = channelsOf(subscriber);
  const email = channels.find((channel) => channel.kind === 'email');
  return {
    subscriberId: subscriber.id,
    name: subscriber.name,
    topics: subscriber.topics,
    channels,
    webhookSecret: subscriber.webhookSecret,
    previousWebhookSecret: subscriber.previousWebhookSecret,
    minScore: subscriber.minScore,
    state: subscriber.paused ? 'paused' : 'active',
    filter: subscriber.filter,
    cadence: email && subscriber.cadence !== 'instant' ? { [email.channelId]: subscriber.cadence } : {},
    deliveryHour: subscriber.deliveryHour,
    timeZone: subscriber.timeZone,
    weeklyDay: subscriber.weeklyDay,
  };
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
