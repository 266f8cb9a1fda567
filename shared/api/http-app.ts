import { ProblemError } from '../core/problem.ts';
import type { QueueName } from '../core/resource-names.ts';
import type { DeadLetterRedriver } from '../queue/ports.ts';
import {
  createSubscriptionService,
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
 */
export type HttpAppDeps = SubscriptionServiceDeps & OperatorStatusDeps & { deadLetters?: DeadLetterRedriver };

export interface HttpAppSettings {
  /** Keys tokens and CSRF (`UNSUBSCRIBE_SECRET`); without it subscribing is off (503). */
  secret?: string;
  /** The operator's token (`ADMIN_TOKEN`); without it the status page and admin API are off. */
  adminToken?: string;
  /** `PUBLIC_BASE_URL`; links are built from the request's own host when absent. */
  publicBaseUrl?: string;
  mailFrom: string;
  allowPrivateNetwork: boolean;
  limits: RateLimits;
  confirmHours: number;
  /** Queues whose dead letters the operator may redrive: the topology's, given by the handler. */
  queueNames: readonly QueueName[];
}

/** What every controller receives. */
export interface HttpApp {
  deps: HttpAppDeps;
  settings: HttpAppSettings;
  /** The subscription service; a `not-configured` problem when there is no secret. */
  service(): SubscriptionService;
  /** The secret; a `not-configured` problem when there is none. */
  secret(): string;
  /** Base of links (`https://host`, no trailing slash). */
  baseUrl(request: HttpRequest): string;
  /** Origins our pages are served from: where form posts may come from. */
  origins(request: HttpRequest): string[];
  /** Checks the operator's token (Bearer, or the password of Basic auth). */
  requireAdmin(request: HttpRequest, scheme: 'Bearer' | 'Basic'): void;
}

export function createHttpApp(deps: HttpAppDeps, settings: HttpAppSettings): HttpApp {
  const service = settings.secret
    ? createSubscriptionService(deps, {
        secret: settings.secret,
        mailFrom: settings.mailFrom,
        allowPrivateNetwork: settings.allowPrivateNetwork,
        confirmHours: settings.confirmHours,
        limits: settings.limits,
      })
    : undefined;
  const configuredBase = settings.publicBaseUrl?.replace(/\/+$/, '');

  function requestOrigin(request: HttpRequest): string | undefined {
    const host = request.headers.host;
    if (!host || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) return undefined;
    return `${request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'}://${host}`;
  }

  return {
    deps,
    settings,
    service() {
      if (!service) throw new ProblemError('not-configured', 'subscribing is off: the server has no UNSUBSCRIBE_SECRET');
      return service;
    },
    secret() {
      if (!settings.secret) throw new ProblemError('not-configured', 'forms are off: the server has no UNSUBSCRIBE_SECRET');
      return settings.secret;
    },
    baseUrl(request) {
      return configuredBase ?? requestOrigin(request) ?? 'http://localhost';
    },
    origins(request) {
      return [configuredBase ? new URL(configuredBase).origin : undefined, requestOrigin(request)].filter((o): o is string => !!o);
    },
    requireAdmin(request, scheme) {
      if (!settings.adminToken) throw new ProblemError('not-found', 'operator endpoints are off: set ADMIN_TOKEN to use them');
      const given = credentialOf(request.headers.authorization);
      if (given === undefined || !secretsEqual(given, settings.adminToken)) {
        const challenge = scheme === 'Basic' ? 'Basic realm="news-alerts operator", charset="UTF-8"' : 'Bearer realm="news-alerts operator"';
        throw new ProblemError('unauthorized', 'the operator token is missing or wrong', { headers: { 'www-authenticate': challenge } });
      }
    },
  };
}

/** The token of `Bearer <token>`, or the password of `Basic base64(user:password)`. */
function credentialOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!scheme || !value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
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
