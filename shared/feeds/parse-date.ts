/**
 * Feed dates by real rules, never by guessing: RFC 822 / 2822 (obsolete and common zone names,
 * two-digit years, long month names, missing seconds or time), W3CDTF / ISO 8601 (offsets,
 * fractions, reduced precision, basic format, a space instead of `T`), asctime, and a few forms
 * seen in the wild (Perforce `yyyy/mm/dd`, Google's `2003-012-31`, Greek, Hungarian and Korean
 * month names). A string without a zone is UTC. Anything else is `null`: V8's `Date.parse`
 * is deliberately not a fallback, since it reads "Sun, Dec x 2012" as a date.
 */

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
  // Greek (feedparser's table) and the Portuguese/Spanish/French/German/Italian forms feeds use.
  ιαν: 1,
  φεβ: 2,
  μάώ: 3,
  μαώ: 3,
  απρ: 4,
  μάι: 5,
  μαϊ: 5,
  μαι: 5,
  ιούν: 6,
  ιον: 6,
  ιούλ: 7,
  ιολ: 7,
  αύγ: 8,
  αυγ: 8,
  σεπ: 9,
  οκτ: 10,
  νοέ: 11,
  νοε: 11,
  δεκ: 12,
  fev: 2,
  abr: 4,
  mai: 5,
  ago: 8,
  set: 9,
  out: 10,
  dez: 12,
  ene: 1,
  dic: 12,
  janv: 1,
  févr: 2,
  fevr: 2,
  mars: 3,
  avr: 4,
  juin: 6,
  juil: 7,
  août: 8,
  aout: 8,
  déc: 12,
  mär: 3,
  mrz: 3,
  okt: 10,
  gen: 1,
  giu: 6,
  lug: 7,
  ott: 10,
};

/** Hungarian month names (feedparser's table). */
const HUNGARIAN_MONTHS: Record<string, number> = {
  január: 1,
  február: 2,
  március: 3,
  április: 4,
  május: 5,
  június: 6,
  július: 7,
  augusztus: 8,
  szeptember: 9,
  október: 10,
  november: 11,
  december: 12,
};

/** Zone names in minutes east of UTC: RFC 822's, common abbreviations, and feedparser's oddities. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  'etc/gmt': 0,
  'etc/utc': 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  // Disney's (feedparser's test vectors): Atlantic, Eastern, Central, Mountain, Pacific.
  at: -240,
  et: -300,
  ct: -360,
  mt: -420,
  pt: -480,
  ast: -240,
  adt: -180,
  akst: -540,
  akdt: -480,
  hst: -600,
  wet: 0,
  west: 60,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  msk: 180,
  ist: 330,
  hkt: 480,
  sgt: 480,
  awst: 480,
  jst: 540,
  kst: 540,
  acst: 570,
  acdt: 630,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
};

const DAY_NAME = String.raw`[^\s\d,]+`;

/** `Thu, 01 Jan 2004 19:48:21 GMT`, also without day name, seconds, time or zone; extra commas. */
const RFC822 = new RegExp(
  String.raw`^(?:${DAY_NAME}\s*,?\s*)?(\d{1,2})[\s-]+([^\s\d,.-]+)\.?,?[\s-]+(\d{4}|\d{2})(?!\d)(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s*(.+))?$`,
  'u',
);
/** `Thu Aug 30 2012 17:26:16 +0200` (JavaScript's toString) and asctime `Sun Jan  4 16:29:06 2004`. */
const MONTH_FIRST = new RegExp(
  String.raw`^(?:${DAY_NAME}\s*,?\s+)?([^\s\d,.]+)\.?\s+(\d{1,2}),?\s+(?:(\d{4})\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s+([^\d\s][^\s]*|[+-]\d{4}))?(?:\s+(\d{4}))?$`,
  'u',
);
/** Perforce: `Fri, 2006/09/15 08:19:53 EDT`. */
const SLASHED = new RegExp(
  String.raw`^(?:${DAY_NAME}\s*,?\s*)?(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?:\s*(.+))?$`,
  'u',
);
/** W3CDTF / ISO 8601 extended (and basic) calendar dates, with optional time and offset. */
const ISO_EXTENDED =
  /^(\d{4})(?:-(0?\d{2})(?:-(\d{2}))?)?(?:(?:[Tt]|\s+)(\d{1,2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(?:([Zz])|([+-])(\d{2}):?(\d{2})?)?)?$/;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})(?:[Tt](\d{2})(\d{2})(\d{2})?(?:[.,]\d+)?(?:([Zz])|([+-])(\d{2})(\d{2})?)?)?$/;
/** Two-digit-year ISO forms feedparser reads: `03-12-31`, `031231`, `-03-12`, `-0312`. */
const ISO_SHORT_YMD = /^(\d{2})-?(\d{2})-?(\d{2})$/;
const ISO_SHORT_YM = /^-(\d{2})-?(\d{2})$/;
/** Hungarian: `2004-július-13T9:15-05:00`. */
const HUNGARIAN = /^(\d{4})-([^\d\s-]+)-(\d{1,2})T(\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?$/u;
/** Korean OnBlog: `2004년 05월 28일  01:31:15` (KST). */
const KOREAN_ONBLOG = /^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일\s+(\d{1,2}):(\d{2}):(\d{2})$/u;
/** Korean Nate: `2004-05-25 오후 11:23:17` (KST, 오전 AM / 오후 PM). */
const KOREAN_NATE = /^(\d{4})-(\d{2})-(\d{2})\s+(오전|오후)\s+(\d{1,2}):(\d{2}):(\d{2})$/u;

interface Parts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  /** Minutes east of UTC; 0 when the string has no zone. */
  offset: number;
}

/**
 * A feed date as a UTC ISO string (`Date#toISOString`, whole seconds), or null when the text is
 * not a date by any rule above or names an impossible one (31 June, 25:00, offset -99:99).
 */
export function parseFeedDate(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '' || text.length > 80) return null;
  const parts = matchIso(text) ?? matchRfc822(text) ?? matchMonthFirst(text) ?? matchOther(text);
  return parts ? toIso(parts) : null;
}

function matchIso(text: string): Parts | undefined {
  let m = ISO_EXTENDED.exec(text);
  if (m) {
    const month = m[2] === undefined ? 1 : Number(m[2].length === 3 ? m[2].slice(1) : m[2]);
    // The 3-digit month is only Google's "012": a leading zero, nothing else.
    if (m[2]?.length === 3 && !m[2].startsWith('0')) return undefined;
    if (m[4] !== undefined && m[5] === undefined) return undefined;
    const offset = m[8] ? signedOffset(m[8], m[9]!, m[10] ?? '00') : 0;
    if (offset === undefined) return undefined;
    return {
      year: Number(m[1]),
      month,
      day: m[3] === undefined ? 1 : Number(m[3]),
      hour: optionalNumber(m[4]),
      minute: optionalNumber(m[5]),
      second: optionalNumber(m[6]),
      offset,
    };
  }
  m = ISO_BASIC.exec(text);
  if (m) {
    const offset = m[8] ? signedOffset(m[8], m[9]!, m[10] ?? '00') : 0;
    if (offset === undefined) return undefined;
    return numericParts(m, offset);
  }
  m = ISO_SHORT_YMD.exec(text);
  if (m) return { year: twoDigitYear(Number(m[1])), month: Number(m[2]), day: Number(m[3]), offset: 0 };
  m = ISO_SHORT_YM.exec(text);
  if (m) return { year: twoDigitYear(Number(m[1])), month: Number(m[2]), day: 1, offset: 0 };
  return undefined;
}

/** Parts of a match whose groups 1–6 are year, month, day, hour, minute, second (the last three optional). */
function numericParts(m: RegExpExecArray, offset: number): Parts {
  return {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: optionalNumber(m[4]),
    minute: optionalNumber(m[5]),
    second: optionalNumber(m[6]),
    offset,
  };
}

/** A regular expression's optional numeric group: its number, or undefined when it did not match. */
function optionalNumber(group: string | undefined): number | undefined {
  return group === undefined ? undefined : Number(group);
}

function matchRfc822(text: string): Parts | undefined {
  const m = RFC822.exec(text);
  if (!m) return undefined;
  const month = monthNumber(m[2]!);
  if (month === undefined) return undefined;
  const offset = m[7] === undefined ? 0 : zoneOffset(m[7]);
  if (offset === undefined) return undefined;
  const year = m[3]!.length === 2 ? twoDigitYear(Number(m[3])) : Number(m[3]);
  return {
    year,
    month,
    day: Number(m[1]),
    hour: optionalNumber(m[4]),
    minute: optionalNumber(m[5]),
    second: optionalNumber(m[6]),
    offset,
  };
}

function matchMonthFirst(text: string): Parts | undefined {
  const m = MONTH_FIRST.exec(text);
  if (!m) return undefined;
  const month = monthNumber(m[1]!);
  // The year comes before the time (JavaScript) or last (asctime), exactly once.
  if (month === undefined || (m[3] === undefined) === (m[8] === undefined)) return undefined;
  const offset = m[7] === undefined ? 0 : zoneOffset(m[7]);
  if (offset === undefined) return undefined;
  return {
    year: Number(m[3] ?? m[8]),
    month,
    day: Number(m[2]),
    hour: Number(m[4]),
    minute: Number(m[5]),
    second: optionalNumber(m[6]),
    offset,
  };
}

function matchOther(text: string): Parts | undefined {
  let m = SLASHED.exec(text);
  if (m) {
    const offset = m[7] === undefined ? 0 : zoneOffset(m[7]);
    if (offset === undefined) return undefined;
    return numericParts(m, offset);
  }
  m = HUNGARIAN.exec(text);
  if (m) {
    const month = HUNGARIAN_MONTHS[m[2]!.toLowerCase()];
    const offset = m[7] === undefined ? 0 : zoneOffset(m[7]);
    if (month === undefined || offset === undefined) return undefined;
    const second = optionalNumber(m[6]);
    return { year: Number(m[1]), month, day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second, offset };
  }
  m = KOREAN_ONBLOG.exec(text);
  // Korea Standard Time, UTC+9.
  if (m) return numericParts(m, 540);
  m = KOREAN_NATE.exec(text);
  if (m) {
    let hour = Number(m[5]);
    if (hour > 12) return undefined;
    if (m[4] === '오후' && hour < 12) hour += 12;
    if (m[4] === '오전' && hour === 12) hour = 0;
    return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour, minute: Number(m[6]), second: Number(m[7]), offset: 540 };
  }
  return undefined;
}

function monthNumber(name: string): number | undefined {
  return MONTHS[name.toLowerCase().replace(/\.$/, '')];
}

/** RFC 2822 §4.3: 00–49 are 2000–2049, 50–99 are 1950–1999. */
function twoDigitYear(year: number): number {
  return year < 50 ? 2000 + year : 1900 + year;
}

function signedOffset(sign: string, hours: string, minutes: string): number | undefined {
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 23 || m > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (h * 60 + m);
}

/**
 * A zone as minutes east of UTC: `+0200`, `-01:01`, `GMT-01:01`, a name from ZONES, or a
 * military letter (RFC 2822 §4.3: their signs were defined wrongly in RFC 822, so they mean
 * -0000 — except Z).
 */
function zoneOffset(zone: string): number | undefined {
  const text = zone.trim().toLowerCase();
  const numeric = /^(?:(?:gmt|utc|ut)\s*)?([+-])(\d{1,2}):?(\d{2})?$/.exec(text);
  if (numeric) return signedOffset(numeric[1]!, numeric[2]!, numeric[3] ?? '00');
  const named = ZONES[text];
  if (named !== undefined) return named;
  if (/^[a-ik-y]$/.test(text)) return 0;
  return undefined;
}

function toIso(parts: Parts): string | null {
  const { year, month, day, offset } = parts;
  const hour = parts.hour ?? 0;
  const minute = parts.minute ?? 0;
  const second = parts.second ?? 0;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  if (day > daysInMonth(year, month)) return null;
  // 24:00:00 is the end of the day in ISO 8601; 60 is a leap second.
  if (hour > 24 || (hour === 24 && (minute > 0 || second > 0)) || minute > 59 || second > 60) return null;
  const time = utcTime(year, month, day, hour, minute, Math.min(second, 59)) - offset * 60_000;
  const result = new Date(time);
  const resultYear = result.getUTCFullYear();
  if (Number.isNaN(time) || resultYear < 0 || resultYear > 9999) return null;
  return result.toISOString();
}

/** Milliseconds since the epoch of a UTC date and time (years 0–99 are those years, not 1900–1999). */
function utcTime(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  // Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes them as written.
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
