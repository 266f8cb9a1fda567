import { randomBytes } from 'node:crypto';
import { ProblemError } from '../core/problem.ts';
import { assertPublicUrl, sharedGuardedFetch, slackWebhookProblem, UrlRefusedError } from '../outbound-http/index.ts';

export interface WebhookChallengeDeps {
  fetch: typeof globalThis.fetch;
  /** Allow loopback / private targets (env ALLOW_PRIVATE_NETWORK; local fixtures only). */
  allowPrivateNetwork: boolean;
}

export interface WebhookChallengeOptions {
  /** Give up after this long (default 5 s). */
  timeoutMs?: number;
  /** Where the field sits in the request, for the problem's `errors` (default `channel.url`). */
  path?: string;
}

export const CHALLENGE_TIMEOUT_MS = 5_000;
/** The answer is read up to this many bytes: an echo is short. */
const MAX_ANSWER_BYTES = 4096;
const USER_AGENT = 'news-alerts-webhooks/1';

/**
 * Proves that whoever runs a webhook URL wants our posts, before a subscription may point our
 * traffic at it (as WebSub's intent verification and Slack's `url_verification` do): POSTs
 * `{"type":"url_verification","challenge":"<random>"}` and expects a 2xx answer whose body is the
 * challenge, as plain text or as `{"challenge":"<same>"}`. The URL passes the SSRF guard first
 * and on the connection's own DNS lookup; redirects are not followed.
 *
 * @throws ProblemError `webhook-url-refused` (non-public address, bad scheme) or
 *   `webhook-challenge-failed` (unreachable, timeout, non-2xx, wrong or missing echo).
 */
export async function verifyWebhookIntent(url: string, deps: WebhookChallengeDeps, options: WebhookChallengeOptions = {}): Promise<void> {
  const challenge = randomBytes(24).toString('base64url');
  const exchange = await postGuarded(url, { type: 'url_verification', challenge }, deps, options);
  if (exchange.answer === undefined) exchange.fail(`answer was longer than ${MAX_ANSWER_BYTES} bytes or broke off`);
  if (!echoes(exchange.answer ?? '', challenge)) exchange.fail('did not echo the challenge');
}

/**
 * The Slack form skips the challenge (Slack cannot echo one), so it is only for Slack's own
 * incoming-webhook URLs: anything else would let anyone make us post to any URL they name.
 *
 * @throws ProblemError `webhook-url-refused` naming what is wrong with the URL.
 */
export function checkSlackWebhookUrl(url: string, path = 'channel.url'): void {
  const problem = slackWebhookProblem(url);
  if (problem === undefined) return;
  const message = `the Slack format is only for Slack incoming webhooks (https://hooks.slack.com/services/…), and ${problem}; other webhooks use the json format and answer a challenge`;
  throw new ProblemError('webhook-url-refused', message, { errors: [{ path, message }] });
}

/**
 * Posts a message with the confirmation link to a Slack incoming webhook (which cannot echo a
 * challenge): whoever reads the channel confirms, as with email. Needs a 2xx answer.
 */
export async function postSlackVerification(
  url: string,
  confirmUrl: string,
  deps: WebhookChallengeDeps,
  options: WebhookChallengeOptions = {},
): Promise<void> {
  const text = `Someone asked news-alerts to post news alerts to this channel. To confirm, open <${confirmUrl}|this link> and press "Confirm subscription". If that was not you, ignore this message.`;
  await postGuarded(url, { text }, deps, options);
}

interface Exchange {
  /** The answer's body (2xx only), or undefined when it was too long. */
  answer: string | undefined;
  fail(why: string): never;
}

async function postGuarded(url: string, body: unknown, deps: WebhookChallengeDeps, options: WebhookChallengeOptions): Promise<Exchange> {
  const path = options.path ?? 'channel.url';
  const timeoutMs = options.timeoutMs ?? CHALLENGE_TIMEOUT_MS;
  const fail = (why: string): never => {
    throw new ProblemError('webhook-challenge-failed', `the webhook ${why}`, { errors: [{ path, message: `the webhook ${why}` }] });
  };
  const refused = (error: UrlRefusedError): never => {
    throw new ProblemError('webhook-url-refused', error.message, { errors: [{ path, message: error.reason }] });
  };

  let target: URL;
  try {
    target = await assertPublicUrl(url, { allowPrivateNetwork: deps.allowPrivateNetwork });
  } catch (error) {
    if (error instanceof UrlRefusedError) return refused(error);
    return fail('host could not be resolved');
  }

  let response: Response;
  try {
    const send = deps.allowPrivateNetwork ? deps.fetch : sharedGuardedFetch();
    response = await send(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (error instanceof Error && error.cause instanceof UrlRefusedError) return refused(error.cause);
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
      return fail(`did not answer within ${timeoutMs / 1000} s`);
    }
    return fail('could not be reached');
  }

  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 300 && response.status < 400) fail(`answered with a redirect (HTTP ${response.status}), which is not followed`);
    fail(`answered HTTP ${response.status}`);
  }
  const answer = await readCapped(response, MAX_ANSWER_BYTES).catch(() => undefined);
  return { answer, fail };
}

function echoes(answer: string, challenge: string): boolean {
  const trimmed = answer.trim();
  if (trimmed === challenge) return true;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    return parsed !== null && typeof parsed === 'object' && (parsed as { challenge?: unknown }).challenge === challenge;
  } catch {
    return false;
  }
}

/** The body as text, or a rejection once it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new Error('answer too long');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
