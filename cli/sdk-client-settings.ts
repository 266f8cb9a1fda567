import type { HttpTransportOptions } from '../shared/aws-http/index.ts';

/** What our clients read of an AWS SDK v3 client's resolved config (any service's). */
interface SdkClientConfig {
  region(): Promise<string>;
  endpoint?(): Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
  credentials(): Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
}

/**
 * What our clients (as the functions ship them) need to reach what an SDK client reaches: its
 * region, its endpoint if one was set, and the SDK's credential chain (profiles, SSO, …), which
 * only the operator's CLI needs.
 */
export function settingsOf(sdk: { config: SdkClientConfig }): HttpTransportOptions {
  return {
    region: () => sdk.config.region(),
    endpoint: async () => {
      const endpoint = await sdk.config.endpoint?.();
      return endpoint ? `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ''}${endpoint.path}` : undefined;
    },
    credentials: () => sdk.config.credentials(),
  };
}
