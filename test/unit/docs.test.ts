import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envVariableNames } from '../../shared/config/env.ts';
import { exampleWebhookPayload } from '../../shared/delivery/webhook-payload.ts';

/** The README is the front door and docs/ the manual: what they say about the code must stay true. */
const repoRoot = resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(repoRoot, file), 'utf8');
const readme = read('README.md');
const docPages = readdirSync(join(repoRoot, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const allPages = ['README.md', ...docPages];

/** Text outside fenced code blocks, where links and headings live. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, text] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = anchorOf(text as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

function relativeLinks(markdown: string): string[] {
  const links = [...prose(markdown).matchAll(/\]\(([^)\s]+)(?: "[^"]*")?\)/g)].map((m) => m[1] as string);
  return links.filter((link) => !/^[a-z]+:/i.test(link));
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`${heading}\n`);
  expect(start, `has a "${heading}" section`).toBeGreaterThan(-1);
  const level = heading.split(' ')[0] as string;
  const end = markdown.indexOf(`\n${level} `, start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  it('shows the two commands', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('stays a front door: at most 12 KB', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
  });

  it('links every page of docs/', () => {
    const linked = new Set(relativeLinks(readme).map((link) => link.split('#')[0]));
    for (const page of docPages) expect(linked, `README links ${page}`).toContain(page);
  });
});

describe('docs', () => {
  it.each(allPages)('%s: every relative link resolves inside the repository, anchors included', (page) => {
    const from = dirname(join(repoRoot, page));
    for (const link of relativeLinks(read(page))) {
      const [target = '', anchor] = link.split('#');
      const file = target === '' ? join(repoRoot, page) : resolve(from, decodeURI(target));
      expect(relative(repoRoot, file).startsWith('..'), `${page} → ${link} stays in the repository`).toBe(false);
      expect(existsSync(file), `${page} → ${link} exists`).toBe(true);
      if (anchor !== undefined && statSync(file).isFile() && file.endsWith('.md')) {
        expect(anchorsIn(readFileSync(file, 'utf8')), `${page} → ${link} names a heading`).toContain(anchor);
      }
    }
  });

  it.each(allPages)('%s: sends no reader outside the repository and leaves no placeholder', (page) => {
    const text = read(page);
    expect(text).not.toMatch(/\]\(\.\.\/\.\.\/|\(\.\.\/shared\//);
    expect(text).not.toMatch(/\b[A-Z]+_(SECTION|OUTPUT|TABLE)\b/);
  });

  it('documents the webhook payload exactly as the code builds it', () => {
    const block = /```json\n([\s\S]*?)\n```/.exec(read('docs/webhooks.md'))?.[1];
    expect(block).toBeDefined();
    expect(JSON.parse(block as string)).toEqual(exampleWebhookPayload());
  });

  it('lists every environment variable a handler reads', () => {
    const environment = section(read('docs/configuration.md'), '## Environment of the Lambda functions');
    for (const name of envVariableNames) expect(environment).toContain(`\`${name}\``);
  });
});
