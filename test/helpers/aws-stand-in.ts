/**
 * A local stand-in for the two AWS APIs our handlers read configuration from: Secrets Manager
 * `GetSecretValue` (with `VersionStage`) and SSM `GetParameter`. Both speak the JSON 1.1
 * protocol (`POST /`, the operation in `X-Amz-Target`), so the real SDK clients, and Powertools
 * Parameters on top of them, run unchanged against it through `AWS_ENDPOINT_URL_SECRETS_MANAGER`
 * / `AWS_ENDPOINT_URL_SSM` (or a client's `endpoint`). Signatures are not checked.
 *
 *   const aws = await startAwsStandIn();
 *   const arn = aws.secrets.create('unsubscribe', 'first-key…');
 *   aws.secrets.put(arn, 'second-key…');   // a rotation: the first becomes AWSPREVIOUS
 *   aws.parameters.set('/NewsAlerts/http-api/public-base-url', 'https://abc.lambda-url…/');
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

interface SecretVersion {
  versionId: string;
  value: string;
  stages: Set<string>;
  created: Date;
}

interface StoredSecret {
  arn: string;
  name: string;
  versions: SecretVersion[];
}

/** One request the stand-in answered: the operation and the id it asked for. */
export interface StandInCall {
  target: string;
  /** `SecretId` or `Name` of the request. */
  id: string;
  /** `VersionStage` of a GetSecretValue, when given. */
  stage?: string;
}

export interface AwsStandIn {
  /** `http://127.0.0.1:<port>`: the endpoint of both services. */
  url: string;
  secrets: {
    /** Creates a secret whose AWSCURRENT version is `value`; returns its complete ARN. */
    create(name: string, value: string): string;
    /** `put-secret-value`: a new AWSCURRENT; the old current becomes AWSPREVIOUS, the one before loses its stage. */
    put(secretId: string, value: string): void;
  };
  parameters: {
    /** `put-parameter --overwrite`. */
    set(name: string, value: string): void;
  };
  /** Every request answered, oldest first. */
  calls: StandInCall[];
  /** Calls of one operation (`GetSecretValue`, `GetParameter`) for one id. */
  callsOf(operation: string, id: string, stage?: string): number;
  /** The environment that points the SDK at the stand-in (endpoints, region, dummy credentials). */
  environment(): Record<string, string>;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1, an ephemeral port. */
export async function startAwsStandIn(): Promise<AwsStandIn> {
  const secrets = new Map<string, StoredSecret>();
  const parameters = new Map<string, { value: string; version: number; modified: Date }>();
  const calls: StandInCall[] = [];

  function findSecret(secretId: string): StoredSecret | undefined {
    return secrets.get(secretId) ?? [...secrets.values()].find((secret) => secret.name === secretId);
  }

  function getSecretValue(body: Record<string, unknown>): [number, unknown] {
    const secretId = String(body.SecretId ?? '');
    const stage = typeof body.VersionStage === 'string' ? body.VersionStage : undefined;
    calls.push({ target: 'GetSecretValue', id: secretId, ...(stage ? { stage } : {}) });
    const secret = findSecret(secretId);
    if (!secret) return notFound('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    const wanted = stage ?? 'AWSCURRENT';
    const version = secret.versions.find((v) => v.stages.has(wanted));
    if (!version)
      return notFound('ResourceNotFoundException', `Secrets Manager can't find the specified secret value for staging label: ${wanted}`);
    return [
      200,
      {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        SecretString: version.value,
        VersionStages: [...version.stages],
        CreatedDate: version.created.getTime() / 1000,
      },
    ];
  }

  function getParameter(body: Record<string, unknown>): [number, unknown] {
    const name = String(body.Name ?? '');
    calls.push({ target: 'GetParameter', id: name });
    const parameter = parameters.get(name);
    if (!parameter) return notFound('ParameterNotFound', `Parameter ${name} not found.`);
    return [
      200,
      {
        Parameter: {
          Name: name,
          Type: 'String',
          Value: parameter.value,
          Version: parameter.version,
          LastModifiedDate: parameter.modified.getTime() / 1000,
          ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${name}`,
          DataType: 'text',
        },
      },
    ];
  }

  const operations: Record<string, (body: Record<string, unknown>) => [number, unknown]> = {
    'secretsmanager.GetSecretValue': getSecretValue,
    'AmazonSSM.GetParameter': getParameter,
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const operation = operations[target];
      let status: number;
      let payload: unknown;
      if (request.method !== 'POST' || !operation) {
        [status, payload] = [
          400,
          { __type: 'UnknownOperationException', message: `the stand-in does not answer ${target || request.method}` },
        ];
      } else {
        try {
          [status, payload] = operation(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>);
        } catch (error) {
          [status, payload] = [400, { __type: 'SerializationException', message: String(error) }];
        }
      }
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
      response.end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    secrets: {
      create(name, value) {
        const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-${randomBytes(3).toString('hex')}`;
        secrets.set(arn, {
          arn,
          name,
          versions: [{ versionId: randomUUID(), value, stages: new Set(['AWSCURRENT']), created: new Date() }],
        });
        return arn;
      },
      put(secretId, value) {
        const secret = findSecret(secretId);
        if (!secret) throw new Error(`stand-in: no secret ${secretId}`);
        for (const version of secret.versions) {
          version.stages.delete('AWSPREVIOUS');
          if (version.stages.delete('AWSCURRENT')) version.stages.add('AWSPREVIOUS');
        }
        secret.versions.push({ versionId: randomUUID(), value, stages: new Set(['AWSCURRENT']), created: new Date() });
      },
    },
    parameters: {
      set(name, value) {
        const version = (parameters.get(name)?.version ?? 0) + 1;
        parameters.set(name, { value, version, modified: new Date() });
      },
    },
    calls,
    callsOf(operation, id, stage) {
      return calls.filter((call) => call.target === operation && call.id === id && (stage === undefined || call.stage === stage)).length;
    },
    environment() {
      return {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
        AWS_ENDPOINT_URL_SSM: url,
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'stand-in',
        AWS_SECRET_ACCESS_KEY: 'stand-in',
      };
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function notFound(type: string, message: string): [number, unknown] {
  return [400, { __type: type, message }];
}
