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
    /**
     * The options of each part of a written phrase: a lexicon class's expansions (shared), or
     * the part's own words. Throws when the phrase stands for more than `MAX_EXPANSIONS` sequences.
     */
    const optionsOf = (phrase: string, trail: string[]): Expansion[][] => {
      const parsed = parsePhrase(phrase);
      if ('error' in parsed) throw new TopicDefinitionError(`topic definition invalid: ${parsed.error} (topic "${topic.id}")`);
      const parts: Expansion[][] = [];
      let count = 1;
      for (const part of parsed.parts) {
        const options: Expansion[] =
          part.kind === 'class'
            ? expandClass(part.name, trail)
            : [{ written: part.text, words: part.words, hyphenJoins: part.hyphenJoins }];
        count *= options.length;
        if (count > MAX_EXPANSIONS) {
          throw new TopicDefinitionError(
            `topic definition invalid: phrase "${phrase}" expands to more than ${MAX_EXPANSIONS} phrases (topic "${topic.id}")`,
          );
        }
        parts.push(options);
      }
      return parts;
    };
    /**
     * Every combination of the parts' options, earlier parts first. A phrase of one part stands
     * for that part's options as they are: a class's are shared, so their word variants are
     * worked out once (see `variantsOf`).
     */
    const combine = (parts: Expansion[][]): Expansion[] => {
      if (parts.length === 1) return parts[0] as Expansion[];
      let result: Expansion[] = [NO_EXPANSION];
      for (const options of parts) {
        const next: Expansion[] = [];
        for (const r of result) {
          for (const o of options) {
            next.push({
              written: join(r.written, o.written),
              words: r.words.length === 0 ? o.words : r.words.concat(o.words),
              hyphenJoins: r.hyphenJoins.length === 0 ? o.hyphenJoins : r.hyphenJoins.concat(o.hyphenJoins),
            });
          }
        }
        result = next;
      }
      return result;
    };
    const expand = (phrase: string, trail: string[]): Expansion[] => combine(optionsOf(phrase, trail));
    const join = (a: string, b: string): string => (a ? `${a} ${b}` : b);

    /** Files the word sequence ending at trie node `node`, written `written`, under `set`. */
    const record = (node: number, written: string, set: number): void => {
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
        (this.memberWritten[id] as string[]).push(written);
      }
    };
    /**
     * Files every combination of `parts` from part `index` on, walking the trie part by part:
     * the nodes of a shared start ("sanctions on" of "sanctions on @state") are walked once, and
     * no combined word list is made. Only for parts whose options each read one way (no
     * hyphenated words): the sequences then come in the order `combine` and `variantsOf` give.
     */
    const recordCombinations = (parts: Expansion[][], index: number, node: number, written: string, set: number): void => {
      if (index === parts.length) {
        record(node, written, set);
        return;
      }
      for (const option of parts[index] as Expansion[]) {
        const next = this.trie.extend(node, (variantsOf(option) as PatternWord[][])[0] as PatternWord[]);
        recordCombinations(parts, index + 1, next, join(written, option.written), set);
      }
    };

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
        const parts = optionsOf(phrase, []);
        if (parts.every((options) => options.every((option) => variantsOf(option).length === 1))) {
          recordCombinations(parts, 0, this.trie.root, '', set);
          continue;
        }
        // Hyphenated words read two ways: each combination's variants, in `variantsOf`'s order.
        for (const expansion of combine(parts)) {
          for (const words of variantsOf(expansion)) record(this.trie.path(words), expansion.written, set);
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
