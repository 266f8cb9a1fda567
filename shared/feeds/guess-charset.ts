/**
 * The charset of a body that declares none and is not UTF-8, guessed with the platform's decoders
 * (`TextDecoder`) and a few rules about what text in each script looks like, instead of a table
 * of byte statistics. Each candidate is decoded and judged by the text it gives:
 *
 * - a multi-byte CJK charset (Shift_JIS, EUC-JP, EUC-KR, GB18030, Big5) must decode without one
 *   invalid sequence, and give what its language is written with: Hangul syllables for Korean,
 *   kana for Japanese (kanji alone do not tell Japanese from Chinese), the commonest hanzi for
 *   Chinese;
 * - a single-byte Cyrillic or Greek charset must give words written wholly in that script
 *   (Latin text has its accented letters inside Latin words), and mostly lowercase letters: the
 *   right table of KOI8-R, windows-1251, ISO-8859-5 or IBM866 gives lowercase where the others
 *   give capitals.
 *
 * Anything else (Latin text, binary data, too little text to judge) is windows-1252, the
 * browsers' reading of undeclared Western text.
 */

/** Guessed when no candidate convinces: Latin-1 text as browsers read it. */
const FALLBACK_CHARSET = 'windows-1252';

/** Non-ASCII characters, at least, a candidate must explain before it is believed. */
const MIN_EVIDENCE = 8;

/** The commonest hanzi of running Chinese text, simplified and traditional forms both. */
const COMMON_HANZI = new Set(
  '的一是不了在人有我他这這个個们們中来來上大为為和国國地到以说說时時要就出会會可也你对對生能而子那得于於着著下自之年过過发發后後作里裡用道行所然家种種事成方多经經么麼去法学學如都同现現当當没沒动動面起看定天分还還进進好小部其些主样樣理心她本前开開但因只从從想实實日军軍者意无無力它与與长長把机機十民第公此已工使情明性知全三又关關点點正业業外将將两兩高间間由问問很最重并並物手应應战戰向头頭文体體政美相见見被利什二等产產或新己制身果加西斯月话話合回特代内內信表化老给給世位次度门門任常先海通教儿兒原东東声聲提立及比员員解水名真论論处處走义義各入几幾口认認条條平系气氣题題活尔爾更别別打女变變四神总總何电電数數安少报報才结結反受目太量再感建务務做接必场場件计計管期市直德资資命山金指克许許统統区區保至队隊形社便空决決治展马馬科司五基眼书書非则則听聽白却界达達光放强強即像难難且权權思王象完设設式色路记記南品住告类類求据據程北边邊死张張该該交规規万萬取拉格望觉覺术術领領共确確传傳师師观觀清今切院让讓识識候带帶导導争爭运運笑飞飛风風步改收根干'.split(
    '',
  ),
);

interface Candidate {
  charset: string;
  /** How many of the decoded characters speak for this charset. */
  evidence(text: string): number;
  /** The share of the non-ASCII characters `evidence` must reach. */
  share: number;
}

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
const hangul = (text: string) => count(text, /[\uAC00-\uD7A3]/g);
const kana = (text: string) => count(text, /[\u3041-\u30FA]/g);
const commonHanzi = (text: string) => [...text].filter((c) => COMMON_HANZI.has(c)).length;

const MULTI_BYTE: Candidate[] = [
  { charset: 'euc-kr', evidence: hangul, share: 0.6 },
  { charset: 'shift_jis', evidence: kana, share: 0.2 },
  { charset: 'euc-jp', evidence: kana, share: 0.2 },
  { charset: 'gb18030', evidence: commonHanzi, share: 0.15 },
  { charset: 'big5', evidence: commonHanzi, share: 0.15 },
];

/**
 * Single-byte tables of cased scripts, with the script's letters (any case) and the lowercase
 * letters of its common alphabet (Russian and Ukrainian; modern Greek): a wrong table of the
 * same script gives capitals, symbols or the rarer letters instead.
 */
const SINGLE_BYTE: { charset: string; letter: RegExp; lower: RegExp }[] = [
  ...['windows-1251', 'koi8-r', 'iso-8859-5', 'ibm866'].map((charset) => ({
    charset,
    letter: /[\u0400-\u045F\u0490\u0491]/,
    lower: /[\u0430-\u044F\u0451\u0456]/,
  })),
  ...['windows-1253', 'iso-8859-7'].map((charset) => ({ charset, letter: /[\u0386-\u03CE]/, lower: /[\u03AC-\u03CE]/ })),
];

/** Share of the non-ASCII characters that must be such lowercase letters: running text is mostly lowercase. */
const LOWERCASE_SHARE = 0.6;

/** Guesses the charset of `bytes` (a body's first few KB), which are not UTF-8; see the module comment. */
export function guessCharset(bytes: Uint8Array): string {
  let nonAscii = 0;
  for (const b of bytes) if (b >= 0x80) nonAscii++;
  if (nonAscii < MIN_EVIDENCE) return FALLBACK_CHARSET;
  return guessMultiByte(bytes) ?? guessSingleByte(bytes) ?? FALLBACK_CHARSET;
}

function guessMultiByte(bytes: Uint8Array): string | undefined {
  let best: { charset: string; score: number } | undefined;
  for (const candidate of MULTI_BYTE) {
    const text = decodeCut(candidate.charset, bytes);
    if (text === undefined) continue;
    const wide = count(text, /[^\u0000-\u007F]/g);
    const score = candidate.evidence(text) / Math.max(wide, 1);
    if (wide >= MIN_EVIDENCE && score >= candidate.share && (!best || score > best.score)) best = { charset: candidate.charset, score };
  }
  return best?.charset;
}

function guessSingleByte(bytes: Uint8Array): string | undefined {
  let best: { charset: string; score: number } | undefined;
  for (const { charset, letter, lower } of SINGLE_BYTE) {
    const text = new TextDecoder(charset).decode(bytes);
    const wide = count(text, /[^\u0000-\u007F]/g);
    let scriptLetters = 0;
    let lowercase = 0;
    let pureWords = 0;
    let mixedWords = 0;
    // Words: runs of letters of any script.
    for (const [word] of text.matchAll(/\p{L}+/gu)) {
      let inScript = 0;
      for (const c of word) {
        if (!letter.test(c)) continue;
        inScript++;
        if (lower.test(c)) lowercase++;
      }
      scriptLetters += inScript;
      if (inScript === word.length) pureWords++;
      else if (inScript > 0) mixedWords++;
    }
    if (scriptLetters < MIN_EVIDENCE || pureWords <= mixedWords * 2) continue;
    const score = lowercase / Math.max(wide, 1);
    if (score >= LOWERCASE_SHARE && (!best || score > best.score)) best = { charset, score };
  }
  return best?.charset;
}

/**
 * `bytes` decoded strictly, or undefined when a sequence is invalid; a character cut off by the
 * end of the sniffed window (a lead byte or two) does not count against the charset.
 */
function decodeCut(charset: string, bytes: Uint8Array): string | undefined {
  const decoder = new TextDecoder(charset, { fatal: true });
  try {
    return decoder.decode(bytes, { stream: true });
  } catch {
    return undefined;
  }
}
