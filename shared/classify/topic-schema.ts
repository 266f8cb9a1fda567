import { z } from 'zod';
import { formatZodIssues } from '../core/validation-issues.ts';
import { TopicDefinitionError } from './errors.ts';
import { standardLexicon } from './lexicon.ts';
import { parsePhrase } from './phrase.ts';

/** A phrase as topic files write it (see `parsePhrase`): words, `word*` prefixes, `@class` refs. */
const phraseSchema = z
  .string()
  .max(200)
  .superRefine((value, ctx) => {
    const parsed = parsePhrase(value);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

const phraseListSchema = z.array(phraseSchema);

/**
 * Context around a rule's match: `any` of the phrases must occur (requires) or must not occur
 * (exclude). With `within`, only an occurrence in the same field at most that many words away
 * from the match counts (0 = touching or overlapping it); without it, anywhere in the item.
 * With `distinct`, that many different texts must be found (compared as folded words).
 */
export const contextClauseSchema = z
  .object({
    any: phraseListSchema.min(1),
    within: z.number().int().min(0).max(100).optional(),
    /** For `requires`: at least this many different phrases must occur ("two different states"). */
    distinct: z.number().int().min(1).max(10).optional(),
    note: z.string().max(500).optional(),
  })
  .strict();

/** A weighted group of phrases; it counts once per item, with the weight of its best field. */
export const topicRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and hyphens'),
    note: z.string().max(500).optional(),
    /** Evidence strength: 1 ≈ enough on its own in a summary; negative weights count against. */
    weight: z
      .number()
      .min(-5)
      .max(5)
      .refine((w) => w !== 0, 'must not be 0'),
    phrases: phraseListSchema.min(1),
    /** Every clause must hold for a match to count. */
    requires: z.array(contextClauseSchema).default([]),
    /** Any clause that holds vetoes the match. */
    exclude: z.array(contextClauseSchema).default([]),
    /** The fields the rule reads; both by default. */
    fields: z
      .array(z.enum(['title', 'summary']))
      .min(1)
      .optional(),
  })
  .strict();

const CLASS_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * A topic file. The score of an item is `1 - exp(-S)`, where S sums, over the rules that match,
 * `weight × fieldWeights[field of the rule's best match]`; the item passes when the score is at
 * least `threshold` and at least one positive rule matched. `exclude` phrases anywhere in the
 * item veto the topic; `block` phrases hide the topic's matches that overlap them ("Russia's Security
 * Council" hides "Security Council"; "hackathon" hides "hack*"), except a longer match covering
 * the whole block phrase, or the block phrase itself used in another list.
 */
export const topicDefinitionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and hyphens'),
    label: z.string().min(1).max(100),
    description: z.string().max(2000).optional(),
    threshold: z.number().gt(0).lt(1).default(0.5),
    fieldWeights: z
      .object({ title: z.number().min(0).max(5).default(1.5), summary: z.number().min(0).max(5).default(1) })
      .strict()
      .default({ title: 1.5, summary: 1 }),
    /** Named phrase lists for `@name` references, beside the standard lexicon's classes. */
    lexicon: z
      .record(z.string().regex(CLASS_NAME, 'class names are lower-case letters, digits and hyphens'), phraseListSchema.min(1))
      .default({}),
    block: phraseListSchema.default([]),
    exclude: phraseListSchema.default([]),
    rules: z.array(topicRuleSchema).min(1),
  })
  .strict()
  .superRefine((topic, ctx) => {
    const seen = new Set<string>();
    topic.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `duplicate rule id "${rule.id}"` });
      seen.add(rule.id);
    });
    if (!topic.rules.some((rule) => rule.weight > 0)) {
      ctx.addIssue({ code: 'custom', path: ['rules'], message: 'at least one rule needs a positive weight' });
    }
    for (const name of Object.keys(topic.lexicon)) {
      if (name in standardLexicon) {
        ctx.addIssue({ code: 'custom', path: ['lexicon', name], message: `"${name}" is a standard lexicon class; pick another name` });
      }
    }
    for (const { path, phrase } of everyPhrase(topic)) {
      const parsed = parsePhrase(phrase);
      if ('error' in parsed) continue;
      for (const part of parsed.parts) {
        if (part.kind === 'class' && !(part.name in topic.lexicon) && !(part.name in standardLexicon)) {
          ctx.addIssue({ code: 'custom', path, message: `unknown lexicon class "@${part.name}"` });
        }
      }
    }
  });

/** A validated topic definition (defaults applied). */
export type TopicDefinition = z.output<typeof topicDefinitionSchema>;
/** A topic definition as written, before defaults. */
export type TopicDefinitionInput = z.input<typeof topicDefinitionSchema>;
export type TopicRule = z.output<typeof topicRuleSchema>;
export type ContextClause = z.output<typeof contextClauseSchema>;

function* everyPhrase(topic: {
  lexicon: Record<string, string[]>;
  block: string[];
  exclude: string[];
  rules: Array<{ phrases: string[]; requires: ContextClause[]; exclude: ContextClause[] }>;
}): Generator<{ path: Array<string | number>; phrase: string }> {
  for (const [name, phrases] of Object.entries(topic.lexicon)) {
    for (const [i, phrase] of phrases.entries()) yield { path: ['lexicon', name, i], phrase };
  }
  for (const [i, phrase] of topic.block.entries()) yield { path: ['block', i], phrase };
  for (const [i, phrase] of topic.exclude.entries()) yield { path: ['exclude', i], phrase };
  for (const [r, rule] of topic.rules.entries()) {
    for (const [i, phrase] of rule.phrases.entries()) yield { path: ['rules', r, 'phrases', i], phrase };
    for (const kind of ['requires', 'exclude'] as const) {
      for (const [c, clause] of rule[kind].entries()) {
        for (const [i, phrase] of clause.any.entries()) yield { path: ['rules', r, kind, c, 'any', i], phrase };
      }
    }
  }
}

/**
 * Validates a topic definition (an object already parsed from JSON), throwing a
 * `TopicDefinitionError` whose message names every problem with its path.
 */
export function parseTopicDefinition(raw: unknown, source?: string): TopicDefinition {
  const result = topicDefinitionSchema.safeParse(raw);
  if (result.success) return result.data;
  const id =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
  const where = [id ? `topic "${id}"` : undefined, source].filter(Boolean).join(', ');
  throw new TopicDefinitionError(`topic definition invalid: ${formatZodIssues(result.error.issues)}${where ? ` (${where})` : ''}`, {
    source,
  });
}

/** Parses and validates the text of a topic file (JSON). */
export function parseTopicFile(text: string, source?: string): TopicDefinition {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TopicDefinitionError(`topic file invalid: not JSON: ${(error as Error).message}${source ? ` (${source})` : ''}`, {
      source,
      cause: error,
    });
  }
  return parseTopicDefinition(raw, source);
}
