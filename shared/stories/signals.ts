import { isNumberWord, splitWords, stem, STOPWORDS } from './tokenize.ts';

/**
 * Signals that tell two look-alike reports apart even when their words overlap: when it happened
 * (weekday, month, "the fifth time"), how many (two votes vs three votes), and how far along it is
 * (talks vs a signed deal, a meeting vs its vote). The judgement rule of the labelled sets is
 * "the same occurrence at the same time": these catch the same kind of event at another time.
 */

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
/** Month names that are never ordinary words; "may" and abbreviations count only before a day number. */
const MONTHS: ReadonlyMap<string, number> = new Map([
  ['january', 0],
  ['february', 1],
  ['march', 2],
  ['april', 3],
  ['june', 5],
  ['july', 6],
  ['august', 7],
  ['september', 8],
  ['october', 9],
  ['november', 10],
  ['december', 11],
]);
/** Maps, not objects: a word of the text such as "constructor" must not find Object's own properties. */
const MONTHS_BEFORE_DAY: ReadonlyMap<string, number> = new Map([
  ['jan', 0],
  ['feb', 1],
  ['mar', 2],
  ['apr', 3],
  ['may', 4],
  ['jun', 5],
  ['jul', 6],
  ['aug', 7],
  ['sep', 8],
  ['sept', 8],
  ['oct', 9],
  ['nov', 10],
  ['dec', 11],
]);
/** Words for "the day of publication" and "the day before it". */
const SAME_DAY = new Set(['today', 'tonight']);
const DAY_BEFORE = new Set(['yesterday']);

/** Weekdays an item places its event on (0 = Sunday), resolving "today"/"yesterday" when its date is known. */
export function weekdaysOf(words: string[], published: Date | undefined): number[] {
  const days = new Set<number>();
  words.forEach((word, index) => {
    const day = WEEKDAYS.indexOf(word);
    if (day >= 0) days.add(day);
    if (!published) return;
    if (SAME_DAY.has(word) || (word === 'this' && words[index + 1] === 'morning')) days.add(published.getUTCDay());
    if (DAY_BEFORE.has(word) || (word === 'last' && words[index + 1] === 'night')) days.add((published.getUTCDay() + 6) % 7);
  });
  return [...days].sort();
}

/** Months named in the text (0 = January). */
export function monthsOf(words: string[]): number[] {
  const months = new Set<number>();
  words.forEach((word, index) => {
    const full = MONTHS.get(word);
    if (full !== undefined) months.add(full);
    const short = MONTHS_BEFORE_DAY.get(word);
    const next = words[index + 1];
    if (short !== undefined && next !== undefined && /^\d{1,2}$/.test(next)) months.add(short);
  });
  return [...months].sort();
}

const ORDINAL_WORDS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
  eleventh: 11,
  twelfth: 12,
};
/** "fifth time", "4th round", "third quarter", "sixth straight session": which one of a series. */
const ORDINAL =
  /\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|\d{1,2}(?:st|nd|rd|th))\s+(?:(?:straight|consecutive|successive)\s+)?(time|round|quarter|day|week|month|session|term|attempt|test)s?\b/gi;

/** Ordinals of a series ("time:5"): the fourth rate rise and the fifth are different events. */
export function ordinalsOf(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(ORDINAL)) {
    const word = match[1]!.toLowerCase();
    const value = ORDINAL_WORDS[word] ?? Number.parseInt(word, 10);
    found.add(`${match[2]!.toLowerCase()}:${value}`);
  }
  return [...found].sort();
}

/** Words that end a counted phrase: units and quantifiers, not the thing counted. */
const COUNT_STOP = new Set([
  'percent',
  'per',
  'cent',
  'pct',
  'million',
  'billion',
  'trillion',
  'more',
  'than',
  'least',
  'about',
  'nearly',
  'almost',
  'some',
  'and',
  'or',
  'us',
  // Units and clock times measure, they do not count: "120 mph", "11 pm".
  'pm',
  'am',
  'gmt',
  'utc',
  'mph',
  'kph',
  'km',
  'kmh',
  'miles',
  'metres',
  'meters',
  'cm',
  'mm',
  'ft',
  'feet',
  'kg',
  'tonnes',
  'tons',
  'bpd',
  'barrels',
  'bp',
  'thousand',
]);
/** Clause boundaries: a count never reaches across them. */
const CLAUSE = /,(?!\d)|[;:()"]|\s[-–—]\s|\.\s/;

/**
 * Casualty words, as the toll they count: "killing 37", "37 dead", "wounded 50" (see `TOLLS`). A
 * Map, so a word of the text such as "constructor" finds nothing.
 */
const CASUALTY: ReadonlyMap<string, string> = new Map([
  ['kill', 'dead'],
  ['killed', 'dead'],
  ['killing', 'dead'],
  ['kills', 'dead'],
  ['dead', 'dead'],
  ['died', 'dead'],
  ['deaths', 'dead'],
  ['injure', 'injured'],
  ['injured', 'injured'],
  ['injures', 'injured'],
  ['injuring', 'injured'],
  ['wound', 'injured'],
  ['wounded', 'injured'],
  ['wounding', 'injured'],
  ['wounds', 'injured'],
  ['hurt', 'injured'],
]);
/** Counted things that are tolls: revised upwards as an event unfolds (see `conflictOf` in similarity.ts). */
export const TOLLS: ReadonlySet<string> = new Set(CASUALTY.values());
/** Words between a casualty verb and its number: "killing at least nine", "injure over 300". */
const APPROXIMATORS = new Set([
  'at',
  'least',
  'more',
  'than',
  'over',
  'about',
  'around',
  'nearly',
  'almost',
  'some',
  'up',
  'to',
  'roughly',
]);

/**
 * A figure hyphenated to the noun after it: "15-member" (not "7-2", a score). Number words need no
 * case: the letters-hyphen-letters join before it has made "four-day" one word.
 */
const SIZE_COMPOUND = /(?<![\p{L}\d.,-])\d+-\p{L}+/gu;

/** Words a number after which is a name: "Flight 8243", "resolution 2690", "Route 66". */
const IDENTIFIED: ReadonlySet<string> = new Set(['flight', 'resolution', 'route', 'highway', 'no', 'number', 'article', 'chapter', 'item']);

/** "100+ drones" is "over 100 drones". */
const PLUS_FLOOR = /(\d[\d,.]*)\+(?!\d)/g;

/** Whether the number at `index` is a floor: "over 100", "more than 100", "at least 100", "100+". */
function isLowerBound(words: string[], index: number): boolean {
  const before = words[index - 1];
  return (
    before === 'over' ||
    before === 'upwards' ||
    (before === 'than' && words[index - 2] === 'more') ||
    (before === 'least' && words[index - 2] === 'at')
  );
}

/**
 * Patterns with Unicode property escapes are module constants: the bundler writes each such
 * literal as `new RegExp(…)`, which inside a function builds a RegExp object on every call.
 */
const INNER_HYPHEN = /(\p{L})-(?=\p{L})/gu;
const LETTER = /\p{L}/u;

/**
 * Counted things: "killing 37 people" → `peopl:37`, `dead:37`, "three no-confidence votes" →
 * `noconfid:3`, `vote:3`. Each of the (up to three) words after a number, within its clause and
 * before a unit or function word, is paired with it; a casualty word before or after the number
 * counts a toll (`dead`, `injured`). Years are not counts. A floor ("over 100 missiles") is
 * written `missil:>100`.
 */
export function countsOf(text: string): string[] {
  const found = new Set<string>();
  for (const clause of text.split(CLAUSE)) {
    // "no-confidence" is one counted thing here, not the stopword "no" ending the phrase.
    // "The 15-member council", "a four-day truce": a number joined to its noun describes
    // something else, it counts nothing that happened; "100+ drones" reads as "over 100 drones".
    const words = splitWords(clause.replace(INNER_HYPHEN, '$1').replace(SIZE_COMPOUND, ' ').replace(PLUS_FLOOR, 'over $1'));
    words.forEach((word, index) => {
      if (!isNumberWord(word)) return;
      const value = Number(word);
      // Decimals are measures (magnitude 7.8, 0.25 points), not counts; years are not counts;
      // nor is the whole in "204 of the 300".
      if (!Number.isInteger(value) || (value >= 1900 && value <= 2100)) return;
      if (words[index - 1] === 'the' && words[index - 2] === 'of') return;
      // "Flight 8243", "resolution 2690", "J2-8243": a number that names something counts nothing.
      const before = words[index - 1] ?? '';
      if (IDENTIFIED.has(before) || (LETTER.test(before) && /\d/.test(before))) return;
      const counted: string[] = [];
      let toll: string | undefined;
      for (let k = index + 1; k < Math.min(words.length, index + 4); k++) {
        const next = words[k]!;
        if (isNumberWord(next) || STOPWORDS.has(next) || COUNT_STOP.has(next)) break;
        toll ??= CASUALTY.get(next);
        counted.push(stem(next));
      }
      let k = index - 1;
      while (k >= 0 && APPROXIMATORS.has(words[k]!)) k--;
      toll ??= k >= 0 ? CASUALTY.get(words[k]!) : undefined;
      // A toll counts its victims under the toll alone: "killing four people" and "4 dead" are one count.
      if (toll) found.add(`${toll}:${value}`);
      // "Over 100 missiles" is a floor, `missil:>100`: a later "180 missiles" agrees with it, "50" does not.
      else for (const thing of counted) found.add(`${thing}:${isLowerBound(words, index) ? '>' : ''}${value}`);
    });
  }
  return [...found].sort();
}

/**
 * How far along an event is, by the words of its headline and lead sentence. Surface forms, not
 * stems, so "rules" (the noun) and "passenger" stay out.
 */
const STAGE_WORDS: Record<
  'talks' | 'tentative' | 'decided' | 'final' | 'repeat' | 'halted' | 'resumed' | 'endorsed',
  ReadonlySet<string>
> = {
  talks: new Set([
    'talks',
    'negotiations',
    'negotiating',
    'negotiate',
    'negotiates',
    'mulls',
    'mulling',
    'weighs',
    'weighing',
    'proposal',
    'proposes',
    'proposed',
    'draft',
    'poised',
    'meeting',
    'meets',
    'hearing',
    'debate',
    'debates',
    'debating',
    'consultations',
    'boycott',
  ]),
  tentative: new Set(['tentative', 'tentatively', 'preliminary', 'principle']),
  decided: new Set([
    'signed',
    'signs',
    'clinched',
    'clinches',
    'definitive',
    'ratified',
    'ratifies',
    'ratify',
    'approved',
    'approves',
    'adopted',
    'adopts',
    'voted',
    'votes',
    'vote',
    'passed',
    'passes',
    'vetoed',
    'vetoes',
    'veto',
    'ruled',
    'ruling',
    'verdict',
    'sentenced',
    'convicted',
    'acquitted',
    'resumed',
    'resume',
    'resumes',
    'agreement',
    'agreed',
    'agrees',
  ]),
  final: new Set(['definitive', 'ratified', 'ratifies', 'ratify', 'final', 'finalized', 'finalised', 'completed', 'completes']),
  // "meets again", "once again asked": the reported action itself recurs. Only adverbs: the
  // adjectives ("another", "fresh", "renewed") mostly qualify some other noun ("despite another
  // drop in exports") or place a new event in a series ("signs another supply deal").
  repeat: new Set(['again', 'anew']),
  // A process broken off and the same process taken up again are two occurrences.
  halted: new Set([
    'boycott',
    'boycotts',
    'boycotted',
    'boycotting',
    'suspend',
    'suspends',
    'suspended',
    'halt',
    'halts',
    'halted',
    'walkout',
    'stalled',
    'stall',
    'stalls',
    'collapsed',
    'collapse',
    'collapses',
  ]),
  // Support voiced for a step is not the step taken: a summit "backed" sanctions, a council voted them.
  endorsed: new Set(['backed', 'backs', 'endorsed', 'endorses', 'urged', 'urges', 'urging']),
  resumed: new Set(['resume', 'resumes', 'resumed', 'resuming', 'restart', 'restarts', 'restarted', 'reopen', 'reopens', 'reopened']),
};

/**
 * Stages named in a headline plus lead sentence: 'talks' (under way), 'tentative' (agreed in
 * principle), 'decided' (signed, voted, ruled, agreed), 'final' (definitive, ratified),
 * 'repeat' (again, anew: the action itself recurs), 'halted' (boycotted, suspended), 'resumed' and
 * 'endorsed' (backed, urged: support for a step, not the step).
 */
export function stagesOf(words: string[]): string[] {
  const stages: string[] = [];
  for (let s = 0; s < STAGE_ENTRIES.length; s++) {
    const [stage, set] = STAGE_ENTRIES[s]!;
    for (let w = 0; w < words.length; w++) {
      if (set.has(words[w]!)) {
        stages.push(stage);
        break;
      }
    }
  }
  return stages;
}

/** `STAGE_WORDS` as pairs, in its order: read for every item. */
const STAGE_ENTRIES = Object.entries(STAGE_WORDS);

const FRACTIONS: Record<string, number> = { half: 50, third: 100 / 3, thirds: 200 / 3, quarter: 25, quarters: 75, fifth: 20 };
const FRACTION_COUNT: Record<string, number> = { a: 1, one: 1, two: 2, three: 3 };
const APPROX = '(?:about|around|nearly|almost|some|roughly|more than|less than|up to|just|only|over|under)\\s+';
/** "by 40 percent", "by almost one third", "by half" — but not "by a quarter-percentage point". */
const CHANGE_SIZE = new RegExp(
  `\\bby\\s+(?:${APPROX})?(?:(\\d+(?:\\.\\d+)?)\\s*(?:percent|per\\s+cent|pct|%)|(?:(a|one|two|three)[\\s-]+)?(half|thirds?|quarters?|fifth))(?![\\w-]*\\s*(?:-|percentage|point))`,
  'gi',
);

/**
 * Sizes of a change, as a percentage: "cut its force by 40 percent" → 40, "by almost one third"
 * → 33.3. Two reports of one decision give one size (up to rounding); a cut by 40 % and a cut by
 * a third are two decisions.
 */
export function changeSizesOf(text: string): number[] {
  const found = new Set<number>();
  for (const match of text.matchAll(CHANGE_SIZE)) {
    if (match[1] !== undefined) found.add(Number(match[1]));
    else {
      const fraction = FRACTIONS[match[3]!.toLowerCase()]!;
      const times = match[2] ? FRACTION_COUNT[match[2].toLowerCase()]! : 1;
      // "two thirds" already counts two; "one third" and "a half" count one.
      found.add(Math.round((match[3]!.toLowerCase().endsWith('s') ? fraction : fraction * times) * 10) / 10);
    }
  }
  return [...found].sort((x, y) => x - y);
}

/** Participle heads ("war-torn", "US-led", "Paris-based"): their qualifiers are paraphrased freely, so they are not read. */
const PARTICIPLE_HEAD = /(?:ed|en|wn|rn)$|^(?:led|hit|run|held|made|built|set|cut)$/;
const COMPOUND = /\b(\p{L}[\p{L}\d]*)-(\p{L}{3,})\b/gu;

/**
 * Qualified kinds: "medium-range missile" → `rang:medium`, "long-term loan" → `term:long`. Two
 * reports that qualify the same kind differently ("short-range" vs "medium-range") describe two
 * things, like two counts of the same thing do. Numbers are left to `countsOf`.
 */
export function qualifiersOf(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(COMPOUND)) {
    const qualifier = match[1]!.toLowerCase();
    const head = match[2]!.toLowerCase();
    if (PARTICIPLE_HEAD.test(head) || STOPWORDS.has(qualifier) || qualifier.length < 3) continue;
    found.add(`${stem(head)}:${qualifier}`);
  }
  return [...found].sort();
}

/** The lead sentence of a summary: up to the first full stop that ends a sentence (not "Sept." or "U.S."). */
export function leadSentence(summary: string): string {
  const end = /(?<![A-Z][a-z]{0,3}|\b[A-Z])\.\s+(?=[A-Z"'])/.exec(summary);
  return end ? summary.slice(0, end.index + 1) : summary;
}

/** Headline words of a report about an earlier event: its toll, a confirmation, the aftermath. */
const FOLLOW_UP_WORDS: ReadonlySet<string> = new Set([
  'toll',
  'tolls',
  'confirms',
  'confirmed',
  'confirmation',
  'aftermath',
  'mourning',
  'mourns',
  'funeral',
  'buried',
  'survivors',
  'survivor',
  'recovery',
  'charged',
  'charges',
  'probe',
  'inquiry',
  'investigation',
  'investigators',
  // A figure revised upwards: "deaths pass 20,000", "toll climbs to 183".
  'rises',
  'rose',
  'climbs',
  'climbed',
  'tops',
  'topped',
  'passes',
  'passed',
  'pass',
  'surpasses',
  'exceeds',
  'nears',
]);
/** Headline words of a new occurrence of a kind of event: "another", "fresh", "second" quake. */
const NEW_OCCURRENCE_WORDS: ReadonlySet<string> = new Set([
  'another',
  'fresh',
  'new',
  'again',
  'anew',
  'second',
  'third',
  'fourth',
  'latest',
  'renewed',
  'repeat',
]);

/**
 * Cues of a headline: 'followup' when it reports on an earlier event ("toll rises", "confirms
 * death of", "a week after the quake"), 'new' when it names another occurrence ("another",
 * "fresh", "third quake"). Only a follow-up joins a story days after its first reports.
 */
export function cuesOf(titleWords: string[]): string[] {
  const cues: string[] = [];
  const after = titleWords.some((word, index) => word === 'after' && /^(?:days|weeks|week|month)$/.test(titleWords[index - 1] ?? ''));
  if (after || titleWords.some((word) => FOLLOW_UP_WORDS.has(word))) cues.push('followup');
  if (titleWords.some((word) => NEW_OCCURRENCE_WORDS.has(word))) cues.push('new');
  return cues;
}
