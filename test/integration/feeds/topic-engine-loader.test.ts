import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as classify from '../../../shared/classify/index.ts';
import { builtinTopics } from '../../../shared/classify/index.ts';
import type { Log } from '../../../shared/core/logger.ts';
import { createTopicEngineLoader } from '../../../shared/feeds/topic-engine-loader.ts';
import type { TopicStore } from '../../../shared/store/ports.ts';
import { startFeedEngines, type FeedEngines } from './feed-engines.ts';

let engines: FeedEngines;
beforeAll(async () => {
  engines = await startFeedEngines();
});
afterAll(async () => {
  await engines?.stop();
});

/** Records what the loader built from, and lets a topic id stand for one that does not compile. */
function recordingBuild() {
  const builds: string[][] = [];
  const build: typeof classify.createTopicEngine = (topics) => {
    if (topics.some((t) => t.id === 'does-not-compile')) throw new Error('topic engine invalid: test');
    builds.push(topics.map((t) => t.id));
    return { classify: () => [], topicIds: () => topics.map((t) => t.id), evaluate: () => [] } as unknown as ReturnType<
      typeof classify.createTopicEngine
    >;
  };
  return { builds, build };
}

function collectingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    error() {},
    warn: (message, fields) => warnings.push(`${message} ${String(fields?.topicId ?? '')}`),
  };
}

const validUserTopic = (id: string) => ({ ...structuredClone(builtinTopics[0]!), id, label: `User topic ${id}` });
const builtinIds = builtinTopics.map((t) => t.id);

describe('createTopicEngineLoader', () => {
  it('builds from built-in and valid user topics, skipping invalid ones, and caches for the TTL', async () => {
    const topics = engines.deps.topics;
    await topics.putUserTopic(validUserTopic('user-ports'));
    await topics.putUserTopic({ id: 'user-broken', label: 42 });
    await topics.putUserTopic(validUserTopic('does-not-compile'));
    if (builtinIds[0]) await topics.putUserTopic(validUserTopic(builtinIds[0]));
    const { builds, build } = recordingBuild();
    const log = collectingLog();
    const loader = createTopicEngineLoader(
      { topics, classifier: async () => ({ ...classify, createTopicEngine: build }), clock: engines.clock, log },
      { ttlMs: 60_000 },
    );

    const first = await loader.get();
    expect(first.topicIds()).toEqual([...builtinIds, 'user-ports']);
    expect(log.warnings.some((w) => w.includes('invalid') && w.includes('user-broken'))).toBe(true);
    expect(log.warnings.some((w) => w.includes('does not compile') && w.includes('does-not-compile'))).toBe(true);

    await topics.putUserTopic(validUserTopic('user-later'));
    engines.clock.advanceMinutes(0.5);
    expect(await loader.get()).toBe(first);
    engines.clock.advanceMinutes(1);
    expect((await loader.get()).topicIds()).toContain('user-later');
    expect(builds.at(-1)).toContain('user-later');
  });

  it('reads the user topics again after the TTL and builds again only when they changed', async () => {
    // Prepare: a store whose user topics the test controls, and a loader over it.
    let user: unknown[] = [validUserTopic('user-a')];
    const store: TopicStore = { listUserTopics: async () => structuredClone(user), putUserTopic: async () => {} };
    const { builds, build } = recordingBuild();
    const loader = createTopicEngineLoader({
      topics: store,
      classifier: async () => ({ ...classify, createTopicEngine: build }),
      clock: engines.clock,
      log: collectingLog(),
    });

    // Act / Assess: the same content after each TTL keeps the engine; a change rebuilds it.
    const first = await loader.get();
    engines.clock.advanceMinutes(2);
    expect(await loader.get()).toBe(first);
    engines.clock.advanceMinutes(2);
    expect(await loader.get()).toBe(first);
    expect(builds).toEqual([[...builtinIds, 'user-a']]);
    user = [validUserTopic('user-a'), validUserTopic('user-b')];
    engines.clock.advanceMinutes(2);
    expect((await loader.get()).topicIds()).toEqual([...builtinIds, 'user-a', 'user-b']);
    expect(builds).toHaveLength(2);
  });

  it('keeps the previous engine when user topics cannot be read, and fails without one', async () => {
    let fail = false;
    const flaky: TopicStore = {
      listUserTopics: async () => {
        if (fail) throw new Error('scan failed: injected fault (test)');
        return [];
      },
      putUserTopic: async () => {},
    };
    const { build } = recordingBuild();
    const loader = createTopicEngineLoader({
      topics: flaky,
      classifier: async () => ({ ...classify, createTopicEngine: build }),
      clock: engines.clock,
      log: collectingLog(),
    });
    const engine = await loader.get();
    fail = true;
    engines.clock.advanceMinutes(5);
    expect(await loader.get()).toBe(engine);

    const fresh = createTopicEngineLoader({
      topics: flaky,
      classifier: async () => ({ ...classify, createTopicEngine: build }),
      clock: engines.clock,
      log: collectingLog(),
    });
    await expect(fresh.get()).rejects.toThrow('injected fault');
  });
});
