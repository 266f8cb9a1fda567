import {
  clientIpOf,
  describeOperatorStatus,
  htmlResponse,
  type HttpApp,
  pollAllFeedsNow,
  pollFeedNow,
  type HttpRequest,
  type HttpResponse,
  redirectResponse,
} from '../api/index.ts';
import { ProblemError, type ProblemField } from '../core/problem.ts';
import type { Subscriber } from '../store/records.ts';
import {
  createSubscriptionSchema,
  DEFAULT_DELIVERY_HOUR,
  DEFAULT_TIME_ZONE,
  describeCadence,
  mainCadenceOf,
  parseInput,
  subscriptionStatusOf,
  updateSubscriptionSchema,
} from '../subscriptions/index.ts';
import { checkCsrf, CSRF_FIELD, issueCsrf } from './csrf.ts';
import { type FormFields, parseForm } from './form.ts';
import { renderConfirmedPage, renderConfirmPage } from './pages/confirm-page.ts';
import { renderManageLinkPage } from './pages/manage-link-page.ts';
import type { FieldErrors, PreferenceValues } from './pages/form-parts.ts';
import { type ManageNotice, renderManagePage } from './pages/manage-page.ts';
import { renderMessagePage } from './pages/message-page.ts';
import { renderStatusPage } from './pages/status-page.ts';
import { renderCheckInboxPage, renderSubscribePage } from './pages/subscribe-page.ts';
import { siteCss } from './styles.ts';

export interface SitePages {
  subscribeForm(request: HttpRequest): Promise<HttpResponse>;
  subscribe(request: HttpRequest): Promise<HttpResponse>;
  checkInbox(request: HttpRequest): Promise<HttpResponse>;
  confirmForm(request: HttpRequest): Promise<HttpResponse>;
  confirm(request: HttpRequest): Promise<HttpResponse>;
  manageForm(request: HttpRequest): Promise<HttpResponse>;
  manage(request: HttpRequest): Promise<HttpResponse>;
  /** The footer's "manage" link: a page whose button emails a fresh manage link. */
  manageLinkForm(request: HttpRequest): Promise<HttpResponse>;
  manageLink(request: HttpRequest): Promise<HttpResponse>;
  status(request: HttpRequest): Promise<HttpResponse>;
  /** `POST /status/poll` (`feed=ID`, or `all=1`): the status page's "Poll now" buttons. */
  pollNow(request: HttpRequest): Promise<HttpResponse>;
  stylesheet(request: HttpRequest): Promise<HttpResponse>;
}

const defaultPreferences: PreferenceValues = {
  topics: [],
  filter: '',
  cadence: 'instant',
  deliveryHour: DEFAULT_DELIVERY_HOUR,
  timeZone: DEFAULT_TIME_ZONE,
  weeklyDay: 'mon',
};

/** Form field names and the input paths they carry. */
function fieldOf(path: string): string {
  if (path.startsWith('channel')) return 'email';
  if (path.startsWith('topics')) return 'topics';
  const first = path.split(/[.[]/)[0] ?? '';
  return ['filter', 'cadence', 'deliveryHour', 'timeZone', 'weeklyDay', 'email'].includes(first) ? first : 'form';
}

/** Problems in words for a person filling in a form. */
function fieldErrorsOf(errors: readonly ProblemField[], detail: string): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors) {
    const field = fieldOf(error.path);
    if (out[field]) continue;
    out[field] =
      field === 'email'
        ? 'Enter an email address like name@example.org'
        : field === 'topics' && !error.message.startsWith('unknown topic')
          ? 'Choose at least one topic'
          : field === 'filter'
            ? `The filter does not read right: ${error.message.replace(/^filter query invalid: /, '')}`
            : error.message;
  }
  if (Object.keys(out).length === 0) out.form = detail;
  return out;
}

/** The preferences as posted, unvalidated: the schema judges them, the form shows them back. */
function preferencesFromForm(form: FormFields) {
  const hour = form.get('deliveryHour');
  const filter = (form.get('filter') ?? '').trim();
  return {
    raw: {
      topics: form.getAll('topics'),
      ...(filter ? { filter } : {}),
      cadence: form.get('cadence') ?? 'instant',
      ...(hour !== undefined ? { deliveryHour: /^\d{1,2}$/.test(hour) ? Number(hour) : hour } : {}),
      ...(form.get('timeZone') ? { timeZone: form.get('timeZone') } : {}),
      ...(form.get('weeklyDay') ? { weeklyDay: form.get('weeklyDay') } : {}),
    },
    values: {
      topics: form.getAll('topics'),
      filter,
      cadence: (form.get('cadence') ?? 'instant') as PreferenceValues['cadence'],
      deliveryHour: hour !== undefined && /^\d{1,2}$/.test(hour) ? Number(hour) : DEFAULT_DELIVERY_HOUR,
      timeZone: form.get('timeZone') ?? DEFAULT_TIME_ZONE,
      weeklyDay: (form.get('weeklyDay') ?? 'mon') as PreferenceValues['weeklyDay'],
    } satisfies PreferenceValues,
  };
}

function preferencesOf(subscriber: Subscriber): PreferenceValues {
  return {
    topics: subscriber.topics,
    filter: subscriber.filter ?? '',
    cadence: mainCadenceOf(subscriber),
    deliveryHour: subscriber.deliveryHour ?? DEFAULT_DELIVERY_HOUR,
    timeZone: subscriber.timeZone ?? DEFAULT_TIME_ZONE,
    weeklyDay: subscriber.weeklyDay ?? 'mon',
  };
}

/** Where news goes, in words: every channel (web and API subscriptions have one). */
function destinationOf(subscriber: Subscriber): string {
  const names = subscriber.channels.map((channel) =>
    channel.kind === 'email' ? channel.address : `${channel.format === 'slack' ? 'Slack' : 'Webhook'} at ${new URL(channel.url).host}`,
  );
  return names.join(', ') || '(nowhere)';
}

/** Where to try again after a refused post: the same page, fresh. */
function retryLink(path: string, token: string | undefined): string {
  if (path.startsWith('/status')) return '/status';
  if ((path === '/manage' || path === '/confirm' || path === '/manage/link') && token) return `${path}?token=${encodeURIComponent(token)}`;
  return '/';
}

const INPUT_PROBLEMS = new Set([
  'invalid-input',
  'unknown-topic',
  'invalid-filter-query',
  'webhook-url-refused',
  'webhook-challenge-failed',
]);

/** What an unsubscribe from the manage page leads to (its manage links no longer work). */
function unsubscribedPage(subscriber: Subscriber): HttpResponse {
  return htmlResponse(
    200,
    renderMessagePage({
      title: 'You are unsubscribed',
      message: `Nothing more is sent to ${destinationOf(subscriber)}. Changed your mind? Subscribe again; you will be asked to confirm.`,
      tone: 'ok',
      link: { href: '/', text: 'Subscribe again' },
    }),
  );
}

function invalidLinkPage(status: number, kind: 'link' | 'manage' = 'link'): HttpResponse {
  return htmlResponse(
    status,
    renderMessagePage({
      title: 'This link is not valid',
      // One text for a forged, an expired and a revoked manage link: the page tells them not apart.
      message:
        kind === 'manage'
          ? 'The link is incomplete, has expired, or was replaced by a newer one. To get a fresh one, use the "Manage your subscription" link in any email we sent you.'
          : 'The link is incomplete or was not made by us. Copy the whole link from the email, or subscribe again.',
      tone: 'error',
      link: { href: '/', text: 'Subscribe' },
    }),
  );
}

/**
 * The subscription pages (server-rendered, no script): subscribe, check your inbox, confirm,
 * manage, and the operator's status page. Every form post carries a CSRF token; every page that
 * shows a token is never cached.
 */
export function createSitePages(app: HttpApp): SitePages {
  /** Parses a form post and checks its CSRF token; a refused post gets a page saying why. */
  async function acceptPost(request: HttpRequest): Promise<{ form: FormFields } | { refused: HttpResponse }> {
    const form = parseForm(request);
    const check = checkCsrf(request, form.get(CSRF_FIELD), await app.tokenKeys(), await app.origins(request));
    if (!check.ok) {
      app.deps.log.warn('form post refused', { path: request.path, reason: check.reason });
      return {
        refused: htmlResponse(
          403,
          renderMessagePage({
            title: 'Please send the form again',
            message: `The form could not be accepted: ${check.reason}.`,
            tone: 'error',
            link: { href: retryLink(request.path, form.get('token')), text: 'Start again' },
          }),
        ),
      };
    }
    return { form };
  }

  async function subscribePage(
    request: HttpRequest,
    status: number,
    values: PreferenceValues & { email: string },
    errors: FieldErrors,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const csrf = issueCsrf(request, await app.tokenKeys());
    const topics = await (await app.service()).topics();
    const body = renderSubscribePage({ topics, values, errors, csrfToken: csrf.token, confirmHours: app.settings.confirmHours });
    return htmlResponse(status, body, { headers, cookies: csrf.setCookie ? [csrf.setCookie] : [] });
  }

  async function managePage(
    request: HttpRequest,
    token: string,
    subscriber: Subscriber,
    options: { status?: number; values?: PreferenceValues; errors?: FieldErrors; notice?: ManageNotice } = {},
  ): Promise<HttpResponse> {
    const state = subscriptionStatusOf(subscriber);
    if (state === 'unsubscribed') return unsubscribedPage(subscriber);
    if (state === 'pending') {
      return htmlResponse(
        200,
        renderMessagePage({
          title: 'Not confirmed yet',
          message: 'This subscription waits for confirmation: follow the link in the confirmation message first.',
        }),
      );
    }
    const csrf = issueCsrf(request, await app.tokenKeys());
    const topics = await (await app.service()).topics();
    const body = renderManagePage({
      token,
      csrfToken: csrf.token,
      topics,
      destination: destinationOf(subscriber),
      isEmail: subscriber.channels.some((c) => c.kind === 'email'),
      status: state,
      values: options.values ?? preferencesOf(subscriber),
      errors: options.errors ?? {},
      ...(options.notice ? { notice: options.notice } : {}),
    });
    return htmlResponse(options.status ?? 200, body, { cookies: csrf.setCookie ? [csrf.setCookie] : [] });
  }

  /** The subscriber a manage token names, or the page to show instead. */
  async function subscriberOrPage(token: string | undefined): Promise<Subscriber | HttpResponse> {
    if (!token) return invalidLinkPage(400);
    try {
      return await (await app.service()).subscriberForToken(token);
    } catch (error) {
      if (error instanceof ProblemError && error.kind === 'unauthorized') return invalidLinkPage(403, 'manage');
      if (error instanceof ProblemError && error.kind === 'not-found') {
        return htmlResponse(
          404,
          renderMessagePage({
            title: 'Subscription not found',
            message: 'This subscription no longer exists. Subscribe again to get news.',
            link: { href: '/', text: 'Subscribe' },
          }),
        );
      }
      throw error;
    }
  }

  async function confirmationPage(request: HttpRequest, token: string | undefined, doConfirm: boolean): Promise<HttpResponse> {
    const service = await app.service();
    if (!token) return invalidLinkPage(400);
    const outcome = doConfirm ? await service.confirm(token) : await service.checkConfirmation(token);
    switch (outcome.status) {
      case 'invalid':
        return invalidLinkPage(400);
      case 'expired':
        return htmlResponse(
          410,
          renderMessagePage({
            title: 'This link has expired',
            message: `Confirmation links work for ${app.settings.confirmHours} hours, and the request is deleted after that. Subscribe again to get a fresh link.`,
            link: { href: '/', text: 'Subscribe again' },
          }),
        );
      case 'gone':
        // Used, or replaced by a newer request: a confirmation link confirms its own request once.
        return htmlResponse(
          410,
          renderMessagePage({
            title: 'This link no longer works',
            message:
              'A confirmation link works once, and only until a newer request for the same address replaces it. If you confirmed already, your subscription is active: every email we send has a link to manage it. Otherwise, subscribe again to get a fresh link.',
            link: { href: '/', text: 'Subscribe again' },
          }),
        );
      case 'confirmed': {
        const manageUrl = `/manage?token=${encodeURIComponent(outcome.manageToken)}`;
        return htmlResponse(200, renderConfirmedPage(manageUrl));
      }
      case 'valid': {
        const csrf = issueCsrf(request, await app.tokenKeys());
        const labels = new Map((await service.topics()).map((t) => [t.id, t.label]));
        const subscriber = outcome.subscriber;
        const body = renderConfirmPage({
          token,
          csrfToken: csrf.token,
          destination: destinationOf(subscriber),
          topicLabels: subscriber.topics.map((t) => labels.get(t) ?? t),
          cadenceText: describeCadence({ ...subscriber, cadence: mainCadenceOf(subscriber) }),
          expiresAt: outcome.expiresAt,
        });
        return htmlResponse(200, body, { cookies: csrf.setCookie ? [csrf.setCookie] : [] });
      }
    }
  }

  return {
    async subscribeForm(request) {
      return subscribePage(request, 200, { ...defaultPreferences, email: '' }, {});
    },

    async subscribe(request) {
      const posted = await acceptPost(request);
      if ('refused' in posted) return posted.refused;
      const { form } = posted;
      const email = (form.get('email') ?? '').trim();
      const { raw, values } = preferencesFromForm(form);
      try {
        const input = parseInput(createSubscriptionSchema, { channel: { kind: 'email', address: email }, ...raw });
        await (await app.service()).subscribe(input, { baseUrl: await app.baseUrl(), clientIp: clientIpOf(request) });
        return redirectResponse('/check-inbox');
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        if (INPUT_PROBLEMS.has(error.kind))
          return subscribePage(request, 422, { ...values, email }, fieldErrorsOf(error.errors ?? [], error.detail));
        if (error.kind === 'rate-limited') {
          const minutes = Math.max(1, Math.ceil(Number(error.headers['retry-after'] ?? 60) / 60));
          return subscribePage(
            request,
            429,
            { ...values, email },
            { form: `Too many requests from your network. Please try again in ${minutes} minutes.` },
            error.headers,
          );
        }
        throw error;
      }
    },

    async checkInbox() {
      return htmlResponse(200, renderCheckInboxPage(app.settings.confirmHours, { outboxDir: app.settings.outboxDir }));
    },

    async confirmForm(request) {
      return confirmationPage(request, request.query.get('token') ?? undefined, false);
    },

    async confirm(request) {
      const posted = await acceptPost(request);
      if ('refused' in posted) return posted.refused;
      return confirmationPage(request, posted.form.get('token'), true);
    },

    async manageForm(request) {
      const token = request.query.get('token') ?? undefined;
      const found = await subscriberOrPage(token);
      if (!('subscriberId' in found)) return found;
      const done = request.query.get('done');
      const notice = done === 'saved' || done === 'paused' || done === 'resumed' ? done : undefined;
      return managePage(request, token!, found, notice ? { notice } : {});
    },

    async manage(request) {
      const posted = await acceptPost(request);
      if ('refused' in posted) return posted.refused;
      const { form } = posted;
      const token = form.get('token');
      const found = await subscriberOrPage(token);
      if (!('subscriberId' in found)) return found;
      const service = await app.service();
      const back = (done: ManageNotice | undefined) =>
        redirectResponse(`/manage?token=${encodeURIComponent(token!)}${done ? `&done=${done}` : ''}`);
      const action = form.get('action');
      try {
        switch (action) {
          case 'pause':
            await service.update(found, { state: 'paused' });
            return back('paused');
          case 'resume':
            await service.update(found, { state: 'active' });
            return back('resumed');
          case 'unsubscribe':
            await service.unsubscribe(found);
            return unsubscribedPage(found);
          case 'save': {
            const { raw, values } = preferencesFromForm(form);
            try {
              const change = parseInput(updateSubscriptionSchema, { ...raw, filter: raw.filter ?? null });
              await service.update(found, change);
              return back('saved');
            } catch (error) {
              if (error instanceof ProblemError && INPUT_PROBLEMS.has(error.kind)) {
                return managePage(request, token!, found, { status: 422, values, errors: fieldErrorsOf(error.errors ?? [], error.detail) });
              }
              throw error;
            }
          }
          default:
            throw new ProblemError('bad-form', `unknown action ${JSON.stringify(action ?? '')}`);
        }
      } catch (error) {
        // A subscription that changed state meanwhile (unsubscribed in another tab): show it as it is.
        if (error instanceof ProblemError && (error.kind === 'forbidden' || error.kind === 'not-found')) return back(undefined);
        throw error;
      }
    },

    async manageLinkForm(request) {
      const token = request.query.get('token') ?? '';
      if (!token) return invalidLinkPage(400);
      const csrf = issueCsrf(request, await app.tokenKeys());
      return htmlResponse(200, renderManageLinkPage({ token, csrfToken: csrf.token }), {
        cookies: csrf.setCookie ? [csrf.setCookie] : [],
      });
    },

    async manageLink(request) {
      const posted = await acceptPost(request);
      if ('refused' in posted) return posted.refused;
      const service = await app.service();
      const outcome = await service.emailManageLink(posted.form.get('token') ?? '', {
        baseUrl: await app.baseUrl(),
        clientIp: clientIpOf(request),
      });
      if (outcome.status === 'invalid') return invalidLinkPage(400);
      // The same page whoever the link names: it says a link may be on its way, not to whom.
      return htmlResponse(
        200,
        renderMessagePage({
          title: 'Check your inbox',
          message:
            'If this subscription is still active, a link to manage it is on its way to its email address. Manage links sent before it no longer work.',
          tone: 'ok',
        }),
      );
    },

    async status(request) {
      await app.requireAdmin(request, 'Basic');
      const status = await describeOperatorStatus(app.deps);
      // The poll buttons post a form: they need the CSRF token keys; without them the page has none.
      const keys = await app.tokenKeys().catch(() => undefined);
      const csrf = keys ? issueCsrf(request, keys) : undefined;
      const polled = request.query.get('polled');
      // Only a feed the page lists is named back: the query cannot put words on the page.
      const notice =
        polled === '*'
          ? 'Polls queued for every feed: reload in a few seconds to see the outcome.'
          : polled && status.feeds.some((feed) => feed.feedId === polled)
            ? `Poll of ${polled} queued: reload in a few seconds to see the outcome.`
            : undefined;
      return htmlResponse(200, renderStatusPage(status, { csrfToken: csrf?.token, notice }), {
        cookies: csrf?.setCookie ? [csrf.setCookie] : [],
      });
    },

    async pollNow(request) {
      // Basic, as the page itself: the operator's browser posts with the credentials it holds.
      await app.requireAdmin(request, 'Basic');
      const accepted = await acceptPost(request);
      if ('refused' in accepted) return accepted.refused;
      const feedId = accepted.form.get('feed');
      if (feedId) {
        await pollFeedNow(app.deps, feedId);
        return redirectResponse(`/status?polled=${encodeURIComponent(feedId)}#feeds`);
      }
      if (accepted.form.get('all') !== '1') throw new ProblemError('invalid-input', 'say which feed to poll (feed=ID), or all=1');
      await pollAllFeedsNow(app.deps);
      return redirectResponse('/status?polled=*#feeds');
    },

    async stylesheet() {
      // The URL carries the content hash, so it may be cached for good.
      return {
        status: 200,
        headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' },
        body: siteCss,
      };
    },
  };
}
