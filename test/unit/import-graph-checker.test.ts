import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers, describeFindings, folderOf, readImportGraph, tierOf, type LayerRules } from '../helpers/import-graph.ts';

/** The checker behind `import-graph.test.ts`, on graphs made to break the rules. */

const rules: LayerRules = {
  tiers: [
    { name: 'basics', paths: ['shared/core/'] },
    { name: 'domain', paths: ['shared/alpha/', 'shared/beta/', 'shared/store/ports.ts'] },
    { name: 'adapters', paths: ['shared/store/'] },
    { name: 'top', paths: ['shared/runtime/', 'cli/'] },
  ],
  ownFolders: ['shared/store/dynamodb'],
};

function graphOf(edges: [string, string][]) {
  const files = [...new Set(edges.flat())];
  return { files, edges: edges.map(([from, to]) => ({ from, to })) };
}

describe('tierOf', () => {
  it('places a file by the longest matching path, a single file over its folder', () => {
    expect(tierOf('shared/core/clock.ts', rules)).toBe(0);
    expect(tierOf('shared/store/ports.ts', rules)).toBe(1);
    expect(tierOf('shared/store/dynamodb/feed-store.ts', rules)).toBe(2);
    expect(tierOf('shared/unknown/x.ts', rules)).toBe(-1);
  });
});

describe('folderOf', () => {
  it('groups by shared/<x>, infra/<x>, functions/<x>, own subfolders, else the top folder', () => {
    expect(folderOf('shared/web/pages/status-page.ts', rules)).toBe('shared/web');
    expect(folderOf('shared/store/ports.ts', rules)).toBe('shared/store');
    expect(folderOf('shared/store/dynamodb/rows.ts', rules)).toBe('shared/store/dynamodb');
    expect(folderOf('infra/local/runtime.ts', rules)).toBe('infra/local');
    expect(folderOf('infra/topology.ts', rules)).toBe('infra');
    expect(folderOf('functions/fan-out/handler.ts', rules)).toBe('functions/fan-out');
    expect(folderOf('cli/commands/run.ts', rules)).toBe('cli');
  });
});

describe('checkLayers', () => {
  it('passes a graph whose imports point down and form no folder cycle', () => {
    const report = checkLayers(
      graphOf([
        ['cli/main.ts', 'shared/runtime/deps.ts'],
        ['shared/runtime/deps.ts', 'shared/store/dynamodb/feed-store.ts'],
        ['shared/store/dynamodb/feed-store.ts', 'shared/store/ports.ts'],
        ['shared/alpha/a.ts', 'shared/beta/b.ts'],
        ['shared/beta/b.ts', 'shared/core/errors.ts'],
        // Files inside one folder import each other freely.
        ['shared/alpha/a.ts', 'shared/alpha/c.ts'],
        ['shared/alpha/c.ts', 'shared/alpha/a.ts'],
      ]),
      rules,
    );
    expect(describeFindings(report)).toEqual([]);
  });

  it('reports an upward import, naming both files and tiers', () => {
    const report = checkLayers(
      graphOf([
        ['shared/core/errors.ts', 'shared/alpha/a.ts'],
        ['shared/store/ports.ts', 'shared/runtime/deps.ts'],
      ]),
      rules,
    );
    expect(describeFindings(report)).toEqual([
      'upward import: shared/core/errors.ts (basics) → shared/alpha/a.ts (domain)',
      'upward import: shared/store/ports.ts (domain) → shared/runtime/deps.ts (top)',
    ]);
  });

  it('reports a cycle between folders, however long, with the imports that close it', () => {
    const report = checkLayers(
      graphOf([
        ['shared/alpha/a.ts', 'shared/beta/b.ts'],
        ['shared/beta/b.ts', 'shared/store/ports.ts'],
        ['shared/store/ports.ts', 'shared/alpha/other.ts'],
        ['shared/alpha/a.ts', 'shared/core/clock.ts'],
      ]),
      rules,
    );
    expect(report.upward).toEqual([]);
    expect(report.cycles).toEqual([
      {
        folders: ['shared/alpha', 'shared/beta', 'shared/store'],
        imports: [
          { from: 'shared/alpha/a.ts', to: 'shared/beta/b.ts' },
          { from: 'shared/beta/b.ts', to: 'shared/store/ports.ts' },
          { from: 'shared/store/ports.ts', to: 'shared/alpha/other.ts' },
        ],
      },
    ]);
    expect(describeFindings(report)).toEqual([
      'folder cycle shared/alpha ⇄ shared/beta ⇄ shared/store: shared/alpha/a.ts → shared/beta/b.ts; shared/beta/b.ts → shared/store/ports.ts; shared/store/ports.ts → shared/alpha/other.ts',
    ]);
  });

  it('reports a cycle between an adapter subfolder and its parent folder', () => {
    const report = checkLayers(
      graphOf([
        ['shared/store/dynamodb/rows.ts', 'shared/store/ports.ts'],
        ['shared/store/factory.ts', 'shared/store/dynamodb/rows.ts'],
      ]),
      rules,
    );
    expect(report.cycles.map((c) => c.folders)).toEqual([['shared/store', 'shared/store/dynamodb']]);
  });

  it('reports files no tier holds', () => {
    const report = checkLayers(graphOf([['shared/newcomer/x.ts', 'shared/core/clock.ts']]), rules);
    expect(describeFindings(report)).toEqual(['no tier holds shared/newcomer/x.ts']);
  });
});

describe('readImportGraph', () => {
  const root = mkdtempSync(join(tmpdir(), 'import-graph-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('reads static, type-only, multi-line, re-export, side-effect and dynamic imports', () => {
    write('shared/core/clock.ts', 'export const now = () => new Date();\n');
    write('shared/core/errors.ts', 'export class E extends Error {}\n');
    write('shared/alpha/types.ts', 'export type T = string;\n');
    write('shared/alpha/index.ts', "export { now } from '../core/clock.ts';\n");
    write('shared/alpha/setup.ts', 'export {};\n');
    write('shared/alpha/lazy.ts', 'export const lazy = 1;\n');
    write(
      'shared/alpha/a.ts',
      [
        "import { z } from 'zod';",
        "import type { T } from './types.ts';",
        'import {',
        '  E,',
        "} from '../core/errors.ts';",
        "import './setup.ts';",
        "export const load = () => import('./lazy.ts');",
        "// A comment naming '../missing.ts' is not an import.",
        '',
      ].join('\n'),
    );

    const graph = readImportGraph(root, ['shared']);

    expect(graph.specifiers.get('shared/alpha/a.ts')).toEqual(['zod', './types.ts', '../core/errors.ts', './setup.ts', './lazy.ts']);
    expect(graph.edges.filter((e) => e.from === 'shared/alpha/a.ts').map((e) => e.to)).toEqual([
      'shared/alpha/types.ts',
      'shared/core/errors.ts',
      'shared/alpha/setup.ts',
      'shared/alpha/lazy.ts',
    ]);
    expect(graph.edges).toContainEqual({ from: 'shared/alpha/index.ts', to: 'shared/core/clock.ts' });
  });

  it('finds an upward import written in a real file', () => {
    write('shared/core/bad.ts', "import { lazy } from '../alpha/lazy.ts';\nexport const x = lazy;\n");
    const report = checkLayers(readImportGraph(root, ['shared']), rules);
    expect(describeFindings(report)).toContain('upward import: shared/core/bad.ts (basics) → shared/alpha/lazy.ts (domain)');
  });
});
