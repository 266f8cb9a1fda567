/**
 * What a webhook URL is, for the rules that depend on it: whether it is a Slack incoming webhook
 * (the only kind that gets a message without proving intent first), and the normalised form
 * per-target limits count, so a changed query string or host case is the same target.
 */

/** Slack's incoming-webhook hosts: Slack, and GovSlack. */
const SLACK_WEBHOOK_HOSTS = new Set(['hooks.slack.com', 'hooks.slack-gov.com']);
/** `/services/T…/B…/<secret>`: workspace, bot and secret, as Slack issues them. */
const SLACK_WEBHOOK_PATH = /^\/services\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/;

function parsed(url: string | URL): URL | undefined {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Why `url` is not a Slack incoming webhook, or undefined when it is one: https on the default
 * port to hooks.slack.com or hooks.slack-gov.com, path `/services/<T>/<B>/<secret>`, no user
 * info, query string or fragment.
 */
export function slackWebhookProblem(url: string | URL): string | undefined {
  const target = parsed(url);
  if (!target) return 'it is not a valid URL';
  if (!SLACK_WEBHOOK_HOSTS.has(target.hostname)) return `the host is not ${[...SLACK_WEBHOOK_HOSTS].join(' or ')}`;
  if (target.protocol !== 'https:') return 'it is not https';
  if (target.port !== '') return 'it names a port';
  if (target.username !== '' || target.password !== '') return 'it carries a user name or password';
  if (target.search !== '' || target.hash !== '') return 'it carries a query string or fragment';
  if (!SLACK_WEBHOOK_PATH.test(target.pathname)) return 'the path is not /services/<workspace>/<bot>/<secret>';
  return undefined;
}

/** Whether `url` is a Slack incoming webhook (see `slackWebhookProblem`). */
export function isSlackIncomingWebhook(url: string | URL): boolean {
  return slackWebhookProblem(url) === undefined;
}

/**
 * The target a per-URL limit counts: scheme, host (the URL parser has lower-cased it, turned
 * IPv4 forms into dotted quads and dropped a default port; a trailing dot is dropped here) and
 * path (dot segments resolved), without user info, query string or fragment, which do not change
 * where a request goes. Text that is not a URL is its own key.
 */
export function webhookTargetKey(url: string | URL): string {
  const target = parsed(url);
  if (!target) return String(url);
  const host = target.hostname.replace(/\.$/, '');
  return `${target.protocol}//${host}${target.port ? `:${target.port}` : ''}${target.pathname}`;
}
