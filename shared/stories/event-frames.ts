import { stem } from './tokenize.ts';

/**
 * Event frames: what kind of occurrence an item reports (a quake, a veto, a coup …), read from a
 * small trigger lexicon of stems. Outlets word one event their own way ("quake", "tremor",
 * "temblor"; "vetoes greet the text", "council turns down the draft") but report the same kind of
 * event: two items of one frame, in one place, within the story window, are very likely one
 * story. General newsroom knowledge, written as data.
 */
const FRAME_TRIGGERS: Record<string, string[]> = {
  quake: ['quake', 'earthquake', 'tremor', 'temblor', 'aftershock', 'magnitude', 'seismic', 'shindo', 'epicentre', 'epicenter'],
  flood: ['flood', 'flooding', 'floodwaters', 'deluge', 'dam', 'dams', 'inundated', 'landslide', 'landslides', 'mudslide'],
  storm: ['hurricane', 'cyclone', 'typhoon', 'landfall', 'tornado', 'tornadoes', 'storm'],
  crash: ['crash', 'crashed', 'crashes', 'wreck', 'wreckage', 'derailed', 'derailment'],
  blast: ['blast', 'blasts', 'explosion', 'explosions', 'exploded', 'explode', 'detonate', 'detonated', 'bomb', 'bombs', 'bomber'],
  shooting: ['shooting', 'shot', 'shots', 'gunfire', 'gunman', 'gunmen', 'rifle', 'rifleman', 'sniper', 'assassination'],
  missile: ['missile', 'missiles', 'rocket', 'rockets', 'barrage', 'salvo', 'projectiles', 'ballistic', 'intercepted', 'interceptors'],
  // Not "bombing"/"bombed": they stem to "bomb", a blast ("truck bomb").
  airstrike: ['airstrike', 'airstrikes', 'bombardment', 'warplanes'],
  council: ['veto', 'vetoes', 'vetoed', 'resolution', 'abstained', 'abstentions', 'abstention', 'draft'],
  impeachment: ['impeach', 'impeachment', 'impeached'],
  election: ['election', 'elections', 'polls', 'ballot', 'runoff', 'turnout', 'electoral', 'voters', 'seats'],
  ceasefire: ['ceasefire', 'truce', 'armistice', 'pause', 'hostilities'],
  coup: [
    'coup',
    'junta',
    'putsch',
    'mutiny',
    'mutinous',
    'insurrection',
    'rebellion',
    'takeover',
    'overthrow',
    'ousted',
    'toppled',
    'deposed',
    'seizure',
  ],
  talks: ['talks', 'negotiations', 'negotiators', 'summit', 'mediation', 'mediator', 'mediators'],
  sanctions: ['sanctions', 'sanctioned', 'embargo', 'blacklist', 'blacklisted'],
  resignation: ['resign', 'resigns', 'resigned', 'resignation', 'quits'],
  rates: ['rate', 'rates', 'easing', 'tightening', 'basis', 'bp', 'refinancing', 'deposit'],
  output: ['bpd', 'barrels', 'output', 'production'],
  accession: ['accession', 'membership', 'joins'],
  drills: ['drills', 'exercises', 'manoeuvres', 'maneuvers', 'wargames'],
  ruling: ['ruling', 'ruled', 'verdict', 'judgment', 'judgement', 'measures', 'court', 'judges'],
  mandate: ['mandate', 'peacekeeping', 'peacekeepers', 'renewal', 'renewed', 'renews'],
  death: ['death', 'dead', 'died', 'killed', 'martyrs', 'martyr', 'funeral', 'survivors'],
};

const FRAME_BY_STEM: ReadonlyMap<string, string> = new Map(
  Object.entries(FRAME_TRIGGERS).flatMap(([frame, words]) => words.map((word): [string, string] => [stem(word), frame])),
);

/**
 * Frames too broad to stand for an event on their own: a death is reported after any disaster
 * or attack. They still count when both items have no other frame.
 */
export const WEAK_FRAMES: ReadonlySet<string> = new Set(['death']);

/** Two-word triggers, read as the words stand ("war games" is drills; "games" alone is sport). */
const FRAME_PHRASES: ReadonlyMap<string, string> = new Map([['war games', 'drills']]);

const RULING_WHO: ReadonlySet<string> = new Set([
  'party',
  'parties',
  'coalition',
  'bloc',
  'camp',
  'elite',
  'junta',
  'military',
  'family',
  'alliance',
]);

/**
 * The frames an item's words name (headline, then lead sentence), in order of first mention:
 * the first strong frame is the item's main event ("Gunmen kill eight … hours before Iran's
 * missile attack" is a shooting).
 */
export function framesOf(words: string[]): string[] {
  const frames = new Set<string>();
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    // "the ruling party" governs; it rules on nothing.
    if (word === 'ruling' && RULING_WHO.has(words[index + 1] ?? '')) continue;
    const frame = FRAME_PHRASES.get(`${word} ${words[index + 1] ?? ''}`) ?? FRAME_BY_STEM.get(stem(word));
    if (frame) frames.add(frame);
  }
  return [...frames];
}

/**
 * Bodies that take one kind of decision at a meeting: a central bank sets rates, OPEC+ sets
 * output. A headline naming one of them with a verb of change ("Fed cut lands …", "Shock OPEC+
 * reduction") names that decision even without the words "rate" or "barrels".
 */
const BODY_DECISIONS: Readonly<Record<string, string>> = { fed: 'rates', ecb: 'rates', boj: 'rates', opec: 'output' };

const CHANGE_STEMS: ReadonlySet<string> = new Set(
  [
    'cut',
    'cuts',
    'hike',
    'hikes',
    'raise',
    'raises',
    'lower',
    'lowers',
    'trim',
    'trims',
    'lift',
    'lifts',
    'reduction',
    'reduces',
    'slashes',
    'holds',
    'hold',
    'unchanged',
    'steady',
    'pause',
    'moves',
  ].map((word) => stem(word)),
);

/**
 * `frames` with the decision of a deciding body the headline names (see `BODY_DECISIONS`) put
 * first, when the headline also names a change and the frames do not already hold it.
 */
export function withBodyDecision(frames: string[], titleAnchors: string[], titleWords: string[]): string[] {
  const decision = titleAnchors.map((anchor) => BODY_DECISIONS[anchor]).find((frame) => frame !== undefined);
  if (decision === undefined || frames.includes(decision) || !titleWords.some((word) => CHANGE_STEMS.has(stem(word)))) return frames;
  // "OPEC+ cuts demand forecast" revises a projection: it decides nothing.
  if (titleWords.some((word) => FORECAST_STEMS.has(stem(word)))) return frames;
  return [decision, ...frames];
}

const FORECAST_STEMS: ReadonlySet<string> = new Set(
  ['forecast', 'forecasts', 'outlook', 'projection', 'projections', 'estimate', 'estimates', 'prediction'].map((word) => stem(word)),
);

/** The main event's frame: the first strong one named, else the first. */
export function mainFrame(frames: string[]): string | undefined {
  // An index loop (no closure, no iterator): every comparison of two items asks this several times.
  for (let i = 0; i < frames.length; i++) if (!WEAK_FRAMES.has(frames[i]!)) return frames[i];
  return frames[0];
}
