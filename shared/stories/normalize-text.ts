import { toClassifierText } from '../core/classifier-text.ts';

/**
 * The parts of a headline and summary that say which outlet carried a wire story rather than
 * what happened: agency tags, datelines, ticker boxes, "UPDATE 2" prefixes, cut markers. They
 * differ between copies of one story and match between unrelated stories of one agency, so they
 * are removed before items are compared.
 */

/** Trailing "(AP)", "(Reuters)", "(Update3)", "(Canadian Press)": a short parenthesis ends the title. */
const TITLE_TAG_SUFFIX = /\s*\((?:[^()]{1,28})\)\s*$/;
/** "UPDATE 1-", "Update 2:", "WRAPUP-", "CORRECTED -" at the start of a title. */
const TITLE_UPDATE_PREFIX = /^\s*(?:update|wrapup|corrected|refile|breaking|exclusive|analysis|urgent)\s*\d*\s*[-:–—]\s*/i;
/** " | Site Name", " - World News", " – The Daily Planet": a short tail naming the site or section. */
const TITLE_SITE_SUFFIX = /\s+[|–—-]\s+(?:\p{L}[\p{L}'&.]*\s*){1,4}$/u;
/** Cut-off markers left by feeds: "...", "…" and AG's "<b>...</b>". */
const ELLIPSIS = /\s*(?:\.{3,}|…)\s*/g;

/** Known wire and syndication names that open a summary ("AP - ", "Reuters - "). */
const AGENCY_LEAD =
  /^\s*(?:AP|AFP|Reuters|Canadian Press|InfoWorld|PC World|CBS\.?MW|Dow Jones|Xinhua|Kyodo|UPI|DPA|Bloomberg|Description)\s*[-–—:]{1,2}\s*/i;
/** Any other source named the same way: up to three capitalised words, then " - " ("Global Wire - "). */
const SOURCE_NAME_LEAD = /^\s*(?:\p{Lu}[\p{L}.&]*\s+){0,2}\p{Lu}[\p{L}.&]*\s+[-–—]\s+/u;
/** "CHICAGO (Reuters) - ", "REAL, Philippines (AFP) - ", "SEOUL (Reuters) -- ". */
const DATELINE_WITH_AGENCY = /^\s*[\p{Lu}][\p{L}.' /-]{1,40}(?:,\s*[\p{L}.' ]{2,30})?\s*\([^()]{1,30}\)\s*[-–—:]{1,2}\s*/u;
/**
 * "BAGHDAD, Iraq -- ", "WASHINGTON - ", "NEW DELHI, Nov 26: ", "LOS ANGELES Sept. 13, 2004 - ":
 * a place in capitals, an optional region and date, then a dash or colon.
 */
const DATELINE =
  /^\s*[\p{Lu}][\p{Lu}.'-]+(?:\s+[\p{Lu}][\p{Lu}.'-]+){0,3}(?:,\s*[\p{Lu}][\p{L}.]+(?:\s+[\p{Lu}][\p{L}.]+)?)?(?:,?\s+[\p{Lu}][\p{Ll}]{2,4}\.?\s+\d{1,2}(?:,\s*\d{4})?)?\s*(?:--|[-–—:_])\s+/u;
/** "(OfficialWire) -- 12/16/04 -- " and "_ " leads. */
const SOURCE_LEAD = /^\s*(?:\([^()]{1,30}\)\s*[-–—]{1,2}\s*(?:\d{1,2}\/\d{1,2}\/\d{2,4}\s*[-–—]{1,2}\s*)?|_\s+)/;
/** Quote boxes: "(JNJ.N: Quote, Profile, Research)", "(Quote, Chart)", "(STEa.TO)". */
const QUOTE_BOX =
  /\s*\((?:[\p{L}.]{1,10}(?::\s*)?)?(?:Quote|Chart|Profile|Research)(?:,\s*(?:Quote|Chart|Profile|Research))*\)|\s*\([A-Za-z]{1,6}\.[A-Z]{1,3}\)/gu;
/** Ticker symbols left when a Reuters ticker link was stripped: "MDT.N", "MSFT.O", "STEa.TO". */
const TICKER = /\b[A-Z][A-Za-z]{0,5}\.(?:N|O|OQ|TO|L|PA|DE|T|HK|AX|AS|MI|MC)\b/g;
/** Comment-section chrome some outlets append to headlines. */
const TITLE_CHROME = /\s*[:|-]\s*(?:your (?:reaction|views|say)|have your say|live updates?|in pictures|video|photos)\s*$/i;

export interface StoryText {
  title: string;
  summary: string;
}

/**
 * Plain headline and summary with the outlet's chrome removed. Entities (also AG News' mangled
 * ` #39;`), leftover tags and backslash line breaks are handled by the classifier's cleaner, so
 * both stages read the same text.
 */
export function normalizeStoryText(title: string, summary: string): StoryText {
  let t = toClassifierText(title).replace(ELLIPSIS, ' ');
  t = t.replace(TITLE_UPDATE_PREFIX, '').replace(TITLE_CHROME, '');
  // Tags can stack ("… (Reuters) (Update1)"); two rounds are plenty.
  for (let round = 0; round < 2; round++) t = t.replace(TITLE_TAG_SUFFIX, '');
  const withoutSite = t.replace(TITLE_SITE_SUFFIX, '');
  // Only a short tail is chrome; keep the title when little would be left.
  if (withoutSite.trim().split(/\s+/).length >= 3) t = withoutSite;

  let s = toClassifierText(summary).replace(ELLIPSIS, ' ');
  // Syndicated copies stack leads ("Canadian Press - BEIJING (AP) - "): peel up to three.
  for (let round = 0; round < 3; round++) {
    const before = s;
    s = s
      .replace(AGENCY_LEAD, '')
      .replace(SOURCE_NAME_LEAD, '')
      .replace(SOURCE_LEAD, '')
      .replace(DATELINE_WITH_AGENCY, '')
      .replace(DATELINE, '');
    if (s === before) break;
  }
  s = s.replace(QUOTE_BOX, ' ').replace(TICKER, ' ');
  return { title: collapse(t), summary: collapse(s) };
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
