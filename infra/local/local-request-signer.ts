/**
 * The request signer of the runtime's own clients of the embedded engines. dynalite and fauxqs
 * accept any credentials and never check a signature; they only require an `Authorization`
 * header in SigV4's shape (fauxqs reads the region from its credential scope). So this writes
 * that header, with the real date, region and service, and skips the hashing and HMACs of a
 * real signature: about a third of the CPU of each request to an in-process engine.
 */
import { localCredentials } from './engines.ts';

/** The SDK's request as far as signing touches it (`@smithy/protocol-http` HttpRequest). */
interface SignableRequest {
  headers: Record<string, string>;
}

interface SigningArguments {
  signingDate?: Date;
  signingRegion?: string;
  signingService?: string;
}

/** What the SDK clients accept as `signer` (`@smithy/types` RequestSigner). */
export interface LocalRequestSigner {
  sign<R extends SignableRequest>(request: R, options?: SigningArguments): Promise<R>;
}

/** A signer for clients of the embedded engines only: nothing else would accept its requests. */
export function createLocalRequestSigner(region: string): LocalRequestSigner {
  // The date is to the second and a run sends hundreds of requests a second: format it once each.
  let second = Number.NaN;
  let formatted = '';
  const amzDateOf = (date: Date) => {
    const at = Math.floor(date.getTime() / 1000);
    if (at !== second) {
      formatted = date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
      second = at;
    }
    return formatted;
  };
  return {
    async sign(request, options = {}) {
      const amzDate = amzDateOf(options.signingDate ?? new Date());
      const scope = `${amzDate.slice(0, 8)}/${options.signingRegion ?? region}/${options.signingService ?? 'unknown'}/aws4_request`;
      request.headers['x-amz-date'] = amzDate;
      request.headers.authorization = `AWS4-HMAC-SHA256 Credential=${localCredentials.accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=unsigned`;
      return request;
    },
  };
}
