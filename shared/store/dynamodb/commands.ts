/**
 * The DynamoDB operations the stores use, with the input and output shapes of the SDK's
 * document client (`@aws-sdk/lib-dynamodb`, types only: nothing of it loads). Each command
 * names its operation and converts its own input to the wire form and its output back; the
 * client (`dynamodb-client.ts`) sends it.
 */
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DeleteCommandInput,
  DeleteCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { marshallItem, unmarshallItem, type WireItem } from './marshall.ts';

type Row = Record<string, unknown>;

/** A JSON object as DynamoDB sends it (the output before unmarshalling). */
type WireOutput = Record<string, unknown>;

/** One DynamoDB operation: its input, how it goes on the wire and how its answer comes back. */
export abstract class DynamoDbCommand<Input extends object, Output extends object> {
  /** The operation's name in `X-Amz-Target` (`GetItem`, `Query`, …). */
  abstract readonly operation: string;

  constructor(readonly input: Input) {}

  /** The request body: the input with its items, keys and values in wire form. */
  abstract toWire(): object;

  /** The output with its items and keys as plain values (`$metadata` added by the client). */
  abstract fromWire(output: WireOutput): Output;
}

/** `ExpressionAttributeValues` and `ExclusiveStartKey` in wire form, when present. */
function withValues(input: { ExpressionAttributeValues?: Row | undefined }): object {
  return input.ExpressionAttributeValues ? { ...input, ExpressionAttributeValues: marshallItem(input.ExpressionAttributeValues) } : input;
}

function itemOf(wire: unknown): Row | undefined {
  return wire ? unmarshallItem(wire as WireItem) : undefined;
}

/** The output with `names` unmarshalled where present (omitted when absent, as the SDK does). */
function outputWith(output: WireOutput, names: Record<string, Row | Row[] | undefined>): WireOutput {
  const converted: WireOutput = { ...output };
  for (const [name, value] of Object.entries(names)) {
    if (value === undefined) delete converted[name];
    else converted[name] = value;
  }
  return converted;
}

/** GetItem. */
export class GetCommand extends DynamoDbCommand<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
  toWire(): object {
    return { ...this.input, Key: marshallItem(this.input.Key ?? {}) };
  }
  fromWire(output: WireOutput): GetCommandOutput {
    return outputWith(output, { Item: itemOf(output.Item) }) as GetCommandOutput;
  }
}

/** PutItem. */
export class PutCommand extends DynamoDbCommand<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
  toWire(): object {
    return { ...withValues(this.input), Item: marshallItem(this.input.Item ?? {}) };
  }
  fromWire(output: WireOutput): PutCommandOutput {
    return outputWith(output, { Attributes: itemOf(output.Attributes) }) as PutCommandOutput;
  }
}

/** UpdateItem. */
export class UpdateCommand extends DynamoDbCommand<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
  toWire(): object {
    return { ...withValues(this.input), Key: marshallItem(this.input.Key ?? {}) };
  }
  fromWire(output: WireOutput): UpdateCommandOutput {
    return outputWith(output, { Attributes: itemOf(output.Attributes) }) as UpdateCommandOutput;
  }
}

/** DeleteItem. */
export class DeleteCommand extends DynamoDbCommand<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
  toWire(): object {
    return { ...withValues(this.input), Key: marshallItem(this.input.Key ?? {}) };
  }
  fromWire(output: WireOutput): DeleteCommandOutput {
    return outputWith(output, { Attributes: itemOf(output.Attributes) }) as DeleteCommandOutput;
  }
}

/** Query and Scan share their paging shape. */
function pagedToWire(input: { ExpressionAttributeValues?: Row | undefined; ExclusiveStartKey?: Row | undefined }): object {
  const wire = withValues(input);
  return input.ExclusiveStartKey ? { ...wire, ExclusiveStartKey: marshallItem(input.ExclusiveStartKey) } : wire;
}

function pagedFromWire(output: WireOutput): WireOutput {
  return outputWith(output, {
    Items: output.Items ? (output.Items as WireItem[]).map(unmarshallItem) : undefined,
    LastEvaluatedKey: itemOf(output.LastEvaluatedKey),
  });
}

/** Query. */
export class QueryCommand extends DynamoDbCommand<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
  toWire(): object {
    return pagedToWire(this.input);
  }
  fromWire(output: WireOutput): QueryCommandOutput {
    return pagedFromWire(output) as QueryCommandOutput;
  }
}

/** Scan. */
export class ScanCommand extends DynamoDbCommand<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';
  toWire(): object {
    return pagedToWire(this.input);
  }
  fromWire(output: WireOutput): ScanCommandOutput {
    return pagedFromWire(output) as ScanCommandOutput;
  }
}

type KeysAndAttributes = { Keys?: Row[] | undefined } & Row;

function keysOf(requests: Record<string, KeysAndAttributes> | undefined, convert: (item: never) => Row): Record<string, Row> | undefined {
  if (!requests) return undefined;
  const converted: Record<string, Row> = {};
  for (const [table, request] of Object.entries(requests)) {
    converted[table] = request.Keys ? { ...request, Keys: request.Keys.map((key) => convert(key as never)) } : request;
  }
  return converted;
}

/** BatchGetItem. */
export class BatchGetCommand extends DynamoDbCommand<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
  toWire(): object {
    return { ...this.input, RequestItems: keysOf(this.input.RequestItems as Record<string, KeysAndAttributes>, marshallItem) };
  }
  fromWire(output: WireOutput): BatchGetCommandOutput {
    const responses = output.Responses as Record<string, WireItem[]> | undefined;
    return outputWith(output, {
      Responses: responses
        ? Object.fromEntries(Object.entries(responses).map(([table, items]) => [table, items.map(unmarshallItem)]))
        : undefined,
      UnprocessedKeys: keysOf(output.UnprocessedKeys as Record<string, KeysAndAttributes> | undefined, unmarshallItem),
    }) as BatchGetCommandOutput;
  }
}

type WriteRequests = Record<string, { PutRequest?: { Item?: Row }; DeleteRequest?: { Key?: Row } }[]>;

function writesOf(requests: WriteRequests | undefined, convert: (item: never) => Row): Record<string, Row[]> | undefined {
  if (!requests) return undefined;
  const converted: Record<string, Row[]> = {};
  for (const [table, writes] of Object.entries(requests)) {
    converted[table] = writes.map((write) => {
      if (write.PutRequest) return { ...write, PutRequest: { ...write.PutRequest, Item: convert((write.PutRequest.Item ?? {}) as never) } };
      if (write.DeleteRequest) {
        return { ...write, DeleteRequest: { ...write.DeleteRequest, Key: convert((write.DeleteRequest.Key ?? {}) as never) } };
      }
      return write;
    });
  }
  return converted;
}

/** BatchWriteItem. */
export class BatchWriteCommand extends DynamoDbCommand<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
  toWire(): object {
    return { ...this.input, RequestItems: writesOf(this.input.RequestItems as WriteRequests, marshallItem) };
  }
  fromWire(output: WireOutput): BatchWriteCommandOutput {
    return outputWith(output, {
      UnprocessedItems: writesOf(output.UnprocessedItems as WriteRequests | undefined, unmarshallItem),
    }) as BatchWriteCommandOutput;
  }
}
