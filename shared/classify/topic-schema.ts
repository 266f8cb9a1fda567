import * as z from '../core/zod.ts';
import { formatZodIssues } from '../core/validation-issues.ts';
import { TopicDefinitionError } from './errors.ts';
import { standardLexicon } from './lexicon.ts';
import { parsePhrase } from './phrase.ts';

/** A phrase as topic files write it (see `parsePhrase`): words, `word*` prefixes, `@class` refs. */
const phraseSchema = z.string().check(
  z.maxLength(200),
  z.superRefine((value, ctx) => {
    const parsed = parsePhrase(value);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  }),
);

const phraseListSchema = z.array(phraseSchema);

/**
 * Context around a rule's match: `any` of the phrases must occur (requires) or must not occur
 * (exclude). With `within`, only an occurrence in the same field at most that many words away
 * from the match counts (0 = touching or overlapping it); without it, anywhere in the item.
 * With `distinct`, that many different texts must be found (compared as folded words).
 */
export const contextClauseSchema = z.strictObject({
  any: phraseListSchema.check(z.minLength(1)),
  within: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(100))),
  /** For `requires`: at least this many different phrases must occur ("two different states"). */
  distinct: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10))),
  note: z.optional(z.string().check(z.maxLength(500))),
});

/** A weighted group of phrases; it counts once per item, with the weight of its best field. */
export const topicRuleSchema = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and hyphens')),
  note: z.optional(z.string().check(z.maxLength(500))),
  /** Evidence strength: 1 ≈ enough on its own in a summary; negative weights count against. */
  weight: z.number().check(
    z.minimum(-5),
    z.maximum(5),
    z.refine((w) => w !== 0, 'must not be 0'),
  ),
  phrases: phraseListSchema.check(z.minLength(1)),
  /** Every clause must hold for a match to count. */
  requires: z._default(z.array(contextClauseSchema), []),
  /** Any clause that holds vetoes the match. */
  exclude: z._default(z.array(contextClauseSchema), []),
  /** The fields the rule reads; both by default. */
  fields: z.optional(z.array(z.enum(['title', 'summary'])).check(z.minLength(1))),
});

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
  .strictObject({
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and hyphens')),
    label: z.string().check(z.minLength(1), z.maxLength(100)),
    description: z.optional(z.string().check(z.maxLength(2000))),
    threshold: z._default(z.number().check(z.gt(0), z.lt(1)), 0.5),
    fieldWeights: z._default(
      z.strictObject({
        title: z._default(z.number().check(z.minimum(0), z.maximum(5)), 1.5),
        summary: z._default(z.number().check(z.minimum(0), z.maximum(5)), 1),
      }),
      { title: 1.5, summary: 1 },
    ),
    /** Named phrase lists for `@name` references, beside the standard lexicon's classes. */
    lexicon: z._default(
      z.record(
        z.string().check(z.regex(CLASS_NAME, 'class names are lower-case letters, digits and hyphens')),
        phraseListSchema.check(z.minLength(1)),
      ),
      {},
    ),
    block: z._default(phraseListSchema, []),
    exclude: z._default(phraseListSchema, []),
    rules: z.array(topicRuleSchema).check(z.minLength(1)),
  })
  .check(
    z.superRefine((topic, ctx) => {
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
    }),
  );

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
  if (result.success) {
    validated.add(result.data);
    return result.data;
  }
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

/**
 * Definitions known valid: what `parseTopicDefinition` returned, and the built-in topics, whose
 * test validates them. A definition is validated where it enters (a file, the config, the topics
 * table), not again each time an engine is built from it.
 */
const validated = new WeakSet<TopicDefinition>();

/** Takes definitions as valid without validating them: only for ones a test validates (the built-ins). */
export function trustTopicDefinitions(definitions: TopicDefinition[]): TopicDefinition[] {
  for (const definition of definitions) validated.add(definition);
  return definitions;
}

/** A definition known valid as it is, else `parseTopicDefinition(raw)`. */
export function ensureTopicDefinition(raw: unknown): TopicDefinition {
  return typeof raw === 'object' && raw !== null && validated.has(raw as TopicDefinition)
    ? (raw as TopicDefinition)
    : parseTopicDefinition(raw);
}
