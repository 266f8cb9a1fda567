import { ProblemError } from '../core/problem.ts';
import { sendTestAlert, type TestAlertReport } from '../delivery/index.ts';
import type { HttpApp } from './http-app.ts';

/**
 * `POST /api/admin/subscribers/{id}/test`: a test alert to each of the subscriber's channels,
 * sent from this request with the delivery code itself (not queued), so the answer carries what
 * each receiver said. Sending directly needs nothing the http-api function lacks (the
 * subscriber's secrets and the mailer are its own already), writes no delivery marker, and is
 * bounded per channel (channels in parallel) well inside the function's timeout.
 */
export async function testSubscriberAlert(app: HttpApp, subscriberId: string): Promise<TestAlertReport> {
  const { deps, settings } = app;
  const subscriber = await deps.subscriptions.getSubscriber(subscriberId);
  if (!subscriber) throw new ProblemError('not-found', `no subscriber "${subscriberId}"`);
  // The email carries the unsubscribe and manage links of a real alert where the server has
  // the keys and a base URL; a test without them still goes out.
  const tokenKeys = await app.tokenKeys().catch(() => undefined);
  const publicBaseUrl = await app.baseUrl().catch(() => undefined);
  return sendTestAlert(
    subscriber,
    { ...deps, allowPrivateNetwork: settings.allowPrivateNetwork },
    { email: { from: settings.mailFrom, tokenKeys, publicBaseUrl } },
  );
}
