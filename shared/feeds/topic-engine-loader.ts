import type { builtinTopics, createTopicEngine, TopicDefinition, TopicEngine, topicDefinitionSchema } from '../classify/index.ts';
import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/logger.ts';
import { formatZodIssues } from '../core/validation-issues.ts';
import type { TopicStore } from '../store/ports.ts';

export interface TopicEngineLoader {
  /** The engine over the built-in and user topics, rebuilt when older than the TTL. */
  get(): Promise<TopicEngine>;
}

/** What the loader takes of the classifier: shared/classify's index has it all. */
export interface Classifier {
  builtinTopics: typeof builtinTopics;
  createTopicEngine: typeof createTopicEngine;
  topicDefinitionSchema: typeof topicDefinitionSchema;
}

export interface TopicEngineLoaderDeps {
  topics: TopicStore;
  clock: Clock;
  log: Log;
  /**
   * The classifier, asked for at the first `get()`. poll-feed imports it there
   * (`() => import('…/shared/classify/index.ts')`), so its bundle loads the classifier's code,
   * built-in topics and lexicon (about 70 KB) only once a poll has items to classify. The
   * `import()` is the caller's: one written here would be in the bundle of every function that
   * takes anything of shared/feeds, and esbuild would load the whole classifier at their init.
   */
  classifier: () => Promise<Classifier>;
}

export interface TopicEngineLoaderOptions {
  /** How long a built engine is used before user topics are read again. */
  ttlMs?: number;
}

/**
 * Builds the topic engine once and refreshes it every `ttlMs` (60 s) so new user topics take
 * effect without a redeploy. User topics that fail `topicDefinitionSchema` or do not compile,
 * or reuse a built-in topic's id, are skipped with a warning: one bad topic never stops polling. If reading user
 * topics fails, the previous engine stays in use; with none yet, the error propagates (retry).
 */
export function createTopicEngineLoader(deps: TopicEngineLoaderDeps, options: TopicEngineLoaderOptions = {}): TopicEngineLoader {
  const ttlMs = options.ttlMs ?? 60_000;
  let cached: { engine: TopicEngine; builtAt: number } | undefined;
  let loading: Promise<TopicEngine> | undefined;

  async function load(): Promise<TopicEngine> {
    const [classifier, raw] = await Promise.all([deps.classifier(), deps.topics.listUserTopics()]);
    const { builtinTopics, topicDefinitionSchema, createTopicEngine: build } = classifier;
    const builtinIds = new Set(builtinTopics.map((topic) => topic.id));
    const user: TopicDefinition[] = [];
    for (const candidate of raw) {
      const result = topicDefinitionSchema.safeParse(candidate);
      const id = (candidate as { id?: unknown } | null)?.id;
      if (!result.success) {
        deps.log.warn('user topic skipped: invalid', { topicId: id, error: formatZodIssues(result.error.issues) });
      } else if (builtinIds.has(result.data.id)) {
        deps.log.warn('user topic skipped: its id is a built-in topic', { topicId: result.data.id });
      } else {
        user.push(result.data);
      }
    }
    const engine = buildSkippingBadTopics(builtinTopics, user, build);
    cached = { engine, builtAt: deps.clock.now().getTime() };
    return engine;
  }

  /**
   * A user topic can pass the schema and still fail to compile; find such topics one by one
   * (only when the whole build fails) and build without them.
   */
  function buildSkippingBadTopics(
    builtinTopics: TopicDefinition[],
    user: TopicDefinition[],
    build: (topics: TopicDefinition[]) => TopicEngine,
  ): TopicEngine {
    try {
      return build([...builtinTopics, ...user]);
    } catch (error) {
      if (user.length === 0) throw error;
    }
    const good = user.filter((topic) => {
      try {
        build([...builtinTopics, topic]);
        return true;
      } catch (error) {
        deps.log.warn('user topic skipped: it does not compile', {
          topicId: topic.id,
          error: error instanceof Error ? error.message : String(error),
        });
        return false;
      }
    });
    return build([...builtinTopics, ...good]);
  }

  return {
    async get() {
      const now = deps.clock.now().getTime();
      if (cached && now - cached.builtAt < ttlMs) return cached.engine;
      loading ??= load().finally(() => {
        loading = undefined;
      });
      try {
        return await loading;
      } catch (error) {
        if (!cached) throw error;
        deps.log.warn('user topics could not be read; using the previous topic engine', {
          error: error instanceof Error ? error.message : String(error),
        });
        return cached.engine;
      }
    },
  };
}
