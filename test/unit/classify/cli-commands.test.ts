import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClassify } from '../../../cli/tasks/classify.ts';
import { runEval } from '../../../cli/tasks/eval.ts';
import { createTopicEngine } from '../../../shared/classify/index.ts';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function io(input: string) {
  const stdout = sink();
  const stderr = sink();
  return { io: { stdin: Readable.from([input]), stdout: stdout.stream, stderr: stderr.stream }, stdout, stderr };
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { id: string; topics: Array<{ topic: string; score: number; matched: unknown[] }> });

const items = [
  { id: 'a', title: 'UN Security Council holds emergency meeting on Gaza' },
  { id: 'b', title: 'Drugmakers confirm merger talks' },
  { title: 'EU adopts new sanctions package against Russia', summary: 'The measures target oil tankers.' },
];

describe('runClassify', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'classify-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads JSON Lines from stdin and writes one line per item with the passing topics', async () => {
    const { io: streams, stdout, stderr } = io(`${items.map((i) => JSON.stringify(i)).join('\n')}\n`);

    const code = await runClassify({ explain: false }, streams);

    expect(code).toBe(0);
    expect(stderr.text()).toBe('');
    const out = jsonLines(stdout.text());
    expect(out.map((o) => o.id)).toEqual(['a', 'b', '3']);
    expect(out[0]?.topics.map((t) => t.topic)).toEqual(['un-meeting']);
    expect(out[0]?.topics[0]?.matched).toEqual(expect.arrayContaining(['UN Security Council', 'emergency meeting']));
    expect(out[1]?.topics).toEqual([]);
    expect(out[2]?.topics.map((t) => t.topic)).toEqual(['sanctions']);
    expect(Object.keys(out[2]?.topics[0] ?? {})).toEqual(['topic', 'score', 'matched']);
  });

  it('with explain, gives phrase, text, field, position and rule for each match', async () => {
    const { io: streams, stdout } = io(`${JSON.stringify(items[0])}\n`);

    expect(await runClassify({ input: '-', explain: true }, streams)).toBe(0);

    const [line] = jsonLines(stdout.text());
    const matched = line?.topics[0]?.matched as Array<{ phrase: string; text: string; field: string; position: number; rule: string }>;
    const council = matched.find((m) => m.text === 'UN Security Council');
    expect(council).toEqual({
      phrase: 'UN Security Council',
      text: 'UN Security Council',
      field: 'title',
      position: 0,
      rule: expect.any(String),
    });
  });

  it('reports a bad line with its number and what is wrong, classifies the others, and exits 1', async () => {
    const input = [JSON.stringify(items[0]), '{"title": 42}', 'not json', '', JSON.stringify(items[2])].join('\n');
    const { io: streams, stdout, stderr } = io(input);

    const code = await runClassify({ explain: false }, streams);

    expect(code).toBe(1);
    expect(jsonLines(stdout.text()).map((o) => o.id)).toEqual(['a', '5']);
    const errors = stderr.text().trim().split('\n');
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^classify: line 2: title: .*expected string.* \(stdin\)$/);
    expect(errors[1]).toMatch(/^classify: line 3: not JSON: .+ \(stdin\)$/);
  });

  it('reads a file and says when it cannot', async () => {
    const file = path.join(dir, 'items.jsonl');
    await writeFile(file, `${JSON.stringify(items[1])}\n`);
    const ok = io('');
    expect(await runClassify({ input: file, explain: false }, ok.io)).toBe(0);
    expect(jsonLines(ok.stdout.text())).toEqual([{ id: 'b', topics: [] }]);

    const missing = io('');
    expect(await runClassify({ input: path.join(dir, 'missing.jsonl'), explain: false }, missing.io)).toBe(1);
    expect(missing.stderr.text()).toMatch(/^classify: cannot read .*missing\.jsonl: .*ENOENT/);
  });

  it('classifies a plain sentence given as the argument', async () => {
    const { io: streams, stdout, stderr } = io('');

    expect(await runClassify({ input: 'EU adopts new sanctions package against Russia', explain: false }, streams)).toBe(0);

    expect(stderr.text()).toBe('');
    expect(jsonLines(stdout.text()).map((o) => [o.id, o.topics.map((t) => t.topic)])).toEqual([['1', ['sanctions']]]);
  });

  it('reads a plain text file as one item per line, or as one item with --whole', async () => {
    const file = path.join(dir, 'headlines.txt');
    await writeFile(file, 'UN Security Council holds emergency meeting on Gaza\n\nDrugmakers confirm merger talks\n');
    const perLine = io('');
    expect(await runClassify({ input: file, explain: false }, perLine.io)).toBe(0);
    expect(jsonLines(perLine.stdout.text()).map((o) => [o.id, o.topics.map((t) => t.topic)])).toEqual([
      ['1', ['un-meeting']],
      ['3', []],
    ]);

    const article = path.join(dir, 'article.txt');
    await writeFile(article, 'A quiet week in Brussels\nThe EU adopted a new sanctions package against Russia.\nIt targets oil tankers.\n');
    const whole = io('');
    expect(await runClassify({ input: article, explain: false, whole: true }, whole.io)).toBe(0);
    const [item] = jsonLines(whole.stdout.text());
    expect(item?.topics.map((t) => t.topic)).toEqual(['sanctions']);
  });

  it('reads plain text from stdin too', async () => {
    const { io: streams, stdout } = io('EU adopts new sanctions package against Russia\n');
    expect(await runClassify({ explain: false }, streams)).toBe(0);
    expect(jsonLines(stdout.text())[0]?.topics.map((t) => t.topic)).toEqual(['sanctions']);
  });

  it('classifies with a given engine (a user topic under test)', async () => {
    const engine = createTopicEngine([{ id: 'whales', label: 'Whales', rules: [{ id: 'w', weight: 1, phrases: ['whale*'] }] }]);
    const { io: streams, stdout } = io('{"id":"w","title":"Whales return to the bay"}\n');

    expect(await runClassify({ explain: false, engine }, streams)).toBe(0);
    expect(jsonLines(stdout.text())[0]?.topics.map((t) => t.topic)).toEqual(['whales']);
  });
});

describe('runEval', () => {
  const labelled = [
    { id: 'u1', title: 'UN Security Council votes to extend arms embargo', labels: ['un-meeting', 'sanctions'] },
    { id: 't1', title: 'India and Pakistan resume peace talks', labels: ['talks'] },
    { id: 'n1', title: 'Drugmakers confirm merger talks', labels: [] },
    { id: 'm1', title: 'Budget passes after long night in parliament', labels: ['talks'] },
  ];
  let file: string;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'eval-cli-'));
    file = path.join(dir, 'labelled.jsonl');
    await writeFile(file, `${labelled.map((l) => JSON.stringify(l)).join('\n')}\n`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints precision, recall and F1 per topic with the confusion lists', async () => {
    const { io: streams, stdout } = io('');

    expect(await runEval(file, streams, { json: false })).toBe(0);

    const text = stdout.text();
    expect(text).toMatch(/^talks\s+2\s+1\s+0\s+1\s+1\.000\s+0\.500\s+0\.667$/m);
    expect(text).toMatch(/^un-meeting\s+1\s+1\s+0\s+0\s+1\.000\s+1\.000\s+1\.000$/m);
    expect(text).toContain('false negatives (1):');
    expect(text).toContain('m1  talks  Budget passes after long night in parliament');
  });

  it('prints the same as JSON with --json', async () => {
    const { io: streams, stdout } = io('');

    expect(await runEval(file, streams, { json: true })).toBe(0);

    const report = JSON.parse(stdout.text()) as { topics: Array<{ topic: string; f1: number }>; falseNegatives: Array<{ id: string }> };
    expect(report.topics.find((t) => t.topic === 'sanctions')?.f1).toBe(1);
    expect(report.falseNegatives.map((f) => f.id)).toEqual(['m1']);
  });

  it('reports lines without labels and unknown labels on stderr, exiting 1 for bad lines', async () => {
    const input = [
      '{"id":"x","title":"Peace talks resume in Doha between Israel and Hamas","labels":["talks","weather"]}',
      '{"id":"y","title":"No labels"}',
    ].join('\n');
    const { io: streams, stderr } = io(input);

    expect(await runEval('-', streams, { json: false })).toBe(1);
    expect(stderr.text()).toMatch(/^eval: line 2: labels: .+ \(stdin\)$/m);
    expect(stderr.text()).toContain('eval: labels name topics the engine does not have, ignored: weather');
  });
});
