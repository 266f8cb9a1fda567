/**
 * The DynamoDB operations that make and inspect tables (the one-process runtime's provisioning),
 * with the SDK's input and output shapes (`@aws-sdk/client-dynamodb`, types only: nothing of it
 * loads). Their inputs hold no items, so they go on the wire as they are and come back as sent
 * (dates such as `CreationDateTime` stay epoch seconds: nothing here reads them).
 */
import type {
  CreateTableCommandInput,
  CreateTableCommandOutput,
  DeleteTableCommandInput,
  DeleteTableCommandOutput,
  DescribeTableCommandInput,
  DescribeTableCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDbCommand } from './commands.ts';

/** A command whose input and output are the wire's as they are. */
abstract class TableCommand<Input extends object, Output extends object> extends DynamoDbCommand<Input, Output> {
  toWire(): object {
    return this.input;
  }
  fromWire(output: Record<string, unknown>): Output {
    return output as Output;
  }
}

/** CreateTable. */
export class CreateTableCommand extends TableCommand<CreateTableCommandInput, CreateTableCommandOutput> {
  readonly operation = 'CreateTable';
}

/** DescribeTable. */
export class DescribeTableCommand extends TableCommand<DescribeTableCommandInput, DescribeTableCommandOutput> {
  readonly operation = 'DescribeTable';
}

/** DeleteTable. */
export class DeleteTableCommand extends TableCommand<DeleteTableCommandInput, DeleteTableCommandOutput> {
  readonly operation = 'DeleteTable';
}
