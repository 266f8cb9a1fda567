import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkEntryPoints,
  checkLayers,
  describeEntryPointFindings,
  describeFindings,
  readImportGraph,
  type LayerRules,
} from '../helpers/import-graph.ts';

/**
 * Module boundaries. Tiers only point down: basics ← domain modules with their ports ←
 * adapters ← composition and presentation ← entry points and operations; no two folders import
 * each other, however indirectly; a folder with an `index.ts` is entered only through it, which
 * exports what other code imports and no more; and only adapters (and the one dependency
 * factory) import the AWS SDK, so every port can be backed by another engine in tests. Tests may
 * import a module's inner files: they are not in this graph.
 */

const root = join(import.meta.dirname, '..', '..');

/** The tier table: every source file of ours is in exactly one tier (the longest path wins). */
const layerRules: LayerRules = {
  tiers: [
    // Basics: import nothing of ours.
    { name: 'basics', paths: ['shared/core/'] },
    // Domain modules with their ports.
    {
      name: 'domain',
      paths: [
        'shared/messages/',
        'shared/classify/',
        'shared/stories/',
        'shared/feeds/',
        'shared/fanout/',
        'shared/delivery/',
        'shared/digest/',
        'shared/subscriptions/',
        'shared/feedback/',
        'shared/dead-letters/',
        'shared/websub/',
        'shared/config/',
        'shared/html/',
        'shared/outbound-http/',
        'shared/parameters/',
        'shared/store/ports.ts',
        'shared/store/records.ts',
        'shared/queue/ports.ts',
        'shared/mail/ports.ts',
        'shared/mail/errors.ts',
        'shared/mail/message-tags.ts',
        'shared/mail/addresses.ts',
      ],
    },
    // Adapters: the ports on DynamoDB, SQS, SES, SMTP, the outbox directory, Secrets Manager and
    // SSM, and the AWS JSON protocol client the DynamoDB and SQS ones share (shared/aws-http).
    {
      name: 'adapters',
      paths: ['shared/aws-http/', 'shared/store/dynamodb/', 'shared/queue/sqs/', 'shared/mail/', 'shared/parameters/aws/'],
    },
    // Composition roots (createDeps, consumers) and presentation (JSON API, pages).
    { name: 'composition and presentation', paths: ['shared/runtime/', 'shared/api/', 'shared/web/'] },
    // Entry points and operations: handlers, the two runtimes, the CLI, scripts, benchmarks.
    { name: 'entry points and operations', paths: ['functions/', 'infra/', 'cli/', 'scripts/', 'bench/'] },
  ],
  ownFolders: ['shared/store/dynamodb', 'shared/queue/sqs', 'shared/mail/ses', 'shared/parameters/aws'],
};

/** Modules the entry-point rule leaves out: none (every module with an index.ts is entered through it). */
const entryPointExempt: string[] = [];

const adapterPaths = [
  /^shared\/store\/dynamodb\//,
  /^shared\/queue\/sqs\//,
  /^shared\/mail\/ses\//,
  /^shared\/parameters\/aws\//,
  /^shared\/runtime\/create-deps\.ts$/,
];

describe('import graph', () => {
  const graph = readImportGraph(root, ['shared', 'infra', 'functions', 'cli', 'scripts', 'bench']);
  const report = checkLayers(graph, layerRules);

  it('has modules and imports to check', () => {
    expect(graph.files.filter((file) => file.startsWith('shared/')).length).toBeGreaterThan(20);
    expect(graph.edges.length).toBeGreaterThan(200);
  });

  it('places every source file in a tier', () => {
    expect(describeFindings({ ...report, upward: [], cycles: [] })).toEqual([]);
  });

  it('has no import running up a tier', () => {
    expect(describeFindings({ ...report, untiered: [], cycles: [] })).toEqual([]);
  });

  it('has no cycle between folders', () => {
    expect(describeFindings({ ...report, untiered: [], upward: [] })).toEqual([]);
  });

  it('enters a module with an index.ts only through it, and its index.ts exports only what is imported', () => {
    expect(describeEntryPointFindings(checkEntryPoints(graph, { exempt: entryPointExempt }))).toEqual([]);
  });

  it('keeps @aws-sdk imports inside adapters', () => {
    const offenders = graph.files
      .filter((file) => file.startsWith('shared/') && !adapterPaths.some((p) => p.test(file)))
      .flatMap((file) =>
        (graph.specifiers.get(file) ?? []).filter((spec) => spec.startsWith('@aws-sdk/')).map((spec) => `${file} → ${spec}`),
      );
    expect(offenders).toEqual([]);
  });
});
