import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTopics, builtinTopicSummaries, parseTopicDefinition } from '../../../shared/classify/index.ts';

// The built-in topics are used as shipped, unvalidated at start-up: this is their validation.
const topicsDir = join(import.meta.dirname, '../../../shared/classify/topics');
const files = readdirSync(topicsDir).filter((name) => name.endsWith('.json'));

describe('built-in topic files', () => {
  it('are every file of the topics folder, in the list the functions use', () => {
    const ids = files.map((name) => (JSON.parse(readFileSync(join(topicsDir, name), 'utf8')) as { id: string }).id);
    expect(builtinTopics.map((topic) => topic.id).sort()).toEqual(ids.sort());
  });

  it.each(files)('%s is valid and already in its validated form (every default written out)', (name) => {
    const raw: unknown = JSON.parse(readFileSync(join(topicsDir, name), 'utf8'));
    expect(parseTopicDefinition(raw, name)).toStrictEqual(raw);
    expect(builtinTopics.find((topic) => topic.id === (raw as { id: string }).id)).toStrictEqual(raw);
  });

  it("are summarized as they are written: the summaries the topic list reads hold each file's id, label and description", () => {
    expect(builtinTopicSummaries).toEqual(
      builtinTopics.map((topic) => ({ id: topic.id, label: topic.label, description: topic.description })),
    );
  });
});
