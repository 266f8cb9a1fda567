import { describe, expect, it } from 'vitest';
import {
  builtinTopics,
  createTopicEngine,
  parseTopicDefinition,
  parseTopicFile,
  TopicDefinitionError,
  topicDefinitionSchema,
} from '../../../shared/classify/index.ts';
import { ensureTopicDefinition } from '../../../shared/classify/topic-schema.ts';

const valid = {
  id: 'cyber-attacks',
  label: 'Cyber attacks',
  rules: [{ id: 'attack', weight: 1, phrases: ['cyber attack', 'ransomware'] }],
};

function errorOf(run: () => unknown): TopicDefinitionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TopicDefinitionError);
    return error as TopicDefinitionError;
  }
  throw new Error('expected a TopicDefinitionError');
}

describe('topic file schema', () => {
  it('applies defaults to a minimal topic', () => {
    const topic = parseTopicDefinition(valid);

    expect(topic.threshold).toBe(0.5);
    expect(topic.fieldWeights).toEqual({ title: 1.5, summary: 1 });
    expect(topic.rules[0]?.requires).toEqual([]);
    expect(topic.block).toEqual([]);
  });

  it('names every problem with its path and the topic', () => {
    const error = errorOf(() =>
      parseTopicDefinition(
        {
          id: 'Bad Id',
          label: '',
          threshold: 1.5,
          rules: [{ id: 'r', weight: 'heavy', phrases: [] }],
          surprise: true,
        },
        'topics/bad.json',
      ),
    );

    expect(error.message).toMatch(/^topic definition invalid: /);
    expect(error.message).toContain('id: must be lower-case letters, digits and hyphens');
    expect(error.message).toContain('threshold:');
    expect(error.message).toContain('rules.0.weight:');
    expect(error.message).toContain('rules.0.phrases:');
    expect(error.message).toContain('surprise');
    expect(error.message).toContain('(topic "Bad Id", topics/bad.json)');
    expect(error.retryable).toBe(false);
    expect(error.source).toBe('topics/bad.json');
  });

  it('rejects phrases the matcher could never match, with the reason', () => {
    const prefix = errorOf(() => parseTopicDefinition({ ...valid, rules: [{ id: 'r', weight: 1, phrases: ['ne*'] }] }));
    expect(prefix.message).toContain('rules.0.phrases.0: "ne*": a prefix needs at least 3 letters');

    const star = errorOf(() => parseTopicDefinition({ ...valid, rules: [{ id: 'r', weight: 1, phrases: ['ne*go'] }] }));
    expect(star.message).toContain('"*" may only end a word');

    const empty = errorOf(() => parseTopicDefinition({ ...valid, rules: [{ id: 'r', weight: 1, phrases: ['  - '] }] }));
    expect(empty.message).toContain('has no words');
  });

  it('rejects unknown lexicon classes, shadowed standard classes and duplicate rule ids', () => {
    const unknown = errorOf(() => parseTopicDefinition({ ...valid, rules: [{ id: 'r', weight: 1, phrases: ['@nowhere talks'] }] }));
    expect(unknown.message).toContain('rules.0.phrases.0: unknown lexicon class "@nowhere"');

    const shadow = errorOf(() => parseTopicDefinition({ ...valid, lexicon: { country: ['Atlantis'] } }));
    expect(shadow.message).toContain('lexicon.country: "country" is a standard lexicon class');

    const duplicate = errorOf(() =>
      parseTopicDefinition({
        ...valid,
        rules: [
          { id: 'same', weight: 1, phrases: ['a b'] },
          { id: 'same', weight: 1, phrases: ['c d'] },
        ],
      }),
    );
    expect(duplicate.message).toContain('rules.1.id: duplicate rule id "same"');
  });

  it('needs a positive rule and a non-zero weight', () => {
    const error = errorOf(() => parseTopicDefinition({ ...valid, rules: [{ id: 'r', weight: -1, phrases: ['x y'] }] }));
    expect(error.message).toContain('rules: at least one rule needs a positive weight');
    expect(topicDefinitionSchema.safeParse({ ...valid, rules: [{ id: 'r', weight: 0, phrases: ['x'] }] }).success).toBe(false);
  });

  it('reports a lexicon cycle when the engine compiles the topic', () => {
    const error = errorOf(() =>
      createTopicEngine([{ ...valid, lexicon: { a: ['@b'], b: ['@a'] }, rules: [{ id: 'r', weight: 1, phrases: ['@a'] }] }]),
    );
    expect(error.message).toContain('lexicon class cycle @a → @b → @a');
  });

  it('refuses a phrase that expands to too many phrases, also when it is one class reference', () => {
    const words = (stem: string) => Array.from({ length: 100 }, (_, i) => `${stem}${String.fromCharCode(97 + (i % 26))}${i}`);
    // 3 × 100 × 100 = 30,000 phrases behind "@big" (each of its entries expands to 10,000).
    const lexicon = { big: ['@b @c', '@b @d', '@b @e'], b: words('b'), c: words('c'), d: words('d'), e: words('e') };
    for (const phrase of ['@big', 'the @big']) {
      const error = errorOf(() => createTopicEngine([{ ...valid, lexicon, rules: [{ id: 'r', weight: 1, phrases: [phrase] }] }]));
      expect(error.message).toBe(`topic definition invalid: phrase "${phrase}" expands to more than 20000 phrases (topic "cyber-attacks")`);
    }
  });

  it('refuses two topics with one id', () => {
    const error = errorOf(() => createTopicEngine([valid, valid]));
    expect(error.message).toBe('topic engine invalid: duplicate topic id "cyber-attacks"');
  });

  it('validates a definition where it enters, not again when an engine is built from it', () => {
    // Prepare: a definition validated once, and the built-ins (trusted: their test validates them).
    const parsed = parseTopicDefinition(valid);
    // Act / Assess: those come back as they are; anything else is validated, a changed copy too.
    expect(ensureTopicDefinition(parsed)).toBe(parsed);
    for (const topic of builtinTopics) expect(ensureTopicDefinition(topic)).toBe(topic);
    const copy = ensureTopicDefinition(valid);
    expect(copy).not.toBe(valid);
    expect(copy).toStrictEqual(parsed);
    expect(errorOf(() => ensureTopicDefinition({ ...parsed, label: 42 })).message).toContain('label');
    expect(createTopicEngine([parsed, ...builtinTopics]).topicIds()).toEqual(['cyber-attacks', ...builtinTopics.map((t) => t.id)]);
  });

  it('parses topic files and says when one is not JSON', () => {
    expect(parseTopicFile(JSON.stringify(valid), 'x.json').id).toBe('cyber-attacks');
    const error = errorOf(() => parseTopicFile('{"id": "x",', 'topics/broken.json'));
    expect(error.message).toMatch(/^topic file invalid: not JSON: .+ \(topics\/broken\.json\)$/);
  });
});
