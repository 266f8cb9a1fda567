/**
 * The signing headers of the runtime's requests handed to the embedded engines in process (the
 * SDK's to dynalite's listener, ours to fauxqs's router). dynalite and fauxqs accept any
 * credentials and never check a signature; they only require an `Authorization` header in
 * SigV4's shape (fauxqs reads the region from its credential scope). So this writes that header,
 * with the real date, region and service, and skips the hashing and HMACs of a real signature.
 */
import { localCredentials } from './engines.ts';

// The date is to the second and a run sends hundreds of requests a second: format it once each.
let second = Number.NaN;
let formatted = '';

function amzDateOf(date: Date): string {
  const at = Math.floor(date.getTime() / 1000);
  if (at !== second) {
    formatted = date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    second = at;
  }
  return formatted;
}

/** `x-amz-date` and an `authorization` in SigV4's shape, without a signature. */
export function localSigningHeaders(date: Date, region: string, service: string): { 'x-amz-date': string; authorization: string } {
  const amzDate = amzDateOf(date);
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  return {
    'x-amz-date': amzDate,
    authorization: `AWS4-HMAC-SHA256 Credential=${localCredentials.accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=unsigned`,
  };
}
