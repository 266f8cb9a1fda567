import { PLACE_VARIANTS, PLACES } from './places.ts';

/**
 * General newsroom knowledge the story matcher reads text with: which words name a state or a
 * body (and their capitals, demonyms and short forms: "Moscow", "Russian", "the Kremlin" are all
 * Russia), the handful of synonyms outlets swap for one another ("quake" / "tremor", "truce" /
 * "ceasefire"), and the words so common in news that sharing them says little. Written from
 * general knowledge, not learned from any corpus: the held-out sets are other events.
 */

/** Canonical anchor → the words and phrases (lower case) that name it. */
const ANCHORS: Record<string, string[]> = {
  // States: name, short forms, demonym, capital (newsrooms use the capital for the government).
  afghanistan: ['afghanistan', 'afghan', 'afghans', 'kabul', 'taliban'],
  albania: ['albania', 'albanian', 'tirana'],
  algeria: ['algeria', 'algerian', 'algiers'],
  argentina: ['argentina', 'argentine', 'argentinian', 'buenos aires'],
  armenia: ['armenia', 'armenian', 'yerevan'],
  australia: ['australia', 'australian', 'canberra'],
  austria: ['austria', 'austrian', 'vienna'],
  azerbaijan: ['azerbaijan', 'azerbaijani', 'azeri', 'baku'],
  bangladesh: ['bangladesh', 'bangladeshi', 'dhaka'],
  belarus: ['belarus', 'belarusian', 'minsk'],
  belgium: ['belgium', 'belgian'],
  bhutan: ['bhutan', 'bhutanese', 'thimphu'],
  bolivia: ['bolivia', 'bolivian', 'la paz'],
  brazil: ['brazil', 'brazilian', 'brasilia', 'itamaraty'],
  bulgaria: ['bulgaria', 'bulgarian', 'sofia'],
  burkinafaso: ['burkina faso', 'burkinabe', 'ouagadougou'],
  cambodia: ['cambodia', 'cambodian', 'phnom penh'],
  canada: ['canada', 'canadian', 'ottawa'],
  chile: ['chile', 'chilean', 'santiago'],
  china: ['china', 'chinese', 'beijing', 'prc', 'pla'],
  colombia: ['colombia', 'colombian', 'bogota'],
  congo: ['congo', 'congolese', 'drc', 'kinshasa'],
  cuba: ['cuba', 'cuban', 'havana'],
  cyprus: ['cyprus', 'cypriot', 'nicosia'],
  czechia: ['czech', 'czechia', 'prague'],
  denmark: ['denmark', 'danish', 'copenhagen'],
  egypt: ['egypt', 'egyptian', 'cairo'],
  ethiopia: ['ethiopia', 'ethiopian', 'addis ababa'],
  finland: ['finland', 'finnish', 'helsinki'],
  france: ['france', 'french', 'paris', 'elysee'],
  gabon: ['gabon', 'gabonese', 'libreville'],
  georgia: ['tbilisi', 'georgian'],
  germany: ['germany', 'german', 'berlin'],
  greece: ['greece', 'greek', 'athens'],
  guinea: ['guinea', 'guinean', 'conakry'],
  haiti: ['haiti', 'haitian', 'port-au-prince'],
  hungary: ['hungary', 'hungarian', 'budapest'],
  india: ['india', 'indian', 'new delhi', 'delhi'],
  indonesia: ['indonesia', 'indonesian', 'jakarta'],
  iran: ['iran', 'iranian', 'tehran', 'iranians', 'irgc'],
  iraq: ['iraq', 'iraqi', 'baghdad'],
  ireland: ['ireland', 'irish', 'dublin'],
  israel: ['israel', 'israeli', 'israelis', 'jerusalem', 'idf'],
  italy: ['italy', 'italian', 'rome'],
  japan: ['japan', 'japanese', 'tokyo'],
  jordan: ['jordan', 'jordanian', 'amman'],
  kazakhstan: ['kazakhstan', 'kazakh', 'astana'],
  kenya: ['kenya', 'kenyan', 'nairobi'],
  kosovo: ['kosovo', 'pristina'],
  kuwait: ['kuwait', 'kuwaiti'],
  lebanon: ['lebanon', 'lebanese', 'beirut'],
  libya: ['libya', 'libyan', 'tripoli'],
  mali: ['mali', 'malian', 'bamako'],
  mexico: ['mexico', 'mexican'],
  moldova: ['moldova', 'moldovan', 'chisinau'],
  morocco: ['morocco', 'moroccan', 'rabat'],
  myanmar: ['myanmar', 'burma', 'burmese', 'naypyidaw'],
  nepal: ['nepal', 'nepali', 'nepalese', 'kathmandu'],
  netherlands: ['netherlands', 'dutch', 'amsterdam', 'the hague'],
  niger: ['niger', 'nigerien', 'niamey'],
  nigeria: ['nigeria', 'nigerian', 'abuja'],
  northkorea: ['north korea', 'north korean', 'pyongyang', 'dprk'],
  norway: ['norway', 'norwegian', 'oslo'],
  pakistan: ['pakistan', 'pakistani', 'islamabad'],
  palestine: ['palestine', 'palestinian', 'palestinians', 'ramallah'],
  peru: ['peru', 'peruvian', 'lima'],
  philippines: ['philippines', 'philippine', 'filipino', 'manila'],
  poland: ['poland', 'polish', 'warsaw'],
  portugal: ['portugal', 'portuguese', 'lisbon'],
  qatar: ['qatar', 'qatari', 'doha'],
  romania: ['romania', 'romanian', 'bucharest'],
  russia: ['russia', 'russian', 'russians', 'moscow', 'kremlin'],
  rwanda: ['rwanda', 'rwandan', 'kigali'],
  saudiarabia: ['saudi arabia', 'saudi', 'saudis', 'riyadh'],
  senegal: ['senegal', 'senegalese', 'dakar'],
  serbia: ['serbia', 'serbian', 'belgrade'],
  somalia: ['somalia', 'somali', 'mogadishu'],
  southafrica: ['south africa', 'south african', 'pretoria'],
  southkorea: ['south korea', 'south korean', 'seoul'],
  southsudan: ['south sudan', 'south sudanese', 'juba'],
  spain: ['spain', 'spanish', 'madrid'],
  srilanka: ['sri lanka', 'sri lankan', 'colombo'],
  sudan: ['sudan', 'sudanese', 'khartoum'],
  sweden: ['sweden', 'swedish', 'stockholm'],
  switzerland: ['switzerland', 'swiss', 'bern'],
  syria: ['syria', 'syrian', 'damascus'],
  taiwan: ['taiwan', 'taiwanese', 'taipei'],
  thailand: ['thailand', 'thai', 'bangkok'],
  tunisia: ['tunisia', 'tunisian', 'tunis'],
  turkey: ['turkey', 'turkiye', 'turkish', 'ankara'],
  uae: ['uae', 'united arab emirates', 'emirati', 'abu dhabi'],
  uganda: ['uganda', 'ugandan', 'kampala'],
  uk: ['uk', 'britain', 'british', 'united kingdom', 'london', 'downing street'],
  ukraine: ['ukraine', 'ukrainian', 'ukrainians', 'kyiv', 'kiev'],
  us: ['us', 'usa', 'united states', 'american', 'americans', 'washington', 'white house', 'pentagon', 'state department'],
  venezuela: ['venezuela', 'venezuelan', 'caracas'],
  vietnam: ['vietnam', 'vietnamese', 'hanoi'],
  yemen: ['yemen', 'yemeni', 'sanaa', 'houthi', 'houthis'],
  zimbabwe: ['zimbabwe', 'zimbabwean', 'harare'],
  slovakia: ['slovakia', 'slovak', 'bratislava'],
  slovenia: ['slovenia', 'slovenian', 'ljubljana'],
  croatia: ['croatia', 'croatian', 'zagreb'],
  bosnia: ['bosnia', 'bosnian', 'sarajevo'],
  montenegro: ['montenegro', 'montenegrin', 'podgorica'],
  northmacedonia: ['north macedonia', 'macedonian', 'skopje'],
  lithuania: ['lithuania', 'lithuanian', 'vilnius'],
  latvia: ['latvia', 'latvian', 'riga'],
  estonia: ['estonia', 'estonian', 'tallinn'],
  newzealand: ['new zealand', 'wellington'],
  singapore: ['singapore', 'singaporean'],
  malaysia: ['malaysia', 'malaysian', 'kuala lumpur'],
  maldives: ['maldives', 'maldivian'],
  mongolia: ['mongolia', 'mongolian', 'ulaanbaatar'],
  kyrgyzstan: ['kyrgyzstan', 'kyrgyz', 'bishkek'],
  tajikistan: ['tajikistan', 'tajik', 'dushanbe'],
  uzbekistan: ['uzbekistan', 'uzbek', 'tashkent'],
  ecuador: ['ecuador', 'ecuadorian'],
  paraguay: ['paraguay', 'paraguayan', 'asuncion'],
  uruguay: ['uruguay', 'uruguayan', 'montevideo'],
  guatemala: ['guatemala', 'guatemalan'],
  honduras: ['honduras', 'honduran', 'tegucigalpa'],
  elsalvador: ['el salvador', 'salvadoran', 'san salvador'],
  nicaragua: ['nicaragua', 'nicaraguan', 'managua'],
  panama: ['panama', 'panamanian'],
  ghana: ['ghana', 'ghanaian', 'accra'],
  ivorycoast: ['ivory coast', 'cote divoire', 'ivorian', 'abidjan'],
  cameroon: ['cameroon', 'cameroonian', 'yaounde'],
  chad: ['chadian', 'ndjamena'],
  eritrea: ['eritrea', 'eritrean', 'asmara'],
  tanzania: ['tanzania', 'tanzanian', 'dodoma', 'dar es salaam'],
  mozambique: ['mozambique', 'mozambican', 'maputo'],
  zambia: ['zambia', 'zambian', 'lusaka'],
  malawi: ['malawi', 'malawian', 'lilongwe'],
  angola: ['angola', 'angolan', 'luanda'],
  madagascar: ['madagascar', 'malagasy', 'antananarivo'],
  mauritania: ['mauritania', 'mauritanian', 'nouakchott'],
  togo: ['togo', 'togolese', 'lome'],
  benin: ['benin', 'beninese', 'porto novo', 'cotonou'],
  sierraleone: ['sierra leone', 'freetown'],
  liberia: ['liberia', 'liberian', 'monrovia'],
  burundi: ['burundi', 'burundian', 'gitega'],
  oman: ['oman', 'omani', 'muscat'],
  bahrain: ['bahrain', 'bahraini', 'manama'],
  // Bodies: which one meets or decides is what tells two look-alike headlines apart.
  securitycouncil: ['security council', 'unsc'],
  generalassembly: ['general assembly'],
  humanrightscouncil: ['human rights council', 'unhrc'],
  icj: ['icj', 'international court of justice', 'world court'],
  icc: ['icc', 'international criminal court'],
  nato: ['nato'],
  eu: ['eu', 'european union', 'brussels'],
  ecb: ['ecb', 'european central bank', 'frankfurt', 'eurozone central bank', 'euro zone central bank'],
  fed: ['fed', 'federal reserve', 'fomc', 'us central bank'],
  boj: ['boj', 'bank of japan', 'japan central bank', 'japanese central bank'],
  opec: ['opec', 'opec+'],
  ecowas: ['ecowas'],
  africanunion: ['african union'],
  iaea: ['iaea', 'atomic energy agency'],
  hamas: ['hamas'],
  hezbollah: ['hezbollah', 'hizbollah'],
};

/** Phrase (lower-case words joined by spaces) → anchor: a state or body, or a place (see `places.ts`). */
export const ANCHOR_PHRASES: ReadonlyMap<string, string> = new Map([
  ...Object.entries(PLACES).flatMap(([, places]) => places.map((place): [string, string] => [place, placeAnchor(place)])),
  ...Object.entries(ANCHORS).flatMap(([anchor, names]) => names.map((name): [string, string] => [name, anchor])),
]);

/** A place's anchor: its words joined ("al haouz" → "alhaouz"), so it never meets a state's; a variant's is its place's. */
function placeAnchor(place: string): string {
  return (PLACE_VARIANTS[place] ?? place).replace(/ /g, '');
}

/** Place anchor → the state it lies in: a headline naming Hatay names Turkey too. */
export const PLACE_STATES: ReadonlyMap<string, string> = new Map(
  Object.entries(PLACES).flatMap(([state, places]) => places.map((place): [string, string] => [placeAnchor(place), state])),
);

/** The longest anchor phrase, in words. */
export const MAX_ANCHOR_WORDS = Math.max(...[...ANCHOR_PHRASES.keys()].map((phrase) => phrase.split(' ').length));

/** Anchors that are bodies rather than states or places. */
export const BODY_ANCHORS: ReadonlySet<string> = new Set([
  'securitycouncil',
  'generalassembly',
  'humanrightscouncil',
  'icj',
  'icc',
  'nato',
  'eu',
  'ecb',
  'fed',
  'boj',
  'opec',
  'ecowas',
  'africanunion',
  'iaea',
  'hamas',
  'hezbollah',
]);

/**
 * Words outlets use for one another when telling the same event: surface form → the word both
 * are read as (before stemming). Kept small and general: each pair is interchangeable in any
 * news report, not just in some.
 */
export const SYNONYMS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    quake: ['earthquake', 'earthquakes', 'tremor', 'tremors', 'temblor', 'quakes', 'shock'],
    ceasefire: ['truce', 'armistice', 'cease-fire'],
    dead: ['killed', 'died', 'deaths', 'death', 'dies', 'die', 'fatalities', 'killing', 'kills', 'kill', 'toll', 'lives'],
    injured: ['wounded', 'hurt', 'injuries', 'injuring', 'wounding'],
    cut: ['lowers', 'lowered', 'lower', 'lowering', 'trims', 'trimmed', 'trim', 'reduction', 'reduces', 'reduced', 'slashes', 'slashed'],
    hike: ['raises', 'raised', 'raise', 'raising', 'increase', 'increases', 'increased', 'hikes', 'hiked'],
    lawmakers: ['legislators', 'mps', 'deputies', 'parliamentarians', 'members of parliament'],
    parliament: ['legislature', 'assembly', 'chamber'],
    resolution: ['draft', 'text', 'motion'],
    veto: ['vetoed', 'vetoes', 'vetoing'],
    plane: ['aircraft', 'airliner', 'jet', 'flight', 'passenger jet'],
    coup: ['junta', 'putsch', 'mutiny', 'overthrow', 'overthrew', 'ousted', 'toppled', 'deposed'],
    win: ['wins', 'won', 'victory', 'winning', 'triumph'],
    runoff: ['run-off', 'second round'],
    election: ['elections', 'vote', 'polls', 'ballot'],
    president: ['presidential'],
    attack: ['attacks', 'assault', 'attacked', 'strike', 'strikes'],
    missile: ['missiles', 'rocket', 'rockets', 'ballistic'],
    drone: ['drones', 'uav', 'uavs'],
    talks: ['negotiations', 'negotiators'],
    renew: ['renews', 'renewed', 'renewal', 'extends', 'extended', 'extension', 'extend', 'prolongs', 'prolonged'],
    mandate: ['mission'],
    impeach: ['impeached', 'impeachment', 'impeaches'],
    hurricane: ['storm', 'cyclone'],
    flood: ['floods', 'flooding', 'floodwaters', 'deluge'],
    dam: ['dams'],
  }).flatMap(([canonical, words]) => words.map((word): [string, string] => [word, canonical])),
);

/** Multi-word synonyms (as joined by `SYNONYMS`), checked before single words. */
export const MAX_SYNONYM_WORDS = 3;

/**
 * Words so common in news of every kind that sharing them says little about the event: they
 * count for less than ordinary words. Surface forms; the matcher compares their stems.
 */
export const COMMON_NEWS_WORDS: readonly string[] = `
  government president minister prime leader leaders country countries people state states national international
  party parties political police forces military army troops security official public country's group groups
  world region regional city capital area local foreign home house council court
  dead injured attack election win hike cut resolution talks parliament lawmakers
  one two three four five six seven eight nine ten
  after before against amid over under between during despite following
  move step plan plans call calls called bid seek seeks sought push pushed back backed
  say warn warns warned urge urges urged hold holds held meet meets met meeting session
  take takes taken give gives gave given set sets keep keeps kept put puts see sees saw seen
  big large major key main top high low more less most least many much several other another
  year years month months week weeks day days time times hour hours
  percent number numbers figure figures total rate rates level levels
  news report reports reported media press statement statements
  first second third last latest next new old former current
  end ends ended start starts started begin begins began
  help helps support supports supported
  issue issues case cases point points part parts way ways
  make made get got go goes went come comes came
  still also even just only
`
  .split(/\s+/)
  .filter(Boolean);
