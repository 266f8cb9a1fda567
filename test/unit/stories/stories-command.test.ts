import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

function run(args: string[], input: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => (out += c));
  stderr.on('data', (c) => (err += c));
  return main(args, { stdin: Readable.from([input]), stdout, stderr }).then((code) => ({ code, out, err }));
}

const lines = [
  {
    id: 'x1',
    title: 'Kestrel Airways pilots ratify pay deal',
    summary: 'Pilots at Kestrel Airways on Tuesday ratified a contract that cuts pay by 12 percent.',
  },
  {
    id: 'x2',
    title: 'Kestrel pilots ratify pay deal (AP)',
    summary: 'AP - Pilots at Kestrel Airways on Tuesday ratified a contract cutting pay by 12 percent.',
  },
  { id: 'x3', title: 'Bakery wins bread award', summary: 'The sourdough was praised by the judges.' },
];

describe('news-alerts stories', () => {
  it('reads JSON Lines from stdin and writes {"id", "story"} per item', async () => {
    const { code, out } = await run(['stories', '-'], lines.map((l) => JSON.stringify(l)).join('\n'));
    expect(code).toBe(0);
    expect(
      out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { id: 'x1', story: 'x1' },
      { id: 'x2', story: 'x1' },
      { id: 'x3', story: 'x3' },
    ]);
  });

  it('explains roles and scores with --explain', async () => {
    const { out } = await run(
      ['stories', '--explain'],
      lines
        .slice(0, 2)
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const [first, second] = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(first).toEqual({ id: 'x1', story: 'x1', role: 'founder' });
    expect(second).toMatchObject({ id: 'x2', story: 'x1', role: 'member' });
    expect(second.score).toBeGreaterThan(0.45);
  });

  it('reports a bad line with its number, skips it and exits 1', async () => {
    const { code, out, err } = await run(['stories'], `${JSON.stringify(lines[0])}\n{"title": 3}\nnot json\n`);
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(err).toContain('stories: line 2:');
    expect(err).toContain('stories: line 3: not JSON');
  });

  it('refuses two files with exit code 2', async () => {
    expect((await run(['stories', 'a', 'b'], '')).code).toBe(2);
  });
});
