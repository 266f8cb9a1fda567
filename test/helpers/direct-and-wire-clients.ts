import { localCredentials, localRegion } from '../../infra/local/engines.ts';
import { type AwsJsonObjectTransport, type AwsJsonService, createAwsJsonClient, createHttpTransport } from '../../shared/aws-http/index.ts';

/** Retries quick enough for tests. */
const retry = { baseDelayMs: 1, throttlingBaseDelayMs: 1 };

/**
 * Two clients of one service on one embedded engine: `direct` hands requests over as objects,
 * `wire` sends signed JSON over HTTP to the engine's endpoint; the direct-path suites require the
 * same results from both. Destroy `wire` when done.
 */
export function directAndWireClients(service: AwsJsonService, engine: { directTransport: AwsJsonObjectTransport; endpoint: string }) {
  return {
    direct: createAwsJsonClient(service.name, engine.directTransport, retry),
    wire: createAwsJsonClient(
      service.name,
      createHttpTransport(service, { endpoint: engine.endpoint, region: localRegion, credentials: localCredentials }),
      retry,
    ),
  };
}
