/**
 * Our SQS client against real servers: a local HTTP server answering as SQS's JSON protocol does
 * (a partial batch failure, a missing queue with its query-protocol code, throttling, 5xx, a
 * dropped socket), where requests go when no endpoint is set, then fauxqs for a missing queue.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { localCredentials, localRegion, startFauxqsEngine } from '../../../infra/local/engines.ts';
import { AwsServiceError } from '../../../shared/aws-http/index.ts';
import { createSqsClient } from '../../../shared/queue/sqs/sqs-client.ts';
import { json, type Received, type Scripted, startScriptedAwsServer, type ScriptedAwsServer } from '../../helpers/scripted-aws-server.ts';

const fault = (status: number, type: string, queryCode?: string, message = `${type} happened`): Scripted =>
  json(
    status,
    { __type: `com.amazonaws.sqs#${type}`, message },
    queryCode ? { 'x-amzn-query-error': `${queryCode};${status >= 500 ? 'Receiver' : 'Sender'}` } : undefined,
  );

const endpointVariables = ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_SQS'] as const;

describe('our SQS client against a scripted HTTP server', () => {
  let server: ScriptedAwsServer;
  let endpoint: string;
  let received: Received[];
  const savedEnv = Object.fromEntries(endpointVariables.map((name) => [name, process.env[name]]));

  beforeAll(async () => {
    for (const name of endpointVariables) delete process.env[name];
    server = await startScriptedAwsServer();
    ({ endpoint, received } = server);
  });
  afterEach(() => {
    server.reset();
    for (const name of endpointVariables) delete process.env[name];
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(savedEnv)) if (value !== undefined) process.env[name] = value;
    await server.close();
  });

  const retry = { baseDelayMs: 1, throttlingBaseDelayMs: 1 };
  const client = (options: { endpoint?: string } = { endpoint }) =>
    createSqsClient({ region: 'eu-west-1', credentials: localCredentials, retry, ...options });
  const queueUrl = () => `${endpoint}/000000000000/alerts`;
  const batch = () => ({
    QueueUrl: queueUrl(),
    Entries: [
      { Id: 'm0', MessageBody: '{"n":0}' },
      { Id: 'm1', MessageBody: '{"n":1}' },
    ],
  });

  it('posts SQS JSON protocol, signed for sqs, and returns a partial batch failure as output', async () => {
    server.script = [
      json(200, {
        Successful: [{ Id: 'm0', MessageId: 'id-0', MD5OfMessageBody: 'x' }],
        Failed: [{ Id: 'm1', SenderFault: false, Code: 'InternalError', Message: 'try again' }],
      }),
    ];
    const output = await client().call('SendMessageBatch', batch());
    expect(output.Successful).toEqual([{ Id: 'm0', MessageId: 'id-0', MD5OfMessageBody: 'x' }]);
    expect(output.Failed).toEqual([{ Id: 'm1', SenderFault: false, Code: 'InternalError', Message: 'try again' }]);
    expect(output.$metadata).toEqual({ httpStatusCode: 200, requestId: 'req-1', attempts: 1 });
    const [request] = received;
    expect(request?.url).toBe('/');
    expect(request?.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(request?.headers['x-amz-target']).toBe('AmazonSQS.SendMessageBatch');
    expect(request?.headers['x-amzn-query-mode']).toBe('true');
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=local\/\d{8}\/eu-west-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target;x-amzn-query-mode, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(request?.body ?? '')).toEqual(batch());
  });

  it('reads an empty answer (ChangeMessageVisibility) as no fields', async () => {
    server.script = [{ status: 200, body: '' }];
    const output = await client().call('ChangeMessageVisibility', { QueueUrl: queueUrl(), ReceiptHandle: 'rh', VisibilityTimeout: 30 });
    expect(output).toEqual({ $metadata: { httpStatusCode: 200, requestId: 'req-1', attempts: 1 } });
  });

  it("sends to the queue URL's origin when no endpoint is set, as the SDK does", async () => {
    const output = await client({}).call('GetQueueAttributes', { QueueUrl: queueUrl(), AttributeNames: ['QueueArn'] });
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(received).toHaveLength(1);
  });

  it('prefers AWS_ENDPOINT_URL_SQS, then AWS_ENDPOINT_URL, to the queue URL', async () => {
    // A queue URL on a port nothing listens on: reaching the server proves the variable won.
    const elsewhere = 'http://127.0.0.1:9/000000000000/alerts';
    process.env.AWS_ENDPOINT_URL_SQS = endpoint;
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
    await client({}).call('SendMessage', { QueueUrl: elsewhere, MessageBody: '{}' });
    delete process.env.AWS_ENDPOINT_URL_SQS;
    process.env.AWS_ENDPOINT_URL = endpoint;
    await client({}).call('SendMessage', { QueueUrl: elsewhere, MessageBody: '{}' });
    expect(received.map((request) => JSON.parse(request.body) as { QueueUrl: string })).toEqual([
      { QueueUrl: elsewhere, MessageBody: '{}' },
      { QueueUrl: elsewhere, MessageBody: '{}' },
    ]);
  });

  it('names a missing queue as the SDK does: QueueDoesNotExist, with the query code, not retried', async () => {
    server.script = [fault(400, 'QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.')];
    const error = await client()
      .call('SendMessage', { QueueUrl: queueUrl(), MessageBody: '{}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({
      name: 'QueueDoesNotExist',
      Code: 'AWS.SimpleQueueService.NonExistentQueue',
      message: 'The specified queue does not exist.',
      retryable: false,
      $fault: 'client',
      $metadata: { httpStatusCode: 400, requestId: 'req-1', attempts: 1 },
    });
    expect(received).toHaveLength(1);
  });

  it("keeps the answer's other fields on the error, never in place of its own", async () => {
    server.script = [
      json(400, {
        __type: 'com.amazonaws.sqs#InvalidParameterValue',
        message: 'bad',
        Detail: 'the value',
        retryable: true,
        $metadata: { attempts: 99 },
      }),
    ];
    const error = await client()
      .call('SendMessage', { QueueUrl: queueUrl(), MessageBody: '{}' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ name: 'InvalidParameterValue', Detail: 'the value', retryable: false, $metadata: { attempts: 1 } });
  });

  it('sends a request again after a 500, throttling and a dropped socket, the same body each time', async () => {
    server.script = [fault(500, 'InternalError'), 'drop', json(200, { Successful: [], Failed: [] })];
    const output = await client().call('SendMessageBatch', batch());
    expect(output.$metadata.attempts).toBe(3);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);

    received.length = 0;
    server.script = [fault(400, 'RequestThrottled', 'RequestThrottled'), json(200, { Successful: [], Failed: [] })];
    expect((await client().call('SendMessageBatch', batch())).$metadata.attempts).toBe(2);
  });

  it('gives up after 3 attempts with a retryable error naming the type and the status', async () => {
    server.script = [fault(503, 'ServiceUnavailable'), fault(500, 'InternalError'), fault(500, 'InternalError', undefined, 'boom')];
    const error = await client()
      .call('ReceiveMessage', { QueueUrl: queueUrl(), MaxNumberOfMessages: 10 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'InternalError',
      message: 'boom',
      retryable: true,
      $fault: 'server',
      $metadata: { httpStatusCode: 500, requestId: 'req-3', attempts: 3 },
    });
    expect(received).toHaveLength(3);
  });
});

describe('our SQS client on fauxqs', () => {
  it('names a missing queue QueueDoesNotExist, with the query code', async () => {
    const engine = await startFauxqsEngine();
    const client = createSqsClient({ endpoint: engine.endpoint, region: localRegion, credentials: localCredentials });
    try {
      const error = await client
        .call('SendMessage', { QueueUrl: `${engine.endpoint}/000000000000/no-such-queue`, MessageBody: '{}' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AwsServiceError);
      expect(error).toMatchObject({ name: 'QueueDoesNotExist', Code: 'AWS.SimpleQueueService.NonExistentQueue', retryable: false });
    } finally {
      client.destroy();
      await engine.stop();
    }
  });
});
