import { TopicCompiler, type CompiledClause, type CompiledRule, type CompiledTopic } from './compile-topics.ts';
import { TopicDefinitionError } from './errors.ts';
import type { TrieHit } from './phrase-trie.ts';
import { toClassifierText } from './plain-text.ts';
import { parseTopicDefinition, type TopicDefinitionInput } from './topic-schema.ts';
import { scanTokens, type TokenStream } from './tokenize.ts';
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
  tokens: TokenStream;
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
 * Compiles topic definitions (validating them) into one engine. Every phrase of every topic,
 * lexicon classes expanded, goes into one token trie; classifying an item tokenizes each field
 * once, walks the trie once, then scores only the rules whose phrases were found.
 *
 * Score of a topic: `1 - exp(-S)`, S = sum over matching rules of `weight × field weight` of the
 * rule's best match; it passes at `score >= threshold` with at least one positive rule.
 */
export function createTopicEngine(topics: readonly TopicDefinitionInput[]): InspectableTopicEngine {
  const definitions = topics.map((t) => parseTopicDefinition(t));
  const ids = new Set<string>();
  for (const t of definitions) {
    if (ids.has(t.id)) throw new TopicDefinitionError(`topic engine invalid: duplicate topic id "${t.id}"`);
    ids.add(t.id);
  }
  const compiler = new TopicCompiler();
  const compiled = definitions.map((t) => compiler.compileTopic(t));
  const { trie, memberSets, memberWritten, topicsBySet } = compiler;
  const setCount = topicsBySet.length;

  /** Per set, the hits of its phrases in the current item (reset after each item). */
  const setHits: Array<TrieHit[] | undefined> = new Array(setCount).fill(undefined);
  const topicSeen = new Uint8Array(compiled.length);

  const writtenFor = (hit: TrieHit, set: number): string => {
    const sets = memberSets[hit.phrase] as number[];
    return (memberWritten[hit.phrase] as string[])[Math.max(0, sets.indexOf(set))] as string;
  };
  const toMatched = (fields: FieldText[], hit: TrieHit, set: number, rule: string): MatchedPhrase => {
    const field = fields[hit.field] as FieldText;
    const from = field.tokens.starts[hit.start] as number;
    const to = field.tokens.ends[hit.end - 1] as number;
    return { phrase: writtenFor(hit, set), text: field.text.slice(from, to), field: FIELD_NAMES[hit.field] as 'title' | 'summary', position: from, rule };
  };

  function run(item: ClassifiableItem, onlyPassing: boolean): { fields: FieldText[]; results: TopicResult[] } {
    const fields = [readField(item.title), readField(item.summary ?? '')];
    const hits: TrieHit[] = [];
    trie.match((fields[0] as FieldText).tokens, 0, hits);
    trie.match((fields[1] as FieldText).tokens, 1, hits);
    const touchedSets: number[] = [];
    const touchedTopics: number[] = [];
    for (const hit of hits) {
      for (const set of memberSets[hit.phrase] as number[]) {
        const list = setHits[set];
        if (list === undefined) {
          setHits[set] = [hit];
          touchedSets.push(set);
          const topic = topicsBySet[set] as number;
          if (topicSeen[topic] === 0) {
            topicSeen[topic] = 1;
            touchedTopics.push(topic);
          }
        } else {
          list.push(hit);
        }
      }
    }
    const results: TopicResult[] = [];
    try {
      for (const index of touchedTopics) {
        const result = new TopicScorer(compiled[index] as CompiledTopic, setHits, fields).score(onlyPassing);
        if (result !== undefined && (!onlyPassing || result.passed)) results.push(result);
      }
    } finally {
      for (const set of touchedSets) setHits[set] = undefined;
      for (const topic of touchedTopics) topicSeen[topic] = 0;
    }
    results.sort((a, b) => b.score - a.score || a.topic.id.localeCompare(b.topic.id));
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
      return results.map((r) => ({
        topic: r.topic.id,
        label: r.topic.label,
        score: r.score,
        matched: explain(r.rules).map((e) => toMatched(fields, e.hit, e.set, e.rule)),
      }));
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

function readField(raw: string): FieldText {
  const text = toClassifierText(raw);
  return { text, tokens: scanTokens(text) };
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

function overlaps(a: TrieHit, b: TrieHit): boolean {
  return a.field === b.field && a.start < b.end && b.start < a.end;
}

/** Scores one topic on one item's hits. A class, so the hot path creates no closures. */
class TopicScorer {
  private readonly blocks: TrieHit[] | undefined;
  private visibleCache: Map<number, TrieHit[]> | undefined;
  /** Clauses without `within` hold or fail for the whole item: decided once. */
  private itemLevel: Map<CompiledClause, TrieHit | null> | undefined;

  constructor(
    private readonly topic: CompiledTopic,
    private readonly setHits: ReadonlyArray<TrieHit[] | undefined>,
    private readonly fields: FieldText[],
  ) {
    this.blocks = topic.blockSet === undefined ? undefined : setHits[topic.blockSet];
  }

  score(onlyPassing: boolean): TopicResult | undefined {
    const topic = this.topic;
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
    const score = sum > 0 ? Math.round((1 - Math.exp(-sum)) * 1000) / 1000 : 0;
    return { topic, score, passed: positive && score >= topic.threshold, rules, veto: undefined };
  }

  private scoreRule(rule: CompiledRule): RuleResult | undefined {
    const candidates = this.visible(rule.set);
    if (candidates.length === 0) return undefined;
    let bestWeight = 0;
    let valid: TrieHit[] | undefined;
    let context: TrieHit[] = [];
    for (const hit of candidates) {
      if (!rule.fields[hit.field]) continue;
      const found: TrieHit[] = [];
      let ok = true;
      for (const clause of rule.requires) {
        const context = this.findContext(clause, hit);
        if (context === undefined) {
          ok = false;
          break;
        }
        found.push(context);
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
        context = found;
      } else {
        valid.push(hit);
      }
      bestWeight = Math.max(bestWeight, this.topic.fieldWeights[hit.field] as number);
    }
    if (valid === undefined) return undefined;
    return { rule, contribution: rule.weight * bestWeight, valid, context };
  }

  /** Hits of a set, minus those a block phrase hides. */
  private visible(set: number): TrieHit[] {
    const all = this.setHits[set];
    if (all === undefined) return NO_HITS;
    const blocks = this.blocks;
    if (blocks === undefined || set === this.topic.blockSet) return all;
    this.visibleCache ??= new Map();
    let shown = this.visibleCache.get(set);
    if (shown === undefined) {
      shown = all.filter((hit) => !blocks.some((b) => hides(b, hit)));
      this.visibleCache.set(set, shown);
    }
    return shown;
  }

  /** A hit of the clause's set near enough to `match` (and, with `distinct`, enough different ones). */
  private findContext(clause: CompiledClause, match: TrieHit): TrieHit | undefined {
    const within = clause.within;
    if (within === undefined) {
      this.itemLevel ??= new Map();
      let found = this.itemLevel.get(clause);
      if (found === undefined) {
        found = this.search(clause, match) ?? null;
        this.itemLevel.set(clause, found);
      }
      return found ?? undefined;
    }
    return this.search(clause, match);
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
    for (let i = hit.start; i < hit.end; i += 1) words += `${tokens.keys[i] as string} `;
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
  const ordered = rules.filter((r) => r.rule.weight > 0).sort((a, b) => b.contribution - a.contribution);
  const picked: ExplainedHit[] = [];
  const add = (hit: TrieHit, set: number, rule: string) => {
    for (const p of picked) {
      // Same span, or inside one already picked: nothing new. A longer span replaces a shorter one inside it.
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
  };
  for (const r of ordered) {
    for (const hit of r.valid) add(hit, r.rule.set, r.rule.id);
    r.context.forEach((hit, i) => add(hit, (r.rule.requires[i] as CompiledClause).set, r.rule.id));
  }
  return picked
    .slice(0, MAX_MATCHED)
    .sort((a, b) => a.hit.field - b.hit.field || a.hit.start - b.hit.start || b.hit.end - a.hit.end);
}
