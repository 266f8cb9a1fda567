import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import {
  builtinTopics,
  formatEvaluationReport,
  parseTopicDefinition,
  parseTopicFile,
  previewTopic,
  TopicDefinitionError,
  type PreviewItem,
  type TopicDefinition,
  type TopicPreview,
} from '../../shared/classify/index.ts';
import type { CliIo } from '../io.ts';
import { inputName, readJsonLines, writeOut } from '../json-lines.ts';
import { prepareConfig } from '../prepare-config.ts';

/** One topic as `topics list` shows it. */
export interface TopicListing {
  id: string;
  label: string;
  description?: string;
  threshold: number;
  /** "built-in", or the config file the topic comes from. */
  source: string;
  rules: number;
}

/**
 * `news-alerts topics list [--config FILE] [--json]`: the built-in topics and, with a config
 * file, its user topics (validated as `run` validates them): id, label, threshold, source and
 * description. A config file that fails validation is an error naming the field (exit 1).
 */
export async function runTopicsList(options: { config?: string | undefined; json: boolean }, io: CliIo): Promise<number> {
  const builtinIds = new Set(builtinTopics.map((t) => t.id));
  const topics: TopicDefinition[] = options.config === undefined ? builtinTopics : (await prepareConfig(options.config)).topics;
  const listing: TopicListing[] = topics.map((topic) => {
    const entry: TopicListing = {
      id: topic.id,
      label: topic.label,
      threshold: topic.threshold,
      source: builtinIds.has(topic.id) ? 'built-in' : (options.config as string),
      rules: topic.rules.length,
    };
    if (topic.description !== undefined) entry.description = topic.description;
    return entry;
  });
  if (options.json) {
    await writeOut(io.stdout, `${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  const idWidth = Math.max(2, ...listing.map((t) => t.id.length));
  const labelWidth = Math.max(5, ...listing.map((t) => t.label.length));
  const lines = [`${'id'.padEnd(idWidth)}  ${'label'.padEnd(labelWidth)}  threshold  rules  source`];
  for (const t of listing) {
    lines.push(
      `${t.id.padEnd(idWidth)}  ${t.label.padEnd(labelWidth)}  ${t.threshold.toFixed(2).padStart(9)}  ${String(t.rules).padStart(5)}  ${t.source}`,
    );
    if (t.description !== undefined) lines.push(`${' '.repeat(idWidth + 2)}${shorten(t.description, 100)}`);
  }
  await writeOut(io.stdout, `${lines.join('\n')}\n`);
  return 0;
}

/** One line of the items file of `topics test`: an item, optionally with the topics a person gave it. */
const previewInputSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  title: z.string(),
  summary: z.string().optional(),
  labels: z.array(z.string()).optional(),
});

/**
 * `news-alerts topics test TOPIC_FILE ITEMS.jsonl [--json]`: previews a topic file (JSON, or YAML
 * by its extension) against JSON Lines items: the items it matches with score and matched
 * phrases, the near misses, and, when lines carry `labels`, precision / recall / F1 of the topic.
 * A malformed topic file is an error naming the field (exit 1); so is an unreadable items file.
 * Bad item lines are reported with their line number and left out (exit 1).
 */
export async function runTopicsTest(options: { topicFile: string; itemsFile: string; json: boolean }, io: CliIo): Promise<number> {
  const topic = await readTopicFile(options.topicFile);
  const items: PreviewItem[] = [];
  let failures = 0;
  try {
    for await (const entry of readJsonLines(options.itemsFile, io.stdin, previewInputSchema)) {
      if (!entry.ok) {
        failures += 1;
        await writeOut(io.stderr, `topics test: line ${entry.line}: ${entry.error} (${inputName(options.itemsFile)})\n`);
        continue;
      }
      const { id, title, summary, labels } = entry.value;
      const item: PreviewItem = { id: id === undefined ? String(entry.line) : String(id), title };
      if (summary !== undefined) item.summary = summary;
      if (labels !== undefined) item.labels = labels;
      items.push(item);
    }
  } catch (error) {
    await writeOut(io.stderr, `topics test: cannot read ${inputName(options.itemsFile)}: ${(error as Error).message}\n`);
    return 1;
  }
  const preview = previewTopic(topic, items);
  await writeOut(io.stdout, options.json ? `${JSON.stringify(preview, null, 2)}\n` : formatPreview(preview));
  return failures === 0 ? 0 : 1;
}

/** Reads and validates a topic file; errors name the file and, for the schema, each field. */
async function readTopicFile(file: string): Promise<TopicDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new TopicDefinitionError(`topic file cannot be read: ${why} (${file})`, { source: file, cause: error });
  }
  const extension = extname(file).toLowerCase();
  if (extension !== '.yaml' && extension !== '.yml') return parseTopicFile(text, file);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new TopicDefinitionError(`topic file invalid: not YAML: ${(error as Error).message} (${file})`, { source: file, cause: error });
  }
  return parseTopicDefinition(raw, file);
}

/** The preview as text: matches with their explanation, near misses, then the figures against the labels. */
export function formatPreview(preview: TopicPreview): string {
  const { topic } = preview;
  const lines = [
    `topic ${topic.id} "${topic.label}" (threshold ${topic.threshold}): ${preview.matches.length} of ${preview.items} items match`,
  ];
  if (preview.matches.length > 0) {
    lines.push('', 'matches (score, id, title, matched phrases):');
    for (const m of preview.matches) {
      lines.push(`  ${m.score.toFixed(3)}  ${m.id}  ${m.title}`);
      lines.push(`         matched: ${m.matched.map((p) => `${p.text} (${p.field}, ${p.rule})`).join('; ')}`);
    }
  }
  if (preview.nearMisses.length > 0) {
    lines.push('', 'near misses (a rule matched, the topic did not pass):');
    for (const m of preview.nearMisses) {
      const why = m.vetoedBy !== undefined ? `vetoed by "${m.vetoedBy}"` : `rules: ${m.rules.join(', ')}`;
      lines.push(`  ${m.score.toFixed(3)}  ${m.id}  ${m.title}  [${why}]`);
    }
  }
  const { evaluation } = preview;
  const { truePositives, falsePositives, falseNegatives } = evaluation?.scores ?? {
    truePositives: 0,
    falsePositives: 0,
    falseNegatives: 0,
  };
  if (evaluation === undefined) {
    lines.push(
      '',
      `precision / recall: nothing to measure (no line carries "labels"; add "labels": ["${topic.id}"] to the lines that are about it)`,
    );
  } else if (truePositives + falsePositives + falseNegatives === 0) {
    // Precision and recall of nothing are 1 by convention: printing them would read as a perfect topic.
    lines.push(
      '',
      `precision / recall: nothing to measure (none of the ${evaluation.labelled} labelled items is labelled "${topic.id}" or matched by it)`,
    );
  } else {
    lines.push('', `against the labels of ${evaluation.labelled} items:`);
    const report = formatEvaluationReport(
      {
        items: evaluation.labelled,
        topics: [evaluation.scores],
        micro: { ...evaluation.scores, topic: 'micro' },
        unlabelledFlagged: { items: 0, flagged: 0, rate: 0 },
        falsePositives: evaluation.falsePositives,
        falseNegatives: evaluation.falseNegatives,
      },
      { errors: true },
    );
    // The table without its "N items" line, the micro row (one topic) and the no-topic line.
    lines.push(
      ...report
        .trimEnd()
        .split('\n')
        .slice(1)
        .filter((line) => !line.startsWith('micro ') && !line.startsWith('items labelled with no topic')),
    );
  }
  return `${lines.join('\n')}\n`;
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
