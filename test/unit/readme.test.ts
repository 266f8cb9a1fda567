import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envVariableNames } from '../../shared/config/env.ts';
import { exampleWebhookPayload } from '../../shared/delivery/webhook-payload.ts';

/** The README is the front door: the parts generated from code must stay equal to the code. */
const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, `README has a "## ${heading}" section`).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('README', () => {
  it('shows the two commands and the test command', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });

  it('documents the webhook payload exactly as the code builds it', () => {
    const block = /```json\n([\s\S]*?)\n```/.exec(section('The webhook payload'))?.[1];
    expect(block).toBeDefined();
    expect(JSON.parse(block as string)).toEqual(exampleWebhookPayload());
  });

  it('lists every environment variable a handler reads', () => {
    for (const name of envVariableNames) expect(readme).toContain(`\`${name}\``);
  });

  it('has no placeholder left', () => {
    expect(readme).not.toMatch(/\b[A-Z]+_(SECTION|OUTPUT|TABLE)\b/);
  });
});
