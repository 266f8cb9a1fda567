/**
 * Feeds and webhooks on loopback or private addresses: refused when the operator names them
 * (config file, `feeds add`, `subscribers add`), by the rule the API applies to a webhook, with
 * the way to allow them for local testing, rather than only at poll or delivery time.
 */
import { ConfigError } from '../shared/core/errors.ts';
import { allowPrivateNetworkHint, checkOperatorUrl } from '../shared/outbound-http/index.ts';

/** `ALLOW_PRIVATE_NETWORK=true`, read as `news-alerts run` reads it. */
export function privateNetworkAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ALLOW_PRIVATE_NETWORK === 'true';
}

/**
 * Throws a ConfigError for the first URL whose host is a non-public address, naming where it was
 * given (`feeds.2.url`, `--webhook`) and how to allow it. `resolve: false`: no DNS lookups.
 */
export async function refuseNonPublicUrls(urls: readonly { url: string; where: string }[], options: { resolve: boolean }): Promise<void> {
  const allowPrivateNetwork = privateNetworkAllowed();
  for (const { url, where } of urls) {
    const refused = await checkOperatorUrl(url, { allowPrivateNetwork, ...(options.resolve ? {} : { resolve: false as const }) });
    if (refused) throw new ConfigError(`${where} refused: ${refused.reason}; ${allowPrivateNetworkHint} (${refused.url})`);
  }
}
