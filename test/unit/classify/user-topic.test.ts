import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { builtinTopics, createTopicEngine, parseTopicFile } from '../../../shared/classify/index.ts';
import type { TopicDefinitionInput } from '../../../shared/classify/topic-schema.ts';

/** A topic a user could write: cyber attacks by or on states, not games or films. */
const cyberAttacks: TopicDefinitionInput = {
  id: 'cyber-attacks',
  label: 'State cyber attacks',
  description: 'Cyber attacks attributed to or aimed at states.',
  threshold: 0.6,
  lexicon: { attack: ['cyber attack', 'cyberattack', 'cyber-attack', 'hack*', 'ransomware', 'breach'] },
  block: ['hackathon', 'life hack', 'life hacks'],
  exclude: ['video game', 'film review'],
  rules: [
    {
      id: 'state-attack',
      weight: 1.2,
      phrases: ['@attack'],
      requires: [{ any: ['@country', '@demonym', '@capital'], within: 6 }],
      exclude: [{ any: ['@corporate'], within: 2 }],
    },
    { id: 'infrastructure', weight: 0.4, phrases: ['power grid', 'pipeline', 'hospital', 'election'] },
    { id: 'title-only', weight: 0.3, phrases: ['attribution'], fields: ['title'] },
    { id: 'allies', weight: 0.6, phrases: ['joint statement'], requires: [{ any: ['@country'], distinct: 2 }] },
    { id: 'drill', weight: -2, phrases: ['exercise', 'drill'] },
  ],
};

describe('user-defined topics', () => {
  const engine = createTopicEngine([...builtinTopics, cyberAttacks]);
  const topic = (title: string, summary?: string) => engine.classify({ title, summary }).find((m) => m.topic === 'cyber-attacks');

  it('compile beside the built-in ones and report their id', () => {
    expect(engine.topicIds()).toEqual(['un-meeting', 'talks', 'sanctions', 'cyber-attacks']);
  });

  it('match with their own lexicon, the standard lexicon and context within N words', () => {
    const match = topic('Russian hackers hit Ukrainian power grid');

    expect(match).toBeDefined();
    expect(match?.label).toBe('State cyber attacks');
    expect(match?.matched.map((m) => m.text)).toEqual(expect.arrayContaining(['hackers', 'power grid']));
    // "hack*" matched "hackers"; the explanation names the phrase as written in the lexicon.
    expect(match?.matched.find((m) => m.text === 'hackers')?.phrase).toBe('hack*');
  });

  it('need the context close enough, in the same field', () => {
    expect(
      topic('Ransomware gang demands payment', 'The group, which experts link to no government, struck a school in Iran last week.'),
    ).toBeUndefined();
    expect(topic('Ransomware hits Iran school network')).toBeDefined();
  });

  it('honour rule exclusions, item exclusions and blocks', () => {
    expect(topic('Chinese hackathon draws 5,000 coders')).toBeUndefined();
    expect(topic('North Korean hackers star in new video game')).toBeUndefined();
    expect(topic('North Korean hackers breach Acme Corp servers')).toBeUndefined();
  });

  it('let negative rules pull the score under the threshold', () => {
    const real = topic('Iranian hackers target Israeli water systems');
    expect(real?.score).toBeGreaterThanOrEqual(0.6);
    expect(topic('Iranian hackers target Israeli water systems in NATO drill')).toBeUndefined();
  });

  it('add up evidence: more rules, higher score, never above 1', () => {
    const one = topic('Iranian hackers target Israeli water systems');
    const more = topic(
      'Attribution: Iranian hackers target Israeli hospital',
      'Britain and France issued a joint statement on the attack.',
    );
    expect(more?.score).toBeGreaterThan(one?.score ?? 1);
    expect(more?.score).toBeLessThanOrEqual(1);
    expect(more?.matched.some((m) => m.rule === 'title-only')).toBe(true);
    expect(more?.matched.some((m) => m.rule === 'allies')).toBe(true);
  });

  it('read `fields` and `distinct` as written', () => {
    const summaryOnly = engine
      .evaluate({ title: 'Iranian hackers target Israeli water systems', summary: 'Officials declined attribution.' })
      .find((e) => e.topic === 'cyber-attacks');
    expect(summaryOnly?.rules.map((r) => r.rule)).not.toContain('title-only');

    const oneCountry = engine
      .evaluate({ title: 'Iranian hackers target Israeli water systems', summary: 'Britain issued a joint statement.' })
      .find((e) => e.topic === 'cyber-attacks');
    expect(oneCountry?.rules.map((r) => r.rule)).not.toContain('allies');
  });

  it('run alone, without the built-in topics', () => {
    const alone = createTopicEngine([cyberAttacks]);
    expect(alone.topicIds()).toEqual(['cyber-attacks']);
    expect(alone.classify({ title: 'Russian hackers hit Ukrainian power grid' }).map((m) => m.topic)).toEqual(['cyber-attacks']);
    expect(alone.classify({ title: 'UN Security Council votes on sanctions' })).toEqual([]);
  });
});

describe('a user topic file', () => {
  it('parses from JSON and classifies (the example in test/fixtures/classify)', async () => {
    const file = new URL('../../fixtures/classify/cyber-attacks.topic.json', import.meta.url);
    const topic = parseTopicFile(await readFile(file, 'utf8'), 'cyber-attacks.topic.json');
    const engine = createTopicEngine([topic]);

    expect(engine.classify({ title: 'Russian hackers hit Ukrainian power grid' }).map((m) => m.topic)).toEqual(['cyber-attacks']);
    expect(engine.classify({ title: 'Russian hackers hit Ukrainian power grid in NATO drill' })).toEqual([]);
  });
});
