import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/capture-io.ts';

const exampleTopic = path.join(import.meta.dirname, '..', '..', 'fixtures', 'classify', 'cyber-attacks.topic.json');

/** Items in the shape `topics test` reads; written for this test. */
const items = [
  { id: 'grid', title: 'Russian hackers hit Ukrainian power grid', labels: ['cyber-attacks'] },
  { id: 'game', title: 'North Korean hackers star in new video game', labels: [] },
  { id: 'drill', title: 'Iranian hackers target Israeli water systems in NATO drill', labels: ['cyber-attacks'] },
  { id: 'rain', title: 'Heavy rain expected over the weekend', labels: [] },
];

describe('news-alerts topics', () => {
  let dir: string;
  let itemsFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'topics-cli-'));
    itemsFile = path.join(dir, 'items.jsonl');
    await writeFile(itemsFile, `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('list', () => {
    it('lists the built-in topics with label, threshold and source', async () => {
      const { code, out } = await runCli(['topics', 'list']);

      expect(code).toBe(0);
      expect(out).toMatch(/^un-meeting\s+UN meeting\s+0\.50\s+\d+\s+built-in$/m);
      expect(out).toMatch(/^talks\s+Diplomatic talks\s+0\.50\s+\d+\s+built-in$/m);
      expect(out).toMatch(/^sanctions\s+Sanctions\s+0\.50\s+\d+\s+built-in$/m);
    });

    it('adds the user topics of a config file, and prints JSON with --json', async () => {
      const config = path.join(dir, 'config.yaml');
      await writeFile(
        config,
        [
          'topics:',
          '  - id: whales',
          '    label: Whale sightings',
          '    description: Whales seen from the coast.',
          '    threshold: 0.4',
          '    rules:',
          '      - { id: whale, weight: 1, phrases: ["whale*"] }',
          '',
        ].join('\n'),
      );

      const { code, out } = await runCli(['topics', 'list', '--config', config, '--json']);

      expect(code).toBe(0);
      const listed = JSON.parse(out) as Array<{
        id: string;
        label: string;
        threshold: number;
        source: string;
        description?: string;
        rules: number;
      }>;
      expect(listed.map((t) => t.id)).toEqual(['un-meeting', 'talks', 'sanctions', 'whales']);
      expect(listed[3]).toEqual({
        id: 'whales',
        label: 'Whale sightings',
        description: 'Whales seen from the coast.',
        threshold: 0.4,
        source: config,
        rules: 1,
      });
      expect(listed[0]?.source).toBe('built-in');
    });

    it('fails with exit 1 naming the field when a user topic in the config is invalid', async () => {
      const config = path.join(dir, 'bad-config.yaml');
      await writeFile(config, 'topics:\n  - id: whales\n    label: Whales\n    rules: []\n');

      const { code, err } = await runCli(['topics', 'list', '--config', config]);

      expect(code).toBe(1);
      expect(err).toContain('topics.0: rules:');
      expect(err).toContain(config);
    });
  });

  describe('test', () => {
    it('shows the matching items with score and matched phrases, the near misses, and P/R/F1 from the labels', async () => {
      const { code, out, err } = await runCli(['topics', 'test', exampleTopic, itemsFile]);

      expect(err).toBe('');
      expect(code).toBe(0);
      expect(out).toContain('topic cyber-attacks "State cyber attacks" (threshold 0.6): 1 of 4 items match');
      expect(out).toMatch(/^ {2}0\.\d{3} {2}grid {2}Russian hackers hit Ukrainian power grid$/m);
      expect(out).toContain('matched: Russian (title, state-attack); hackers (title, state-attack); power grid (title, infrastructure)');
      expect(out).toContain('game  North Korean hackers star in new video game  [vetoed by "video game"]');
      expect(out).toContain('drill  Iranian hackers target Israeli water systems in NATO drill  [rules: state-attack, drill]');
      expect(out).toContain('against the labels of 4 items:');
      expect(out).toMatch(/^cyber-attacks\s+2\s+1\s+0\s+1\s+1\.000\s+0\.500\s+0\.667$/m);
      expect(out).toContain('drill  cyber-attacks  Iranian hackers target Israeli water systems in NATO drill');
    });

    it('prints the same as JSON with --json', async () => {
      const { code, out } = await runCli(['topics', 'test', exampleTopic, itemsFile, '--json']);

      expect(code).toBe(0);
      const preview = JSON.parse(out) as {
        topic: { id: string; threshold: number };
        matches: Array<{
          id: string;
          score: number;
          matched: Array<{ phrase: string; text: string; field: string; position: number; rule: string }>;
        }>;
        nearMisses: Array<{ id: string; vetoedBy?: string }>;
        evaluation: { labelled: number; scores: { precision: number; recall: number; f1: number } };
      };
      expect(preview.topic).toEqual({ id: 'cyber-attacks', label: 'State cyber attacks', threshold: 0.6 });
      expect(preview.matches.map((m) => m.id)).toEqual(['grid']);
      expect(preview.matches[0]?.score).toBeGreaterThanOrEqual(0.6);
      expect(preview.matches[0]?.matched).toContainEqual({
        phrase: 'hack*',
        text: 'hackers',
        field: 'title',
        position: 8,
        rule: 'state-attack',
      });
      expect(preview.nearMisses.find((m) => m.id === 'game')?.vetoedBy).toBe('video game');
      expect(preview.evaluation.labelled).toBe(4);
      expect(preview.evaluation.scores.recall).toBe(0.5);
    });

    it('reads a YAML topic file, and leaves out P/R/F1 when no line has labels', async () => {
      const topic = path.join(dir, 'whales.yaml');
      await writeFile(topic, 'id: whales\nlabel: Whales\nrules:\n  - id: whale\n    weight: 1\n    phrases: ["whale*"]\n');
      const unlabelled = path.join(dir, 'unlabelled.jsonl');
      await writeFile(unlabelled, '{"title":"Whales return to the bay"}\n{"title":"Dolphins too"}\n');

      const { code, out } = await runCli(['topics', 'test', topic, unlabelled]);

      expect(code).toBe(0);
      expect(out).toContain('1 of 2 items match');
      expect(out).toMatch(/^ {2}0\.777 {2}1 {2}Whales return to the bay$/m);
      expect(out).not.toContain('against the labels');
      expect(out).toContain('precision / recall: nothing to measure (no line carries "labels"');
    });

    it('says there is nothing to measure, not P/R/F1 of 1.000, when no labelled item is about the topic or matched by it', async () => {
      const others = path.join(dir, 'others.jsonl');
      await writeFile(
        others,
        '{"title":"Heavy rain expected over the weekend","labels":["talks"]}\n{"title":"Markets close higher","labels":[]}\n',
      );

      const { code, out } = await runCli(['topics', 'test', exampleTopic, others]);

      expect(code).toBe(0);
      expect(out).toContain(
        'precision / recall: nothing to measure (none of the 2 labelled items is labelled "cyber-attacks" or matched by it)',
      );
      expect(out).not.toContain('1.000');
    });

    it.each([
      ['a weight out of range', '{"id":"x","label":"X","rules":[{"id":"r","weight":9,"phrases":["a"]}]}', 'rules.0.weight: Too big'],
      ['no rules', '{"id":"x","label":"X"}', 'rules: '],
      ['an unknown field', '{"id":"x","label":"X","treshold":0.5,"rules":[{"id":"r","weight":1,"phrases":["a"]}]}', 'treshold'],
      [
        'an unknown lexicon class',
        '{"id":"x","label":"X","rules":[{"id":"r","weight":1,"phrases":["@nowhere"]}]}',
        'rules.0.phrases.0: unknown lexicon class "@nowhere"',
      ],
      ['text that is not JSON', '{"id": "x",', 'topic file invalid: not JSON'],
    ])('fails with exit 1 and names the problem for a topic file with %s', async (_what, text, expected) => {
      const topic = path.join(dir, 'bad.topic.json');
      await writeFile(topic, text);

      const { code, out, err } = await runCli(['topics', 'test', topic, itemsFile]);

      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toContain(expected);
      expect(err).toContain(topic);
    });

    it('fails with exit 1 when a file cannot be read, and reports bad item lines with their number', async () => {
      const missingTopic = await runCli(['topics', 'test', path.join(dir, 'nope.json'), itemsFile]);
      expect(missingTopic.code).toBe(1);
      expect(missingTopic.err).toContain('topic file cannot be read: no such file');

      const missingItems = await runCli(['topics', 'test', exampleTopic, path.join(dir, 'nope.jsonl')]);
      expect(missingItems.code).toBe(1);
      expect(missingItems.err).toMatch(/topics test: cannot read .*nope\.jsonl: .*ENOENT/);

      const mixed = path.join(dir, 'mixed.jsonl');
      await writeFile(mixed, '{"title":"Russian hackers hit Ukrainian power grid"}\n{"summary":"no title"}\n');
      const badLine = await runCli(['topics', 'test', exampleTopic, mixed]);
      expect(badLine.code).toBe(1);
      expect(badLine.err).toMatch(/^topics test: line 2: title: .+ \(.*mixed\.jsonl\)$/m);
      expect(badLine.out).toContain('1 of 1 items match');
    });
  });

  it('has --help, and exits 2 on bad usage', async () => {
    for (const args of [
      ['topics', '--help'],
      ['topics', 'list', '--help'],
      ['topics', 'test', '--help'],
    ]) {
      const { code, out } = await runCli(args);
      expect(code).toBe(0);
      expect(out).toContain(
        'Usage: news-alerts topics list [--config FILE] [--json]\n       news-alerts topics test TOPIC_FILE ITEMS.jsonl [--json]',
      );
    }
    const none = await runCli(['topics']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('topics needs an action: list or test');
    const unknown = await runCli(['topics', 'show']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown topics action "show"');
    const oneFile = await runCli(['topics', 'test', exampleTopic]);
    expect(oneFile.code).toBe(2);
    expect(oneFile.err).toContain('topics test needs a TOPIC_FILE and an ITEMS.jsonl file');
    const badFlag = await runCli(['topics', 'list', '--jsn']);
    expect(badFlag.code).toBe(2);
  });
});
