import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../shared/aws-http/sigv4.ts';

/** SHA-256 (or its HMAC, given a key) in the shape the SDK's signer takes. */
class Sha256 {
  private readonly hash;
  constructor(key?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', bytes(key));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The credentials of AWS's published Signature Version 4 examples. */
const example = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

describe('SigV4 signing', () => {
  it("produces the signature of AWS's published example (IAM ListUsers, 2015-08-30)", () => {
    const added = signRequest(
      {
        method: 'GET',
        path: '/',
        query: 'Action=ListUsers&Version=2010-05-08',
        headers: { host: 'iam.amazonaws.com', 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: '',
      },
      { region: 'us-east-1', service: 'iam', credentials: example, date: new Date('2015-08-30T12:36:00Z') },
    );
    expect(added).toEqual({
      'x-amz-date': '20150830T123600Z',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    });
  });

  it("signs a DynamoDB request with a session token exactly as the AWS SDK's signer does", async () => {
    const credentials = { ...example, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
    const body = JSON.stringify({ TableName: 'feeds', Key: { feedId: { S: 'f-1' } }, ConsistentRead: true });
    const headers = {
      host: 'dynamodb.eu-west-1.amazonaws.com',
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
    };
    const date = new Date('2026-12-07T05:30:12Z');

    // Twice, so the second takes the cached signing key.
    const first = signRequest(
      { method: 'POST', path: '/', headers, body },
      { region: 'eu-west-1', service: 'dynamodb', credentials, date },
    );
    const ours = signRequest({ method: 'POST', path: '/', headers, body }, { region: 'eu-west-1', service: 'dynamodb', credentials, date });
    const sdk = await new SignatureV4({
      credentials,
      region: 'eu-west-1',
      service: 'dynamodb',
      sha256: Sha256,
      applyChecksum: false,
    }).sign(
      { method: 'POST', protocol: 'https:', hostname: headers.host, path: '/', headers: { ...headers }, body, query: {} },
      { signingDate: date },
    );

    expect(ours).toEqual(first);
    expect(ours['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(ours.authorization).toBe(sdk.headers.authorization);
    expect(ours.authorization).toContain('SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target,');
  });

  it('signs another day, region or secret with another key', () => {
    const request = { method: 'POST', path: '/', headers: { host: 'h' }, body: '{}' };
    const scope = { region: 'eu-west-1', service: 'dynamodb', credentials: example, date: new Date('2026-12-07T05:30:12Z') };
    const signatures = [
      signRequest(request, scope),
      signRequest(request, { ...scope, date: new Date('2026-12-08T05:30:12Z') }),
      signRequest(request, { ...scope, region: 'us-east-1' }),
      signRequest(request, { ...scope, credentials: { ...example, secretAccessKey: 'other' } }),
    ].map((added) => added.authorization?.slice(-64));
    expect(new Set(signatures).size).toBe(4);
  });
});
