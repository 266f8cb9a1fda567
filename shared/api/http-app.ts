import { ProblemError } from '../core/problem.ts';
import type { QueueName } from '../core/resource-names.ts';
import type { DeadLetterRedriver, MessageQueue } from '../queue/ports.ts';
import type { SecretSource } from '../parameters/secret-source.ts';
import {
  createKeyRingReader,
  createSubscriptionService,
  type KeyRing,
  type RateLimits,
  secretsEqual,
  type SubscriptionService,
  type SubscriptionServiceDeps,
} from '../subscriptions/index.ts';
import type { HttpRequest } from './incoming-http.ts';
import type { OperatorStatusDeps } from './operator-status.ts';

/**
 * What the pages and the JSON API need: the ports, and settings from the environment.
 * `deadLetters`: the operator's redrive (`POST /api/admin/redrive`); off without it.
 * `secrets`: the token keys and the admin token, read at run time (a rotation needs no redeploy).
 * `publicBaseUrl`: the base of links, as the deployment knows it (never the request's Host).
 */
export type HttpAppDeps = SubscriptionServiceDeps &
  OperatorStatusDeps & {
    deadLetters?: DeadLetterRedriver;
    /** The poll queue, for "poll now" (`POST /api/admin/feeds/{id}/poll`). */
    queue: Pick<MessageQueue, 'send'>;
    secrets: SecretSource;
    publicBaseUrl(): Promise<string | undefined>;
  };

export interface HttpAppSettings {
  mailFrom: string;
  allowPrivateNetwork: boolean;
  limits: RateLimits;
  confirmHours: number;
  /** Set when emails are written to files (one-process mode's outbox), not sent: pages say where they are. */
  outboxDir?: string | undefined;
  /** Queues whose dead letters the operator may redrive: the topology's, given by the handler. */
  queueNames: readonly QueueName[];
}

/** What every controller receives. */
export interface HttpApp {
  deps: HttpAppDeps;
  settings: HttpAppSettings;
  /** The subscription service on the current keys; a `not-configured` problem when there are none. */
  service(): Promise<SubscriptionService>;
  /** The token key ring (CSRF of the forms); a `not-configured` problem when there is none. */
  tokenKeys(): Promise<KeyRing>;
  /** Base of links (`https://host`, no trailing slash); a `not-configured` problem when unknown. */
  baseUrl(): Promise<string>;
  /** Origins our pages are served from: where form posts may come from. */
  origins(request: HttpRequest): Promise<string[]>;
  /**
   * Checks the operator's token in the one scheme the caller accepts: `Bearer` for the admin
   * API, `Basic` (the token as the password) only for the browser's status page, so the
   * credentials a browser caches for that page never open the API.
   */
  requireAdmin(request: HttpRequest, scheme: 'Bearer' | 'Basic'): Promise<void>;
}

export function createHttpApp(deps: HttpAppDeps, settings: HttpAppSettings): HttpApp {
  const readKeyRing = createKeyRingReader(deps.secrets);
  // Rebuilt only when a key changed (a rotation), not per request.
  let built: { tokenKeys: KeyRing; subscriberIdKey: string; service: SubscriptionService } | undefined;

  async function tokenKeys(): Promise<KeyRing> {
    const keys = await readKeyRing();
    if (!keys) throw new ProblemError('not-configured', 'subscribing is off: the server has no unsubscribe key (UNSUBSCRIBE_SECRET_ARN)');
    return keys;
  }

  async function configuredBase(): Promise<string | undefined> {
    return (await deps.publicBaseUrl())?.replace(/\/+$/, '');
  }

  /** The request's own origin: only ever compared with a form's Origin header, never put in a link. */
  function requestOrigin(request: HttpRequest): string | undefined {
    const host = request.headers.host;
    if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return undefined;
    return `${request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${host}`;
  }

  return {
    deps,
    settings,
    async service() {
      const keys = await tokenKeys();
      const subscriberIdKey = await deps.secrets.current('subscriber-id');
      if (!subscriberIdKey)
        throw new ProblemError('not-configured', 'subscribing is off: the server has no subscriber-id key (SUBSCRIBER_ID_SECRET_ARN)');
      if (built?.tokenKeys !== keys || built.subscriberIdKey !== subscriberIdKey) {
        const service = createSubscriptionService(deps, {
          tokenKeys: keys,
          subscriberIdKey,
          mailFrom: settings.mailFrom,
          allowPrivateNetwork: settings.allowPrivateNetwork,
          confirmHours: settings.confirmHours,
          limits: settings.limits,
        });
        built = { tokenKeys: keys, subscriberIdKey, service };
      }
      return built.service;
    },
    tokenKeys,
    async baseUrl() {
      const base = await configuredBase();
      if (!base)
        throw new ProblemError(
          'not-configured',
          'links are off: the server has no public base URL (PUBLIC_BASE_URL or PUBLIC_BASE_URL_PARAMETER)',
        );
      return base;
    },
    async origins(request) {
      const base = await configuredBase();
      return [base ? new URL(base).origin : undefined, requestOrigin(request)].filter((o): o is string => !!o);
    },
    async requireAdmin(request, scheme) {
      const adminToken = await deps.secrets.current('admin');
      if (!adminToken)
        throw new ProblemError('not-found', 'operator endpoints are off: the server has no admin token (ADMIN_TOKEN_SECRET_ARN)');
      const given = credentialOf(request.headers.authorization, scheme);
      if (given === undefined || !secretsEqual(given, adminToken)) {
        const challenge =
          scheme === 'Basic' ? 'Basic realm="news-alerts operator", charset="UTF-8"' : 'Bearer realm="news-alerts operator"';
        throw new ProblemError('unauthorized', 'the operator token is missing or wrong', { headers: { 'www-authenticate': challenge } });
      }
    },
  };
}

/** The token of `Bearer <token>`, or the password of `Basic base64(user:password)`: only in `scheme`. */
function credentialOf(header: string | undefined, scheme: 'Bearer' | 'Basic'): string | undefined {
  if (!header) return undefined;
  const [given, value] = header.trim().split(/\s+/, 2);
  if (!given || !value || given.toLowerCase() !== scheme.toLowerCase()) return undefined;
  if (scheme === 'Bearer') return value;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

/** The manage token of an API request: `Authorization: Bearer <token>`. */
export function bearerTokenOf(request: HttpRequest): string {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) {
    throw new ProblemError('unauthorized', 'send the subscription token as "Authorization: Bearer <token>"', {
      headers: { 'www-authenticate': 'Bearer realm="news-alerts"' },
    });
  }
  return match[1]!;
}

/** The client's address for per-client limits. */
export function clientIpOf(request: HttpRequest): string {
  return request.sourceIp;
}
