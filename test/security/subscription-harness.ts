import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHandler } from '../../functions/http-api/handler.ts';
import { startApiServer, type ApiServer, type FunctionUrlHandler } from '../../infra/local/api-server.ts';
import { startLocalRuntime, type LocalRuntime } from '../../infra/local/runtime.ts';
import { silentLog } from '../../shared/core/logger.ts';
import type { Deps } from '../../shared/runtime/deps.ts';
import { defaultRateLimits, type RateLimits } from '../../shared/subscriptions/rate-limits.ts';
import { createKeyRing, type KeyRing } from '../../shared/subscriptions/tokens/key-ring.ts';
import { subscriberIdForEmail } from '../../shared/subscriptions/tokens/index.ts';
import { parseMessage } from '../integration/delivery/mime-parts.ts';
import { startSmtpListener } from '../integration/delivery/smtp-listener.ts';
import { decodeWords } from '../integration/api/outbox.ts';

/**
 * The subscription surface as an outside probe meets it: the local runtime's HTTP API (real
 * handler, dynalite, fauxqs) sending its mail over SMTP to a real listener, with helpers that
 * act as a browser would (follow a link, read the CSRF cookie and field, press the button).
 */
export interface SubscriptionProbe {
  runtime: LocalRuntime;
  /** `http://127.0.0.1:<port>` of the API. */
  url: string;
  keys(): KeyRing;
  subscriberIdOf(address: string): string;
  /** Every mail the SMTP listener took for `to` (any case), oldest first. */
  mailsTo(to: string): ProbeMail[];
  /** `POST /api/subscriptions` for an email address. */
  subscribe(address: string, preferences?: Record<string, unknown>): Promise<Response>;
  /** GET a link of ours (absolute, any base), then POST its form with the CSRF cookie and field. */
  openForm(link: string): Promise<{ status: number; html: string; csrf?: string; cookie?: string; token?: string }>;
  /** Confirms through the confirm page's button; the response of the POST. */
  confirm(confirmLink: string): Promise<Response>;
  /** Subscribes and confirms; the manage token the confirmed page links to. */
  subscribeAndConfirm(address: string, preferences?: Record<string, unknown>): Promise<string>;
  /** `fetch` of a path (or an absolute link of ours) on this API. */
  get(pathOrLink: string, init?: RequestInit): Promise<Response>;
  /** A form POST with a fresh CSRF cookie and field from `formPage`. */
  postForm(formPage: string, action: string, fields: [string, string][]): Promise<Response>;
  /** Another API server on the same runtime with `deps` changed. */
  serve(change: (deps: Deps) => Deps, limits?: RateLimits): Promise<string>;
  stop(): Promise<void>;
}

export interface ProbeMail {
  to: string;
  subject: string;
  text: string;
  /** Every http(s) link in the text part. */
  links: string[];
}

/** Limits no test reaches by accident; the per-recipient one stays the default (3 an hour). */
export const probeLimits: RateLimits = {
  subscribePerClient: { ...defaultRateLimits.subscribePerClient, limit: 10_000 },
  emailsPerRecipient: defaultRateLimits.emailsPerRecipient,
};

export async function startSubscriptionProbe(): Promise<SubscriptionProbe> {
  const smtp = await startSmtpListener();
  const dataDir = await mkdtemp(join(tmpdir(), 'news-alerts-security-'));
  const runtime = await startLocalRuntime({
    dataDir,
    apiPort: 0,
    inMemory: true,
    log: silentLog,
    schedules: false,
    mailTransport: 'smtp',
    smtpUrl: smtp.url,
    mailFrom: 'News Alerts <alerts@example.org>',
    handlers: { 'http-api': (deps) => createHandler(deps, { limits: probeLimits }) },
  });
  const url = runtime.apiUrl;
  const servers: ApiServer[] = [];
  const local = (link: string) => {
    const parsed = new URL(link, url);
    return `${url}${parsed.pathname}${parsed.search}`;
  };

  const probe: SubscriptionProbe = {
    runtime,
    url,
    keys: () => createKeyRing(runtime.secrets.unsubscribe),
    subscriberIdOf: (address) => subscriberIdForEmail(address, runtime.secrets['subscriber-id'].current),
    mailsTo(to) {
      return smtp.mails
        .filter((mail) => mail.to.some((r) => r.toLowerCase() === to.toLowerCase()))
        .map((mail) => {
          const parsed = parseMessage(mail.raw);
          const text = parsed.parts.find((p) => p.contentType.startsWith('text/plain'))?.body ?? '';
          return {
            to: mail.to.join(', '),
            subject: decodeWords(parsed.headers.get('subject') ?? ''),
            text,
            links: [...text.matchAll(/https?:\/\/[^\s<>"]+/g)].map((m) => m[0]),
          };
        });
    },
    subscribe: (address, preferences = {}) =>
      fetch(`${url}/api/subscriptions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel: { kind: 'email', address }, topics: ['talks'], ...preferences }),
      }),
    async openForm(link) {
      const response = await fetch(local(link));
      const html = await response.text();
      const cookie = response.headers.get('set-cookie')?.split(';')[0];
      const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
      const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
      return { status: response.status, html, ...(cookie ? { cookie } : {}), ...(csrf ? { csrf } : {}), ...(token ? { token } : {}) };
    },
    async confirm(confirmLink) {
      const token = new URL(confirmLink).searchParams.get('token') ?? '';
      return probe.postForm(confirmLink, '/confirm', [['token', token]]);
    },
    async subscribeAndConfirm(address, preferences) {
      const before = probe.mailsTo(address).length;
      await probe.subscribe(address, preferences);
      const mail = probe.mailsTo(address)[before];
      const link = mail?.links.find((l) => new URL(l).pathname === '/confirm');
      if (!link) throw new Error(`no confirmation link came for ${address}`);
      const confirmed = await probe.confirm(link);
      const href = /href="(\/manage\?token=[^"]+)"/.exec(await confirmed.text())?.[1]?.replace(/&amp;/g, '&');
      if (!href) throw new Error(`the confirmation of ${address} gave no manage link (HTTP ${confirmed.status})`);
      return new URL(href, url).searchParams.get('token')!;
    },
    get: (pathOrLink, init) => fetch(local(pathOrLink), init),
    async postForm(formPage, action, fields) {
      const form = await probe.openForm(formPage);
      // A page that offers no form (an invalid link) still gets a CSRF cookie from the subscribe page.
      const fallback = form.csrf ? form : await probe.openForm('/');
      return fetch(`${url}${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: fallback.cookie ?? '' },
        body: new URLSearchParams([['csrf', fallback.csrf ?? ''], ...fields]).toString(),
        redirect: 'manual',
      });
    },
    async serve(change, limits = probeLimits) {
      const handler = createHandler(change(runtime.deps), { limits }) as unknown as FunctionUrlHandler;
      const server = await startApiServer({ handler, log: silentLog, port: 0 });
      servers.push(server);
      return server.url;
    },
    async stop() {
      await Promise.all(servers.map((s) => s.close()));
      await runtime.stop();
      await smtp.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return probe;
}

/** The first link of a mail to `path`. */
export function linkIn(mail: ProbeMail | undefined, path: string): string {
  const link = mail?.links.find((l) => new URL(l).pathname === path);
  if (!link) throw new Error(`mail "${mail?.subject}" has no link to ${path}: ${mail?.links.join(', ')}`);
  return link;
}
