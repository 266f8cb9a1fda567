/**
 * The text of a queue message as our queue adapter sends it: the body's JSON with U+FFFE, U+FFFF
 * (which SQS refuses) and every surrogate (which fauxqs refuses even when paired; real SQS takes
 * pairs) written as `\uXXXX` escapes, which JSON reads back unchanged. Its UTF-8 length is what counts against SQS's size
 * limit: an emoji is 4 bytes as text and 12 as its two escapes, so whoever sizes messages before
 * sending (poll-feed's items) measures this, not the plain JSON.
 *
 * @returns undefined for a body JSON cannot hold (a cycle, a BigInt, undefined).
 */
export function queueMessageText(body: unknown): string | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'string') return undefined;
  return json.replace(SQS_REFUSED, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const SQS_REFUSED = /[\uD800-\uDFFF\uFFFE\uFFFF]/g;
