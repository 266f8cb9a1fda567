import { describe, expect, it } from 'vitest';
import { createNewsAlertsApp } from '../../infra/aws/create-app.ts';
import { readOperationsSettings, withCapacitySettings } from '../../infra/aws/operations-settings.ts';
import { serviceNameFor, stackNameFor } from '../../infra/aws/stack-outputs.ts';
import { topology } from '../../infra/topology.ts';
import { ConfigError } from '../../shared/core/errors.ts';

describe('readOperationsSettings', () => {
  it('needs no context: default stage, no alarm email, the topology caps', () => {
    // Act
    const settings = readOperationsSettings({}, topology);

    // Assess
    expect(settings).toEqual({ maxConcurrency: {}, reservedConcurrency: {}, existingTables: {} });
    expect(withCapacitySettings(topology, settings)).toStrictEqual(topology);
  });

  it('reads command-line strings (-c key.name=value) and cdk.json objects alike', () => {
    // Prepare: what `cdk deploy -c …` passes, and the same as nested objects
    const fromCommandLine = {
      stage: 'prod',
      alarmEmail: 'ops@example.org',
      'maxConcurrency.email': '5',
      'reservedConcurrency.http-api': '20',
      'existingTable.subscriptions': 'NewsAlerts-subscriptions-restored',
    };
    const fromCdkJson = {
      stage: 'prod',
      alarmEmail: 'ops@example.org',
      maxConcurrency: { email: 5 },
      reservedConcurrency: { 'http-api': 20 },
      existingTable: { subscriptions: 'NewsAlerts-subscriptions-restored' },
    };

    // Act
    const settings = [fromCommandLine, fromCdkJson].map((context) => readOperationsSettings(context, topology));

    // Assess
    const expected = {
      stage: 'prod',
      alarmEmail: 'ops@example.org',
      maxConcurrency: { email: 5 },
      reservedConcurrency: { 'http-api': 20 },
      existingTables: { subscriptions: 'NewsAlerts-subscriptions-restored' },
    };
    expect(settings).toEqual([expected, expected]);
  });

  it('applies caps and reservations to a copy of the topology, and none removes a reservation', () => {
    // Act
    const applied = withCapacitySettings(
      topology,
      readOperationsSettings({ 'maxConcurrency.webhook': '8', 'reservedConcurrency.http-api': 'none' }, topology),
    );

    // Assess
    const webhook = applied.functions['deliver-webhook'].trigger;
    expect(webhook.kind === 'queue' && webhook.maxConcurrency).toBe(8);
    expect('reservedConcurrency' in applied.functions['http-api']).toBe(false);
    const email = applied.functions['deliver-email'].trigger;
    expect(email.kind === 'queue' && email.maxConcurrency).toBe(2);
    // The shared topology is untouched.
    expect(topology.functions['http-api'].reservedConcurrency).toBe(10);
  });

  it.each([
    [{ 'maxConcurrency.email': '1' }, 'maxConcurrency.email: must be from 2 to 1000 (the range Lambda allows)'],
    [{ 'maxConcurrency.email': '1001' }, 'maxConcurrency.email: must be from 2 to 1000'],
    [{ 'maxConcurrency.email': 'lots' }, 'maxConcurrency.email: must be a whole number'],
    [{ 'maxConcurrency.email': '2.5' }, 'maxConcurrency.email: must be a whole number'],
    [{ 'maxConcurrency.emails': '5' }, 'maxConcurrency.emails: no such queue (poll, items, alert, webhook, email, digest)'],
    [{ maxConcurrency: 5 }, 'maxConcurrency: give one value per queue, as maxConcurrency.<name>=<value> (got 5)'],
    [{ 'reservedConcurrency.http-api': '0' }, 'reservedConcurrency.http-api: must be a whole number of at least 1, or none'],
    [{ 'reservedConcurrency.api': '5' }, 'reservedConcurrency.api: no such function ('],
    [{ stage: 'Prod' }, 'stage: must be 1–20 lowercase letters, digits or hyphens, starting with a letter'],
    [{ stage: '' }, 'stage: must be 1–20 lowercase letters'],
    [{ stage: 'a-very-long-stage-name-indeed' }, 'stage: must be 1–20'],
    [{ alarmEmail: 'ops' }, 'alarmEmail: must be an email address'],
    [{ 'existingTable.items': 'old-items' }, 'existingTable.items: no such durable table (feeds, topics, subscriptions, digests)'],
    [{ 'existingTable.feeds': 'x' }, 'existingTable.feeds: must be a DynamoDB table name'],
    [
      { 'reservedConcurrency.deliver-email': '3', 'maxConcurrency.email': '5' },
      'maxConcurrency.email (5) is above reservedConcurrency.deliver-email (3): Lambda would throttle its own event source',
    ],
  ])('refuses %j naming the key and why', (context, message) => {
    // Act
    const read = () => readOperationsSettings(context, topology);

    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(`CDK context is invalid: ${message}`);
  });

  it('fails the app, not just the reader: cdk synth stops with the message', () => {
    // Act
    const create = () => createNewsAlertsApp({ context: { 'maxConcurrency.email': '1' } });

    // Assess
    expect(create).toThrow(/^CDK context is invalid: maxConcurrency\.email: must be from 2 to 1000/);
  });
});

describe('stage names', () => {
  it('keeps NewsAlerts for the default stage and suffixes the others', () => {
    expect([stackNameFor(), stackNameFor('dev'), stackNameFor('prod')]).toEqual(['NewsAlerts', 'NewsAlerts-dev', 'NewsAlerts-prod']);
    // The service of logs and metrics is the stack's name: one per stage.
    expect([serviceNameFor(), serviceNameFor('dev'), serviceNameFor('prod')]).toEqual(['NewsAlerts', 'NewsAlerts-dev', 'NewsAlerts-prod']);
  });
});
