import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook, webhookSignatureHeaders } from '../../../shared/delivery/sign-webhook.ts';
import { decodeWebhookSecret, parseWebhookSecrets, WebhookSecretError } from '../../../shared/subscriptions/webhook-secret.ts';
import { webhookSecret } from './fixtures.ts';

const body = JSON.stringify({ version: 1, type: 'story.alert', title: 'Sanctions extended — über' });

function headersNow(secrets: string[]) {
  return webhookSignatureHeaders({ id: 'msg_abc', timestamp: Math.floor(Date.now() / 1000), body, secrets });
}

describe('signWebhook', () => {
  it('produces signatures the standardwebhooks package verifies', () => {
    // Prepare
    const secret = webhookSecret(1);

    // Act
    const headers = headersNow([secret]);

    // Assess
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('signs with every secret during a rotation, so either one verifies', () => {
    const [oldSecret, newSecret] = [webhookSecret(1), webhookSecret(2)];

    const headers = headersNow([newSecret, oldSecret]);

    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(oldSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(webhookSecret(3)).verify(body, headers)).toThrow();
  });

  it('fails verification when the body, id or timestamp is altered', () => {
    const secret = webhookSecret(4);
    const headers = headersNow([secret]);
    const verifier = new Webhook(secret);

    expect(() => verifier.verify(`${body} `, headers)).toThrow();
    expect(() => verifier.verify(body, { ...headers, 'webhook-id': 'msg_other' })).toThrow();
    expect(() => verifier.verify(body, { ...headers, 'webhook-timestamp': String(Number(headers['webhook-timestamp']) + 1) })).toThrow();
  });

  it('matches the signature standardwebhooks computes itself', () => {
    const secret = webhookSecret(5);
    const timestamp = new Date('2025-02-24T15:05:00Z');

    const ours = signWebhook({ id: 'msg_1', timestamp: timestamp.getTime() / 1000, body, secrets: [secret] });

    expect(ours).toBe(new Webhook(secret).sign('msg_1', timestamp, body));
  });

  it('refuses malformed or short secrets and an empty list', () => {
    expect(() => decodeWebhookSecret('whsec_not base64!')).toThrow(WebhookSecretError);
    expect(() => decodeWebhookSecret(`whsec_${Buffer.alloc(8).toString('base64')}`)).toThrow(/shorter than 16 bytes/);
    expect(() => signWebhook({ id: 'm', timestamp: 1, body, secrets: [] })).toThrow(WebhookSecretError);
  });

  it('reads one or several whitespace-separated secrets', () => {
    expect(parseWebhookSecrets(undefined)).toEqual([]);
    expect(parseWebhookSecrets(' whsec_a  whsec_b\n')).toEqual(['whsec_a', 'whsec_b']);
  });
});
