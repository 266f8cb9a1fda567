/**
 * Is a LocalStack there? Its internal health endpoint (`GET /_localstack/health`) answers
 * `{"services": {"lambda": "available", …}, "edition": …, "version": …}`.
 */

export type LocalStackProbe =
  | { reachable: false; reason: string }
  | { reachable: true; edition: string; version: string; services: Record<string, string> };

export async function probeLocalStack(endpoint: string, timeoutMs = 3_000): Promise<LocalStackProbe> {
  const url = `${endpoint.replace(/\/+$/, '')}/_localstack/health`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000} s`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return { reachable: false, reason };
  }
  if (!response.ok) return { reachable: false, reason: `HTTP ${response.status} from ${url}` };
  const body = (await response.json().catch(() => undefined)) as
    | { services?: Record<string, string>; edition?: string; version?: string }
    | undefined;
  if (!body?.services) return { reachable: false, reason: `${url} answered without a service list: not LocalStack?` };
  return {
    reachable: true,
    edition: body.edition ?? 'unknown edition',
    version: body.version ?? 'unknown version',
    services: body.services,
  };
}

/** The services the stack and the smoke test use; each must be `available` or `running`. */
export const requiredServices = [
  'cloudformation',
  'dynamodb',
  'events',
  'iam',
  'lambda',
  'logs',
  's3',
  'secretsmanager',
  'ses',
  'sqs',
  'ssm',
  'sts',
];

/** Required services LocalStack does not offer (absent, disabled, failed). */
export function missingServices(services: Record<string, string>): string[] {
  return requiredServices.filter((name) => !['available', 'running'].includes(services[name] ?? 'absent'));
}
