import { describe, expect, it } from 'vitest';
import { topology } from '../../infra/topology.ts';
import { envVariableNames, readEnv } from '../../shared/config/env.ts';
import { ConfigError } from '../../shared/core/errors.ts';

/** Every table and queue of the topology, named as the CDK stack names its variables. */
const valid: Record<string, string> = {
  ...Object.fromEntries(Object.keys(topology.tables).map((table) => [`TABLE_${table.toUpperCase()}`, table])),
  ...Object.fromEntries(
    Object.keys(topology.queues).map((queue) => [`QUEUE_${queue.toUpperCase()}_URL`, `http://localhost:4566/000000000000/${queue}`]),
  ),
  MAIL_FROM: 'alerts@example.org',
};

describe('readEnv', () => {
  it('applies defaults to a minimal valid environment', () => {
    const env = readEnv(valid);
    expect(env.MAIL_TRANSPORT).toBe('ses');
    expect(env.ITEM_RETENTION_DAYS).toBe(30);
    expect(env.ALLOW_PRIVATE_NETWORK).toBe(false);
  });

  it('names every missing or bad variable', () => {
    const { TABLE_FEEDS: _omitted, ...rest } = valid;
    const act = () => readEnv({ ...rest, QUEUE_POLL_URL: 'not a url' });
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/TABLE_FEEDS/);
    expect(act).toThrow(/QUEUE_POLL_URL/);
  });

  it('ignores variables outside the schema', () => {
    expect(envVariableNames).not.toContain('PATH');
    expect(() => readEnv({ ...valid, PATH: '/bin' })).not.toThrow();
  });
});
