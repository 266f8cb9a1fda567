import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readSmokeSettings } from '../../../scripts/localstack/smoke-settings.ts';

/**
 * compose.yaml cannot be started here (no Docker); this holds it to what the stack and the smoke
 * script need: pinned images, the LocalStack settings, and the ports and names the script uses.
 */

const root = join(import.meta.dirname, '..', '..', '..');

interface Service {
  image: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  networks?: string[];
}

const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8')) as {
  services: Record<'localstack' | 'mailpit' | 'fixtures', Service>;
  networks: Record<string, { name: string }>;
};
const defaults = readSmokeSettings({});

/** `${VAR:-default}` → default; anything else as written. */
function withDefaults(value: string): string {
  return value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

function publishes(service: Service, port: number): boolean {
  return (service.ports ?? []).some((mapping) => mapping === `127.0.0.1:${port}:${port}`);
}

describe('compose.yaml', () => {
  const { localstack, mailpit, fixtures } = compose.services;

  it('pins every image to a version tag', () => {
    for (const service of Object.values(compose.services)) {
      const [name, tag] = withDefaults(service.image).split(':');
      expect(name).toMatch(/^[a-z0-9./-]+$/);
      expect(tag).toMatch(/^v?\d+/);
    }
    expect(withDefaults(localstack.image)).toMatch(/^localstack\/localstack:\d{4}\.\d{2}\.\d+$/);
  });

  it('gives LocalStack the auth token, the Docker socket and the settings the stack needs', () => {
    const env = localstack.environment!;
    expect(env.LOCALSTACK_AUTH_TOKEN).toMatch(/^\$\{LOCALSTACK_AUTH_TOKEN(:-)?\}$/);
    expect(localstack.volumes).toContain('/var/run/docker.sock:/var/run/docker.sock');
    expect(env.DYNAMODB_REMOVE_EXPIRED_ITEMS).toBe('1');
    expect(env.LAMBDA_DOCKER_NETWORK).toBe(compose.networks['news-alerts']!.name);
    expect(env.SMTP_HOST).toBe(`mailpit:${new URL(defaults.smtpUrl).port}`);
  });

  it('puts every service on the network the functions join', () => {
    for (const service of Object.values(compose.services)) expect(service.networks).toEqual(['news-alerts']);
  });

  it('publishes what the smoke script reaches by default, on loopback only', () => {
    expect(publishes(localstack, Number(new URL(defaults.endpoint).port))).toBe(true);
    expect(publishes(mailpit, Number(new URL(defaults.mailpitUrl).port))).toBe(true);
    expect(publishes(fixtures, Number(new URL(defaults.fixturesUrl).port))).toBe(true);
    for (const service of Object.values(compose.services)) {
      for (const mapping of service.ports ?? []) expect(mapping).toMatch(/^127\.0\.0\.1:/);
    }
  });

  it('runs our fixture script over the demo feeds, where the functions look for them', () => {
    const internal = new URL(defaults.fixturesInternalUrl);
    expect(internal.hostname).toBe('fixtures');
    expect(fixtures.environment!.PORT).toBe(internal.port);
    expect(fixtures.command).toEqual(['node', '/app/localstack-fixtures.mjs']);
    const mounts = new Map((fixtures.volumes ?? []).map((volume) => [volume.split(':')[1], volume.split(':')[0]!]));
    expect(existsSync(join(root, mounts.get('/app/localstack-fixtures.mjs')!))).toBe(true);
    expect(existsSync(join(root, mounts.get(fixtures.environment!.FEEDS_DIR!)!, 'world-wire.xml'))).toBe(true);
    expect(new URL(defaults.smtpUrl).hostname).toBe('mailpit');
  });
});
