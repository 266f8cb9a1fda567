/** The fixture service of compose.yaml (`scripts/localstack-fixtures.mjs`), seen from the host. */

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  receivedAt: string;
}

export interface FixturesState {
  /** GETs per feed file. */
  feeds: Record<string, number>;
  hooks: Record<string, ReceivedWebhook[]>;
  /** url_verification challenges answered. */
  challenges: number;
  publishedAt?: string;
}

export interface FixturesClient {
  health(): Promise<void>;
  reset(): Promise<void>;
  received(): Promise<FixturesState>;
  /** Adds the late item to the feeds; resolves with its title. */
  publishLateItem(): Promise<string>;
}

export function createFixturesClient(baseUrl: string): FixturesClient {
  const base = baseUrl.replace(/\/+$/, '');
  async function call(path: string, method = 'GET'): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, { method, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw new Error(
        `fixture service unreachable: ${((error as Error).cause as Error | undefined)?.message ?? (error as Error).message} (${base}); is "docker compose up" running?`,
      );
    }
    if (!response.ok) throw new Error(`fixture service answered HTTP ${response.status} to ${method} ${path} (${base})`);
    return response.json();
  }
  return {
    async health() {
      await call('/health');
    },
    async reset() {
      await call('/received', 'DELETE');
    },
    async received() {
      return (await call('/received')) as FixturesState;
    },
    async publishLateItem() {
      return ((await call('/control/publish', 'POST')) as { title: string }).title;
    },
  };
}
