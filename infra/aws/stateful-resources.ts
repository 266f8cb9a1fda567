/**
 * The stateful half of the stack: the DynamoDB tables, built from the topology's `tables`.
 * Kept apart from functions and queues so the data's lifecycle (retention, recovery) is
 * decided in one place and cannot be swept away by a change to the stateless half.
 */
import { Annotations, RemovalPolicy, Tags, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, type CfnTable, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableName, TableSpec, Topology } from '../topology.ts';
import { mapRecord } from './map-record.ts';
import { constructIdFor, topologyTagKeys } from './resource-tags.ts';

export interface StatefulResourcesProps {
  tables: Topology['tables'];
  /**
   * Durable tables to use as they are instead of creating them, by physical name: a table
   * restored from a backup, or one a destroyed stack left behind (`-c existingTable.<name>=…`).
   */
  existingTables?: Partial<Record<TableName, string>>;
}

/** One DynamoDB table per topology table: on demand, TTL and recovery as the spec says. */
export class StatefulResources extends Construct {
  readonly tables: Record<TableName, ITable>;
  /** Names of each table's global secondary indexes (empty when it has none). */
  readonly indexNames: Record<TableName, string[]>;

  constructor(scope: Construct, id: string, props: StatefulResourcesProps) {
    super(scope, id);
    this.tables = mapRecord(props.tables, (spec, name): ITable => {
      const existing = props.existingTables?.[name];
      return existing === undefined ? this.createTable(name, spec) : this.useExistingTable(name, spec, existing);
    });
    this.indexNames = mapRecord(props.tables, (spec) => spec.indexes.map((index) => index.name));
  }

  /**
   * A table the stack does not own: its grants and outputs point at it, and the table the stack
   * created before (if any) leaves the stack but stays (RETAIN). Its settings are the operator's.
   */
  private useExistingTable(name: TableName, spec: TableSpec, tableName: string): ITable {
    const table = Table.fromTableAttributes(this, constructIdFor(name), {
      tableName,
      globalIndexes: spec.indexes.map((index) => index.name),
    });
    const ttl = spec.ttlAttribute ? ` and TTL on ${spec.ttlAttribute}` : '';
    Annotations.of(table).addWarningV2(
      'news-alerts:existing-table',
      `The ${name} table is ${tableName}, which this stack does not manage: make sure it has point-in-time recovery, ` +
        `deletion protection${ttl} (README: "Keeping the data, and restoring a table").`,
    );
    return table;
  }

  private createTable(name: TableName, spec: TableSpec): Table {
    const table = new Table(this, constructIdFor(name), {
      partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
      ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
      billingMode: BillingMode.PAY_PER_REQUEST,
      ...(spec.ttlAttribute ? { timeToLiveAttribute: spec.ttlAttribute } : {}),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: spec.durable },
      // Subscribers and feeds outlive any stack; markers are rebuilt by the next poll. RETAIN
      // covers CloudFormation; deletion protection also refuses a DeleteTable by hand or script.
      removalPolicy: spec.durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      deletionProtection: spec.durable,
    });
    for (const index of spec.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        ...(index.sortKey ? { sortKey: { name: index.sortKey, type: AttributeType.STRING } } : {}),
      });
    }
    Tags.of(table.node.defaultChild as CfnTable).add(topologyTagKeys.table, name);
    if (!spec.durable) {
      Validations.of(table).acknowledge({
        id: 'AwsSolutions-DDB3',
        reason: `The ${name} table holds only expiring markers that the pipeline recreates, so point-in-time recovery would restore nothing of value.`,
      });
    }
    return table;
  }
}
