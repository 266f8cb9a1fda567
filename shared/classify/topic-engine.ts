import { TopicCompiler, type CompiledClause, type CompiledRule, type CompiledTopic } from './compile-topics.ts';
import { TopicDefinitionError } from './errors.ts';
import { HitList, type TrieHit } from './phrase-trie.ts';
import { toClassifierText } from '../core/classifier-text.ts';
import { ensureTopicDefinition, type TopicDefinitionInput } from './topic-schema.ts';
import { createSymbolStream, scanSymbols, tokenKey, type SymbolStream } from './scan-symbols.ts';
import type { WordIndex } from './word-index.ts';
import type { ClassifiableItem, MatchedPhrase, TopicMatch } from './types.ts';

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
}

/** The engine `createTopicEngine` builds: the contract plus what tuning and tools need. */
export interface InspectableTopicEngine extends TopicEngine {
  /** Every topic with any match, passing or not, with each rule's contribution (for tuning and `topics test`). */
  evaluate(item: ClassifiableItem): TopicEvaluation[];
  /** Every phrase the topics match on, lexicon classes expanded, as written (for baselines and tooling). */
  phrases(): string[];
}

/** Most explanation entries reported per topic. */
const MAX_MATCHED = 12;
const FIELD_NAMES = ['title', 'summary'] as const;
const NO_HITS: TrieHit[] = [];

interface FieldText {
  text: string;
  tokens: SymbolStream;
}

/** A rule that matched: its valid matches and the context that made the first one valid. */
interface RuleResult {
  rule: CompiledRule;
  contribution: number;
  valid: TrieHit[];
  context: TrieHit[];
}

interface TopicResult {
  topic: CompiledTopic;
  score: number;
  passed: boolean;
  rules: RuleResult[];
  veto: TrieHit | undefined;
}

/**
 * Compiles topic definitions (validating those not already validated, see
 * `ensureTopicDefinition`) into one engine. Every phrase of every topic,
 * lexicon classes expanded, goes into one token trie; classifying an item tokenizes each field
 * once, walks the trie once, then scores only the rules whose phrases were found.
 *
 * Score of a topic: `1 - exp(-S)`, S = sum over matching rules of `weight × field weight` of the
 * rule's best match; it passes at `score >= threshold` with at least one positive rule.
 */
export function createTopicEngine(topics: readonly TopicDefinitionInput[]): InspectableTopicEngine {
  const definitions = topics.map((t) => ensureTopicDefinition(t));
  const ids = new Set<string>();
  for (const t of definitions) {
    if (ids.has(t.id)) throw new TopicDefinitionError(`topic engine invalid: duplicate topic id "${t.id}"`);
    ids.add(t.id);
  }
  const compiler = new TopicCompiler();
  const compiled = definitions.map((t) => compiler.compileTopic(t));
  const { trie, memberSets, memberWritten, topicsBySet } = compiler;
  const setCount = topicsBySet.length;
  // The sets of each phrase, flat: memberList[memberStart[p]] up to memberList[memberStart[p + 1]].
  const memberStart = new Int32Array(memberSets.length + 1);
  memberSets.forEach((sets, phrase) => {
    memberStart[phrase + 1] = (memberStart[phrase] as number) + sets.length;
  });
  const memberList = Int32Array.from(memberSets.flat());
  /** The phrase as written in each of those sets, at the same index. */
  const writtenList = memberWritten.flat();

  /** Per set, the hits of its phrases in the current item (undefined: none; reset after each item). */
  const setHits: Array<TrieHit[] | undefined> = new Array(setCount).fill(undefined);
  const topicSeen = new Uint8Array(compiled.length);
  /** The sets and topics the current item's hits reached, in the order reached (each once). */
  const touchedSets = new Int32Array(setCount);
  const touchedTopics = new Int32Array(compiled.length);
  // Buffers reused from item to item (classify runs to completion before the next call).
  const titleTokens = createSymbolStream();
  const summaryTokens = createSymbolStream();
  const hits = new HitList();
  const scorer = new TopicScorer(setHits, setCount, compiler.clauseCount);

  const writtenFor = (hit: TrieHit, set: number): string => {
    const from = memberStart[hit.phrase] as number;
    const to = memberStart[hit.phrase + 1] as number;
    for (let m = from; m < to; m += 1) if (memberList[m] === set) return writtenList[m] as string;
    return writtenList[from] as string;
  };
  const toMatched = (fields: FieldText[], hit: TrieHit, set: number, rule: string): MatchedPhrase => {
    const field = fields[hit.field] as FieldText;
    const from = field.tokens.starts[hit.start] as number;
    const to = field.tokens.ends[hit.end - 1] as number;
    return {
      phrase: writtenFor(hit, set),
      text: field.text.slice(from, to),
      field: FIELD_NAMES[hit.field] as 'title' | 'summary',
      position: from,
      rule,
    };
  };

  function run(item: ClassifiableItem, onlyPassing: boolean): { fields: FieldText[]; results: TopicResult[] } {
    const fields = [readField(item.title, trie.words, titleTokens), readField(item.summary ?? '', trie.words, summaryTokens)];
    hits.clear();
    trie.match((fields[0] as FieldText).tokens, 0, hits);
    trie.match((fields[1] as FieldText).tokens, 1, hits);
    let setsTouched = 0;
    let topicsTouched = 0;
    for (let h = 0; h < hits.count; h += 1) {
      const hit = hits.items[h] as TrieHit;
      const end = memberStart[hit.phrase + 1] as number;
      for (let m = memberStart[hit.phrase] as number; m < end; m += 1) {
        const set = memberList[m] as number;
        const list = setHits[set];
        if (list === undefined) {
          setHits[set] = [hit];
          touchedSets[setsTouched++] = set;
          const topic = topicsBySet[set] as number;
          if (topicSeen[topic] === 0) {
            topicSeen[topic] = 1;
            touchedTopics[topicsTouched++] = topic;
          }
        } else {
          list.push(hit);
        }
      }
    }
    const results: TopicResult[] = [];
    try {
      for (let t = 0; t < topicsTouched; t += 1) {
        const topic = compiled[touchedTopics[t] as number] as CompiledTopic;
        if (onlyPassing && !mayPass(topic, setHits)) continue;
        const result = scorer.score(topic, fields, onlyPassing);
        if (result !== undefined && (!onlyPassing || result.passed)) results.push(result);
      }
    } finally {
      for (let t = 0; t < setsTouched; t += 1) setHits[touchedSets[t] as number] = undefined;
      for (let t = 0; t < topicsTouched; t += 1) topicSeen[touchedTopics[t] as number] = 0;
    }
    if (results.length > 1) sortSmall(results, byScoreThenId);
    return { fields, results };
  }

  const ruleOutcome = (fields: FieldText[], r: RuleResult): RuleOutcome => ({
    rule: r.rule.id,
    weight: r.rule.weight,
    contribution: r.contribution,
    matched: [
      ...longestFirst(r.valid).map((h) => toMatched(fields, h, r.rule.set, r.rule.id)),
      ...r.context.map((h, i) => toMatched(fields, h, (r.rule.requires[i] as CompiledClause).set, r.rule.id)),
    ],
  });

  return {
    classify(item) {
      const { fields, results } = run(item, true);
      // Plain loops: this is the hot path, and closures made per call cost under some loaders.
      const matches: TopicMatch[] = [];
      for (const r of results) {
        const matched: MatchedPhrase[] = [];
        for (const e of explain(r.rules)) matched.push(toMatched(fields, e.hit, e.set, e.rule));
        matches.push({ topic: r.topic.id, label: r.topic.label, score: r.score, matched });
      }
      return matches;
    },
    topicIds: () => compiled.map((t) => t.id),
    evaluate(item) {
      const { fields, results } = run(item, false);
      return results.map((r) => {
        const evaluation: TopicEvaluation = {
          topic: r.topic.id,
          label: r.topic.label,
          score: r.score,
          passed: r.passed,
          rules: r.rules.map((rule) => ruleOutcome(fields, rule)),
        };
        if (r.veto !== undefined) evaluation.vetoedBy = toMatched(fields, r.veto, r.topic.excludeSet as number, 'exclude');
        return evaluation;
      });
    },
    phrases: () => [...new Set(memberWritten.flat())],
  };
}

function readField(raw: string, words: WordIndex, into: SymbolStream): FieldText {
  const text = toClassifierText(raw);
  return { text, tokens: scanSymbols(text, words, into) };
}

/** Best score first; equal scores by topic id. */
function byScoreThenId(a: TopicResult, b: TopicResult): number {
  return b.score - a.score || a.topic.id.localeCompare(b.topic.id);
}

/** A topic's score, rounded as reported. */
function scoreOf(sum: number): number {
  return sum > 0 ? Math.round((1 - Math.exp(-sum)) * 1000) / 1000 : 0;
}

/**
 * Whether a topic could pass on these hits: its positive rules whose phrases were found, each
 * at its best field weight, reach the threshold. Context, blocks, vetoes and negative rules
 * can only lower that, so a topic that fails here is skipped without scoring.
 */
function mayPass(topic: CompiledTopic, setHits: ReadonlyArray<TrieHit[] | undefined>): boolean {
  let bound = 0;
  for (const rule of topic.positiveRules) {
    if (setHits[rule.set] !== undefined) bound += rule.weight * rule.bestFieldWeight;
  }
  return bound > 0 && scoreOf(bound) >= topic.threshold;
}

/** Words between two spans of the same field (0 when they touch or overlap). */
function gap(a: TrieHit, b: TrieHit): number {
  return Math.max(0, Math.max(a.start, b.start) - Math.min(a.end, b.end));
}

/**
 * Whether a block hides a hit: it does when they overlap, unless the hit covers the whole block
 * and is longer or is the block phrase itself (an exclusion naming "Russia's Security Council").
 */
function hides(block: TrieHit, hit: TrieHit): boolean {
  if (!overlaps(block, hit)) return false;
  const covers = hit.start <= block.start && hit.end >= block.end;
  return !(covers && (hit.end - hit.start > block.end - block.start || hit.phrase === block.phrase));
}

function hiddenByAny(blocks: readonly TrieHit[], hit: TrieHit): boolean {
  for (const block of blocks) if (hides(block, hit)) return true;
  return false;
}

function overlaps(a: TrieHit, b: TrieHit): boolean {
  return a.field === b.field && a.start < b.end && b.start < a.end;
}

/**
 * Scores one topic at a time on the current item's hits. One per engine, reused: its caches
 * are arrays stamped with the scoring they belong to, so nothing is cleared or allocated per item.
 */
class TopicScorer {
  private topic: CompiledTopic | undefined;
  private fields: FieldText[] = [];
  private blocks: TrieHit[] | undefined;
  /** Counts the scorings; a cache entry is valid when its stamp equals it. */
  private stamp = 0;
  /** Per set: its hits minus those a block hides. */
  private readonly visibleCache: Array<TrieHit[] | undefined>;
  private readonly visibleStamp: Int32Array;
  /** Per clause without `within`: it holds or fails for the whole item, so it is decided once. */
  private readonly itemLevel: Array<TrieHit | null>;
  private readonly itemLevelStamp: Int32Array;
  /** The context found for the candidate being checked (scratch, reused). */
  private readonly found: TrieHit[] = [];

  constructor(
    private readonly setHits: ReadonlyArray<TrieHit[] | undefined>,
    setCount: number,
    clauseCount: number,
  ) {
    this.visibleCache = new Array<TrieHit[] | undefined>(setCount).fill(undefined);
    this.visibleStamp = new Int32Array(setCount);
    this.itemLevel = new Array<TrieHit | null>(clauseCount).fill(null);
    this.itemLevelStamp = new Int32Array(clauseCount);
  }

  score(topic: CompiledTopic, fields: FieldText[], onlyPassing: boolean): TopicResult | undefined {
    this.stamp += 1;
    this.topic = topic;
    this.fields = fields;
    this.blocks = topic.blockSet === undefined ? undefined : this.setHits[topic.blockSet];
    if (topic.excludeSet !== undefined) {
      const veto = this.visible(topic.excludeSet)[0];
      if (veto !== undefined) {
        return onlyPassing ? undefined : { topic, score: 0, passed: false, rules: [], veto };
      }
    }
    let sum = 0;
    let positive = false;
    const rules: RuleResult[] = [];
    for (const rule of topic.rules) {
      const result = this.scoreRule(rule);
      if (result === undefined) continue;
      sum += result.contribution;
      if (rule.weight > 0) positive = true;
      rules.push(result);
    }
    if (rules.length === 0) return undefined;
    const score = scoreOf(sum);
    return { topic, score, passed: positive && score >= topic.threshold, rules, veto: undefined };
  }

  private scoreRule(rule: CompiledRule): RuleResult | undefined {
    const candidates = this.visible(rule.set);
    if (candidates.length === 0) return undefined;
    const fieldWeights = (this.topic as CompiledTopic).fieldWeights;
    const found = this.found;
    let bestWeight = 0;
    let valid: TrieHit[] | undefined;
    let context: TrieHit[] = [];
    for (const hit of candidates) {
      if (!rule.fields[hit.field]) continue;
      let foundCount = 0;
      let ok = true;
      for (const clause of rule.requires) {
        const near = this.findContext(clause, hit);
        if (near === undefined) {
          ok = false;
          break;
        }
        found[foundCount++] = near;
      }
      if (!ok) continue;
      let vetoed = false;
      for (const clause of rule.exclude) {
        if (this.findContext(clause, hit) !== undefined) {
          vetoed = true;
          break;
        }
      }
      if (vetoed) continue;
      if (valid === undefined) {
        valid = [hit];
        context = found.slice(0, foundCount);
      } else {
        valid.push(hit);
      }
      bestWeight = Math.max(bestWeight, fieldWeights[hit.field] as number);
    }
    if (valid === undefined) return undefined;
    return { rule, contribution: rule.weight * bestWeight, valid, context };
  }

  /** Hits of a set, minus those a block phrase hides. */
  private visible(set: number): TrieHit[] {
    const all = this.setHits[set];
    if (all === undefined) return NO_HITS;
    const blocks = this.blocks;
    if (blocks === undefined || set === (this.topic as CompiledTopic).blockSet) return all;
    if (this.visibleStamp[set] === this.stamp) return this.visibleCache[set] as TrieHit[];
    const shown: TrieHit[] = [];
    for (const hit of all) if (!hiddenByAny(blocks, hit)) shown.push(hit);
    this.visibleCache[set] = shown;
    this.visibleStamp[set] = this.stamp;
    return shown;
  }

  /** A hit of the clause's set near enough to `match` (and, with `distinct`, enough different ones). */
  private findContext(clause: CompiledClause, match: TrieHit): TrieHit | undefined {
    if (clause.within !== undefined) return this.search(clause, match);
    if (this.itemLevelStamp[clause.id] !== this.stamp) {
      this.itemLevel[clause.id] = this.search(clause, match) ?? null;
      this.itemLevelStamp[clause.id] = this.stamp;
    }
    return this.itemLevel[clause.id] ?? undefined;
  }

  private search(clause: CompiledClause, match: TrieHit): TrieHit | undefined {
    const within = clause.within;
    let first: TrieHit | undefined;
    let texts: Set<string> | undefined;
    for (const hit of this.visible(clause.set)) {
      if (within !== undefined && (hit.field !== match.field || gap(hit, match) > within)) continue;
      if (clause.distinct <= 1) return hit;
      first ??= hit;
      texts ??= new Set();
      texts.add(this.wordsOf(hit));
      if (texts.size >= clause.distinct) return first;
    }
    return undefined;
  }

  private wordsOf(hit: TrieHit): string {
    const tokens = (this.fields[hit.field] as FieldText).tokens;
    let words = '';
    for (let i = hit.start; i < hit.end; i += 1) words += `${tokenKey(tokens, i)} `;
    return words;
  }
}

/** Valid matches of one rule, overlapping ones reduced to the longest ("peace talks" over "talks"). */
function longestFirst(hits: TrieHit[]): TrieHit[] {
  const sorted = [...hits].sort((a, b) => b.end - b.start - (a.end - a.start));
  const kept: TrieHit[] = [];
  for (const hit of sorted) if (!kept.some((k) => overlaps(k, hit))) kept.push(hit);
  return kept;
}

interface ExplainedHit {
  hit: TrieHit;
  set: number;
  rule: string;
}

/**
 * The explanation of a passing topic: the phrases of its positive rules (strongest rule first)
 * and the context that validated them, each span once, a phrase inside a longer matched phrase
 * ("UN" in "UN Security Council") left out, at most MAX_MATCHED, title first, in text order.
 */
function explain(rules: RuleResult[]): ExplainedHit[] {
  const ordered: RuleResult[] = [];
  for (const r of rules) if (r.rule.weight > 0) ordered.push(r);
  if (ordered.length > 1) sortSmall(ordered, byContribution);
  const picked: ExplainedHit[] = [];
  for (const r of ordered) {
    for (const hit of r.valid) pick(picked, hit, r.rule.set, r.rule.id);
    for (let i = 0; i < r.context.length; i += 1)
      pick(picked, r.context[i] as TrieHit, (r.rule.requires[i] as CompiledClause).set, r.rule.id);
  }
  if (picked.length > MAX_MATCHED) picked.length = MAX_MATCHED;
  return sortSmall(picked, byPosition);
}

/** Adds a span to an explanation unless it is there already or inside one there; a longer span replaces a shorter one inside it. */
function pick(picked: ExplainedHit[], hit: TrieHit, set: number, rule: string): void {
  for (const p of picked) {
    if (p.hit.field !== hit.field) continue;
    if (hit.start >= p.hit.start && hit.end <= p.hit.end) return;
    if (p.hit.start >= hit.start && p.hit.end <= hit.end) {
      p.hit = hit;
      p.set = set;
      p.rule = rule;
      return;
    }
  }
  picked.push({ hit, set, rule });
}

/**
 * Sorts a short array in place, stably, as `Array.prototype.sort` does (so the order is the
 * same): an insertion sort, cheaper than the built-in sort's call for the few entries of one item.
 */
function sortSmall<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i += 1) {
    const item = items[i] as T;
    let j = i - 1;
    while (j >= 0 && compare(items[j] as T, item) > 0) {
      items[j + 1] = items[j] as T;
      j -= 1;
    }
    items[j + 1] = item;
  }
  return items;
}

function byContribution(a: RuleResult, b: RuleResult): number {
  return b.contribution - a.contribution;
}

/** Title first, then by start, a longer span before a shorter one starting there. */
function byPosition(a: ExplainedHit, b: ExplainedHit): number {
  return a.hit.field - b.hit.field || a.hit.start - b.hit.start || b.hit.end - a.hit.end;
}
