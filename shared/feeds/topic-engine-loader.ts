import type { builtinTopics, createTopicEngine, parseTopicDefinition, TopicDefinition, TopicEngine } from '../classify/index.ts';
import type { Clock } from '../core/clock.ts';
import type { Log } from '../core/logger.ts';
import type { TopicStore } from '../store/ports.ts';

export interface TopicEngineLoader {
  /** The engine over the built-in and user topics, rebuilt when older than the TTL. */
  get(): Promise<TopicEngine>;
}

/** What the loader takes of the classifier: shared/classify's index has it all. */
export interface Classifier {
  builtinTopics: typeof builtinTopics;
  createTopicEngine: typeof createTopicEngine;
  parseTopicDefinition: typeof parseTopicDefinition;
}

export interface TopicEngineLoaderDeps {
  topics: TopicStore;
  clock: Clock;
  log: Log;
  /**
   * The classifier, asked for at the first `get()`. classify-items imports it there
   * (`() => import('…/shared/classify/index.ts')`), so its bundle loads the classifier's code,
   * built-in topics and lexicon (about 80 KB) at the first message, not at init. The
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
 * Builds the topic engine once and reads the user topics again every `ttlMs` (60 s) so new user
 * topics take effect without a redeploy; the engine is rebuilt only when they changed (compared
 * by content), so an idle refresh costs one read, not a build. User topics are validated where
 * they enter, here: those that fail `parseTopicDefinition` or do not compile, or reuse a built-in
 * topic's id, are skipped with a warning: one bad topic never stops polling. If reading user
 * topics fails, the previous engine stays in use; with none yet, the error propagates (retry).
 */
export function createTopicEngineLoader(deps: TopicEngineLoaderDeps, options: TopicEngineLoaderOptions = {}): TopicEngineLoader {
  const ttlMs = options.ttlMs ?? 60_000;
  /** The engine, when the user topics were last read, and their content as read (JSON) the engine was built from. */
  let cached: { engine: TopicEngine; checkedAt: number; userTopics: string } | undefined;
  let loading: Promise<TopicEngine> | undefined;

  async function load(): Promise<TopicEngine> {
    const [classifier, raw] = await Promise.all([deps.classifier(), deps.topics.listUserTopics()]);
    const checkedAt = deps.clock.now().getTime();
    // Compared as read: unchanged topics are neither validated nor built again.
    const userTopics = JSON.stringify(raw);
    if (cached?.userTopics === userTopics) {
      cached = { ...cached, checkedAt };
      return cached.engine;
    }
    const { builtinTopics, parseTopicDefinition, createTopicEngine: build } = classifier;
    const builtinIds = new Set(builtinTopics.map((topic) => topic.id));
    const user: TopicDefinition[] = [];
    for (const candidate of raw) {
      let topic: TopicDefinition;
      try {
        topic = parseTopicDefinition(candidate);
      } catch (error) {
        const id = (candidate as { id?: unknown } | null)?.id;
        deps.log.warn('user topic skipped: invalid', { topicId: id, error: error instanceof Error ? error.message : String(error) });
        continue;
      }
      if (builtinIds.has(topic.id)) {
        deps.log.warn('user topic skipped: its id is a built-in topic', { topicId: topic.id });
      } else {
        user.push(topic);
      }
    }
    const engine = buildSkippingBadTopics(builtinTopics, user, build);
    cached = { engine, checkedAt, userTopics };
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
      if (cached && now - cached.checkedAt < ttlMs) return cached.engine;
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
