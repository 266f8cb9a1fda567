import { TopicDefinitionError } from './errors.ts';
import { standardLexicon } from './lexicon.ts';
import { parsePhrase, patternKey, wordVariants, type PatternWord } from './phrase.ts';
import { PhraseTrie } from './phrase-trie.ts';
import { toClassifierText } from './plain-text.ts';
import { parseTopicDefinition, type ContextClause, type TopicDefinition, type TopicDefinitionInput } from './topic-schema.ts';
import { tokenize, type Token } from './tokenize.ts';
import type { ClassifiableItem, MatchedPhrase, TopicMatch } from './types.ts';

type FieldName = 'title' | 'summary';
const FIELDS: readonly FieldName[] = ['title', 'summary'];

/** How one rule fared on an item (for `evaluate`). */
export interface RuleOutcome {
  rule: string;
  weight: number;
  /** `weight × field weight` of the rule's best valid match. */
  contribution: number;
  matched: MatchedPhrase[];
}

/** A topic's full evaluation of an item, passing or not. */
export interface TopicEvaluation {
  topic: string;
  label: string;
  score: number;
  passed: boolean;
  rules: RuleOutcome[];
  /** Set when an item-level exclusion vetoed the topic: the phrase found. */
  vetoedBy?: MatchedPhrase;
}

/** The classifier: all topics compiled once, each item read in one pass. */
export interface TopicEngine {
  /** The topics an item passes, each with a score in [0, 1] and the matched phrases; best first. */
  classify(item: ClassifiableItem): TopicMatch[];
  /** Ids of the compiled topics, in the order given. */
  topicIds(): string[];
  /** Every topic with any match, passing or not, with each rule's contribution (for tuning and `topics test`). */
  evaluate(item: ClassifiableItem): TopicEvaluation[];
}

/** Largest number of word sequences one written phrase may expand to through lexicon classes. */
const MAX_EXPANSIONS = 20_000;
/** Most explanation entries reported per topic. */
const MAX_MATCHED = 12;

interface CompiledClause {
  set: number;
  within: number | undefined;
  distinct: number;
}

interface CompiledRule {
  id: string;
  weight: number;
  set: number;
  requires: CompiledClause[];
  exclude: CompiledClause[];
  fields: Record<FieldName, boolean>;
}

interface CompiledTopic {
  id: string;
  label: string;
  threshold: number;
  fieldWeights: Record<FieldName, number>;
  rules: CompiledRule[];
  blockSet: number | undefined;
  excludeSet: number | undefined;
}

/** A phrase occurrence in one field, attributed to one phrase set. */
interface Occurrence {
  field: FieldName;
  start: number;
  end: number;
  written: string;
}

interface FieldText {
  text: string;
  tokens: Token[];
}

interface Expansion {
  written: string;
  words: PatternWord[];
  hyphenJoins: boolean[];
}

/**
 * Compiles topic definitions (validating them) into one engine. Every phrase of every topic,
 * lexicon classes expanded, goes into one token trie; classifying an item tokenizes each field
 * once, walks the trie once, then scores only the rules whose phrases were found.
 */
export function createTopicEngine(topics: readonly TopicDefinitionInput[]): TopicEngine {
  const definitions = topics.map((t) => parseTopicDefinition(t));
  const ids = new Set<string>();
  for (const t of definitions) {
    if (ids.has(t.id)) throw new TopicDefinitionError(`topic engine invalid: duplicate topic id "${t.id}"`);
    ids.add(t.id);
  }
  const compiler = new TopicCompiler();
  const compiled = definitions.map((t) => compiler.compileTopic(t));
  const trie = compiler.trie;
  const memberships = compiler.memberships;
  const topicsBySet = compiler.topicsBySet;

  function collect(item: ClassifiableItem): { fields: Record<FieldName, FieldText>; bySet: Map<number, Occurrence[]>; touched: Set<number> } {
    const fields = {
      title: readField(item.title),
      summary: readField(item.summary ?? ''),
    };
    const bySet = new Map<number, Occurrence[]>();
    const touched = new Set<number>();
    for (const field of FIELDS) {
      for (const hit of trie.match(fields[field].tokens)) {
        for (const member of memberships[hit.phrase] ?? []) {
          const list = bySet.get(member.set);
          const occurrence = { field, start: hit.start, end: hit.end, written: member.written };
          if (list) list.push(occurrence);
          else bySet.set(member.set, [occurrence]);
          touched.add(topicsBySet[member.set] as number);
        }
      }
    }
    return { fields, bySet, touched };
  }

  function evaluateAll(item: ClassifiableItem, onlyPassing: boolean): TopicEvaluation[] {
    const { fields, bySet, touched } = collect(item);
    const results: TopicEvaluation[] = [];
    for (const index of touched) {
      const evaluation = evaluateTopic(compiled[index] as CompiledTopic, bySet, fields, onlyPassing);
      if (evaluation && (!onlyPassing || evaluation.passed)) results.push(evaluation);
    }
    results.sort((a, b) => b.score - a.score || a.topic.localeCompare(b.topic));
    return results;
  }

  return {
    classify(item) {
      return evaluateAll(item, true).map((e) => ({
        topic: e.topic,
        label: e.label,
        score: e.score,
        matched: explanation(e.rules),
      }));
    },
    topicIds: () => compiled.map((t) => t.id),
    evaluate: (item) => evaluateAll(item, false),
  };
}

function readField(raw: string): FieldText {
  const text = toClassifierText(raw);
  return { text, tokens: tokenize(text) };
}

function wordsOf(field: FieldText, o: Occurrence): string {
  let words = '';
  for (let i = o.start; i < o.end; i += 1) words += `${(field.tokens[i] as Token).key} `;
  return words;
}

function gap(a: Occurrence, b: Occurrence): number {
  return Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
}

function evaluateTopic(
  topic: CompiledTopic,
  bySet: Map<number, Occurrence[]>,
  fields: Record<FieldName, FieldText>,
  onlyPassing: boolean,
): TopicEvaluation | undefined {
  const blocks = topic.blockSet === undefined ? undefined : bySet.get(topic.blockSet);
  const visibleCache = new Map<number, Occurrence[]>();
  const visible = (set: number): Occurrence[] => {
    const all = bySet.get(set);
    if (all === undefined) return NONE;
    if (blocks === undefined || set === topic.blockSet) return all;
    let shown = visibleCache.get(set);
    if (shown === undefined) {
      // A block hides what lies inside or across it, not a match that covers all of it.
      shown = all.filter(
        (o) => !blocks.some((b) => b.field === o.field && b.start < o.end && o.start < b.end && !(o.start <= b.start && o.end >= b.end)),
      );
      visibleCache.set(set, shown);
    }
    return shown;
  };
  const near = (clause: CompiledClause, match: Occurrence) => (o: Occurrence) =>
    clause.within === undefined || (o.field === match.field && gap(o, match) <= clause.within);
  const findContext = (clause: CompiledClause, match: Occurrence): Occurrence | undefined => {
    if (clause.distinct <= 1) return visible(clause.set).find(near(clause, match));
    // Several different phrases are needed: count distinct folded texts among the nearby ones.
    const texts = new Set<string>();
    let first: Occurrence | undefined;
    for (const o of visible(clause.set).filter(near(clause, match))) {
      texts.add(wordsOf(fields[o.field], o));
      first ??= o;
      if (texts.size >= clause.distinct) return first;
    }
    return undefined;
  };
  const toMatched = (o: Occurrence, rule: string): MatchedPhrase => {
    const field = fields[o.field];
    const from = (field.tokens[o.start] as Token).start;
    const to = (field.tokens[o.end - 1] as Token).end;
    return { phrase: o.written, text: field.text.slice(from, to), field: o.field, position: from, rule };
  };

  if (topic.excludeSet !== undefined) {
    const veto = visible(topic.excludeSet)[0];
    if (veto !== undefined) {
      if (onlyPassing) return undefined;
      return { topic: topic.id, label: topic.label, score: 0, passed: false, rules: [], vetoedBy: toMatched(veto, 'exclude') };
    }
  }

  let sum = 0;
  let positive = false;
  const rules: RuleOutcome[] = [];
  for (const rule of topic.rules) {
    const candidates = visible(rule.set);
    if (candidates.length === 0) continue;
    let bestWeight = 0;
    const valid: Occurrence[] = [];
    const context: Occurrence[] = [];
    for (const occurrence of candidates) {
      if (!rule.fields[occurrence.field]) continue;
      const found: Occurrence[] = [];
      let ok = true;
      for (const clause of rule.requires) {
        const hit = findContext(clause, occurrence);
        if (hit === undefined) {
          ok = false;
          break;
        }
        found.push(hit);
      }
      if (!ok || rule.exclude.some((clause) => findContext(clause, occurrence) !== undefined)) continue;
      valid.push(occurrence);
      if (context.length === 0) context.push(...found);
      bestWeight = Math.max(bestWeight, topic.fieldWeights[occurrence.field]);
    }
    if (valid.length === 0) continue;
    const contribution = rule.weight * bestWeight;
    sum += contribution;
    if (rule.weight > 0) positive = true;
    rules.push({
      rule: rule.id,
      weight: rule.weight,
      contribution,
      matched: [...longestFirst(valid), ...context].map((o) => toMatched(o, rule.id)),
    });
  }
  if (rules.length === 0) return undefined;
  const score = sum > 0 ? round3(1 - Math.exp(-sum)) : 0;
  return { topic: topic.id, label: topic.label, score, passed: positive && score >= topic.threshold, rules };
}

const NONE: Occurrence[] = [];

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** Valid matches of one rule, overlapping ones reduced to the longest ("peace talks" over "talks"). */
function longestFirst(occurrences: Occurrence[]): Occurrence[] {
  const sorted = [...occurrences].sort((a, b) => b.end - b.start - (a.end - a.start));
  const kept: Occurrence[] = [];
  for (const o of sorted) {
    if (!kept.some((k) => k.field === o.field && k.start < o.end && o.start < k.end)) kept.push(o);
  }
  return kept;
}

/** The explanation of a passing topic: the phrases of its positive rules, title first, each once. */
function explanation(rules: RuleOutcome[]): MatchedPhrase[] {
  const seen = new Set<string>();
  const matched: MatchedPhrase[] = [];
  for (const outcome of [...rules].sort((a, b) => b.contribution - a.contribution)) {
    if (outcome.weight <= 0) continue;
    for (const m of outcome.matched) {
      const key = `${m.field}:${m.position}:${m.text.length}`;
      if (seen.has(key)) continue;
      seen.add(key);
      matched.push(m);
    }
  }
  return matched
    .slice(0, MAX_MATCHED)
    .sort((a, b) => (a.field === b.field ? a.position - b.position : a.field === 'title' ? -1 : 1));
}

/** Builds the shared trie and the per-topic rule tables. */
class TopicCompiler {
  readonly trie = new PhraseTrie();
  /** Per phrase id: the sets it belongs to, with the phrase as the topic wrote it there. */
  readonly memberships: Array<Array<{ set: number; written: string }>> = [];
  /** Per set: the index of the topic it belongs to. */
  readonly topicsBySet: number[] = [];
  private readonly phraseIds = new Map<string, number>();
  private readonly standardCache = new Map<string, Expansion[]>();
  private topicIndex = -1;

  compileTopic(topic: TopicDefinition): CompiledTopic {
    this.topicIndex += 1;
    const topicCache = new Map<string, Expansion[]>();
    const expandClass = (name: string, trail: string[]): Expansion[] => {
      if (trail.includes(name)) {
        throw new TopicDefinitionError(`topic definition invalid: lexicon class cycle ${[...trail, name].map((n) => `@${n}`).join(' → ')} (topic "${topic.id}")`);
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
      let result: Expansion[] = [{ written: '', words: [], hyphenJoins: [] }];
      for (const part of parsed.parts) {
        const options: Expansion[] =
          part.kind === 'class'
            ? expandClass(part.name, trail)
            : [{ written: '', words: part.words, hyphenJoins: part.hyphenJoins }];
        if (result.length * options.length > MAX_EXPANSIONS) {
          throw new TopicDefinitionError(
            `topic definition invalid: phrase "${phrase}" expands to more than ${MAX_EXPANSIONS} phrases (topic "${topic.id}")`,
          );
        }
        result = result.flatMap((r) =>
          options.map((o) => ({
            written: join(r.written, part.kind === 'class' ? o.written : part.text),
            words: [...r.words, ...o.words],
            hyphenJoins: [...r.hyphenJoins, ...o.hyphenJoins],
          })),
        );
      }
      return result;
    };
    const join = (a: string, b: string): string => (a ? `${a} ${b}` : b);

    const addSet = (phrases: readonly string[]): number => {
      const set = this.topicsBySet.length;
      this.topicsBySet.push(this.topicIndex);
      for (const phrase of phrases) {
        for (const expansion of expand(phrase, [])) {
          for (const words of wordVariants(expansion.words, expansion.hyphenJoins)) {
            const key = patternKey(words);
            let id = this.phraseIds.get(key);
            if (id === undefined) {
              id = this.memberships.length;
              this.phraseIds.set(key, id);
              this.memberships.push([]);
              this.trie.insert(words, id);
            }
            const members = this.memberships[id] as Array<{ set: number; written: string }>;
            if (!members.some((m) => m.set === set)) members.push({ set, written: expansion.written });
          }
        }
      }
      return set;
    };
    const compileClause = (clause: ContextClause): CompiledClause => ({
      set: addSet(clause.any),
      within: clause.within,
      distinct: clause.distinct ?? 1,
    });

    return {
      id: topic.id,
      label: topic.label,
      threshold: topic.threshold,
      fieldWeights: { title: topic.fieldWeights.title, summary: topic.fieldWeights.summary },
      blockSet: topic.block.length > 0 ? addSet(topic.block) : undefined,
      excludeSet: topic.exclude.length > 0 ? addSet(topic.exclude) : undefined,
      rules: topic.rules.map((rule) => ({
        id: rule.id,
        weight: rule.weight,
        set: addSet(rule.phrases),
        requires: rule.requires.map(compileClause),
        exclude: rule.exclude.map(compileClause),
        fields: { title: !rule.fields || rule.fields.includes('title'), summary: !rule.fields || rule.fields.includes('summary') },
      })),
    };
  }
}
