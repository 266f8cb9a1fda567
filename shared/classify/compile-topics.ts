import { TopicDefinitionError } from './errors.ts';
import { standardLexicon } from './lexicon.ts';
import { parsePhrase, wordVariants, type PatternWord } from './phrase.ts';
import { PhraseTrie } from './phrase-trie.ts';
import type { ContextClause, TopicDefinition } from './topic-schema.ts';

/** Largest number of word sequences one written phrase may expand to through lexicon classes. */
const MAX_EXPANSIONS = 20_000;

export interface CompiledClause {
  /** Numbers the clauses of all topics from 0 (for per-item caches). */
  id: number;
  set: number;
  within: number | undefined;
  distinct: number;
}

export interface CompiledRule {
  id: string;
  weight: number;
  set: number;
  requires: CompiledClause[];
  exclude: CompiledClause[];
  /** Whether the rule reads the title (index 0) and the summary (index 1). */
  fields: [boolean, boolean];
  /** The largest field weight among the fields the rule reads: the most one match can count. */
  bestFieldWeight: number;
}

export interface CompiledTopic {
  id: string;
  label: string;
  threshold: number;
  /** Weights of the title (index 0) and the summary (index 1). */
  fieldWeights: [number, number];
  rules: CompiledRule[];
  /** The rules with a positive weight (what can make the topic pass). */
  positiveRules: CompiledRule[];
  blockSet: number | undefined;
  excludeSet: number | undefined;
}

interface Expansion {
  written: string;
  words: PatternWord[];
  hyphenJoins: boolean[];
  /** Its word sequences (see `variantsOf`), once worked out. */
  variants?: PatternWord[][];
}

const NO_EXPANSION: Expansion = { written: '', words: [], hyphenJoins: [] };

/** An expansion's word sequences (see `wordVariants`), worked out once per expansion. */
function variantsOf(expansion: Expansion): PatternWord[][] {
  expansion.variants ??= wordVariants(expansion.words, expansion.hyphenJoins);
  return expansion.variants;
}

/**
 * Builds the shared trie and the per-topic rule tables. A "set" is one phrase list of one topic
 * (a rule's phrases, a context clause, the block or exclude list); every distinct word sequence
 * is one trie entry, which records the sets it belongs to.
 */
export class TopicCompiler {
  readonly trie = new PhraseTrie();
  /** Per phrase id: the sets it belongs to, and (same index) the phrase as written there. */
  readonly memberSets: number[][] = [];
  readonly memberWritten: string[][] = [];
  /** Per set: the index of the topic it belongs to. */
  readonly topicsBySet: number[] = [];
  /** Clauses compiled so far (their ids are 0 up to this). */
  clauseCount = 0;
  /** Per trie node, the id of the word sequence ending there (one node per distinct sequence). */
  private readonly phraseIdByNode: number[] = [];
  private readonly standardCache = new Map<string, Expansion[]>();
  private topicIndex = -1;

  compileTopic(topic: TopicDefinition): CompiledTopic {
    this.topicIndex += 1;
    const topicCache = new Map<string, Expansion[]>();
    const expandClass = (name: string, trail: string[]): Expansion[] => {
      if (trail.includes(name)) {
        throw new TopicDefinitionError(
          `topic definition invalid: lexicon class cycle ${[...trail, name].map((n) => `@${n}`).join(' → ')} (topic "${topic.id}")`,
        );
      }
      const own = topic.lexicon[name];
      const cache = own ? topicCache : this.standardCache;
      const cached = cache.get(name);
      if (cached) return cached;
      const entries = own ?? standardLexicon[name];
      if (!entries) throw new TopicDefinitionError(`topic definition invalid: unknown lexicon class "@${name}" (topic "${topic.id}")`);
      const expansions = entries.flatMap((entry) => expand(entry, [...trail, name]));
      cache.set(name, expansions);
      return expansions;
    };
    const expand = (phrase: string, trail: string[]): Expansion[] => {
      const parsed = parsePhrase(phrase);
      if ('error' in parsed) throw new TopicDefinitionError(`topic definition invalid: ${parsed.error} (topic "${topic.id}")`);
      const [first, ...rest] = parsed.parts;
      // A phrase that is one class reference ("@state") stands for the class's expansions as
      // they are: shared, so their word variants are worked out once (see `variantsOf`).
      if (first?.kind === 'class' && rest.length === 0) {
        const expansions = expandClass(first.name, trail);
        if (expansions.length > MAX_EXPANSIONS) {
          throw new TopicDefinitionError(
            `topic definition invalid: phrase "${phrase}" expands to more than ${MAX_EXPANSIONS} phrases (topic "${topic.id}")`,
          );
        }
        return expansions;
      }
      let result: Expansion[] = [NO_EXPANSION];
      for (const part of parsed.parts) {
        const options: Expansion[] =
          part.kind === 'class' ? expandClass(part.name, trail) : [{ written: '', words: part.words, hyphenJoins: part.hyphenJoins }];
        if (result.length * options.length > MAX_EXPANSIONS) {
          throw new TopicDefinitionError(
            `topic definition invalid: phrase "${phrase}" expands to more than ${MAX_EXPANSIONS} phrases (topic "${topic.id}")`,
          );
        }
        const next: Expansion[] = [];
        for (const r of result) {
          for (const o of options) {
            next.push({
              written: join(r.written, part.kind === 'class' ? o.written : part.text),
              words: r.words.length === 0 ? o.words : r.words.concat(o.words),
              hyphenJoins: r.hyphenJoins.length === 0 ? o.hyphenJoins : r.hyphenJoins.concat(o.hyphenJoins),
            });
          }
        }
        result = next;
      }
      return result;
    };
    const join = (a: string, b: string): string => (a ? `${a} ${b}` : b);

    // Clauses that list the same phrases ("@state", "@armed-group") share one set, so a hit
    // is filed once per distinct list rather than once per clause.
    const setsByList = new Map<string, number>();
    const addSet = (phrases: readonly string[]): number => {
      const listKey = JSON.stringify([...phrases].sort());
      const existing = setsByList.get(listKey);
      if (existing !== undefined) return existing;
      const set = this.topicsBySet.length;
      setsByList.set(listKey, set);
      this.topicsBySet.push(this.topicIndex);
      for (const phrase of phrases) {
        for (const expansion of expand(phrase, [])) {
          for (const words of variantsOf(expansion)) {
            const node = this.trie.path(words);
            let id = this.phraseIdByNode[node];
            if (id === undefined) {
              id = this.memberSets.length;
              this.phraseIdByNode[node] = id;
              this.memberSets.push([]);
              this.memberWritten.push([]);
              this.trie.addEnd(node, id);
            }
            const sets = this.memberSets[id] as number[];
            if (!sets.includes(set)) {
              sets.push(set);
              (this.memberWritten[id] as string[]).push(expansion.written);
            }
          }
        }
      }
      return set;
    };
    const compileClause = (clause: ContextClause): CompiledClause => ({
      id: this.clauseCount++,
      set: addSet(clause.any),
      within: clause.within,
      distinct: clause.distinct ?? 1,
    });

    const blockSet = topic.block.length > 0 ? addSet(topic.block) : undefined;
    const excludeSet = topic.exclude.length > 0 ? addSet(topic.exclude) : undefined;
    const rules = topic.rules.map((rule): CompiledRule => {
      const fields: [boolean, boolean] = [!rule.fields || rule.fields.includes('title'), !rule.fields || rule.fields.includes('summary')];
      return {
        id: rule.id,
        weight: rule.weight,
        set: addSet(rule.phrases),
        requires: rule.requires.map(compileClause),
        exclude: rule.exclude.map(compileClause),
        fields,
        bestFieldWeight: Math.max(fields[0] ? topic.fieldWeights.title : 0, fields[1] ? topic.fieldWeights.summary : 0),
      };
    });
    return {
      id: topic.id,
      label: topic.label,
      threshold: topic.threshold,
      fieldWeights: [topic.fieldWeights.title, topic.fieldWeights.summary],
      rules,
      positiveRules: rules.filter((rule) => rule.weight > 0),
      blockSet,
      excludeSet,
    };
  }
}
