import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkEntryPoints,
  checkLayers,
  describeEntryPointFindings,
  describeFindings,
  exportedNamesOf,
  folderOf,
  importClausesOf,
  readImportGraph,
  tierOf,
  type LayerRules,
  type NamedImport,
} from '../helpers/import-graph.ts';

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

describe('checkEntryPoints', () => {
  /** A graph of named imports; every file named in it exists, and index files export `exports`. */
  function moduleGraph(imports: [string, string, string[]][], exports: Record<string, string[]>) {
    const namedImports: NamedImport[] = imports.map(([from, to, names]) => ({ from, to, names }));
    // biome-ignore lint/complexity/noFlatMapIdentity: keeps the two file names of each triple, not the names list
    const files = [...new Set([...imports.flatMap(([from, to]) => [from, to]), ...Object.keys(exports)])];
    return { files, edges: namedImports.map(({ from, to }) => ({ from, to })), namedImports, exportsOf: new Map(Object.entries(exports)) };
  }

  it('passes a module entered through its index.ts, whose every export is imported from outside', () => {
    const graph = moduleGraph(
      [
        ['cli/main.ts', 'shared/alpha/index.ts', ['a']],
        ['shared/beta/b.ts', 'shared/alpha/index.ts', ['b']],
        // Inside the module, files import each other directly.
        ['shared/alpha/x.ts', 'shared/alpha/y.ts', ['y']],
        ['shared/alpha/index.ts', 'shared/alpha/x.ts', ['a', 'b']],
      ],
      { 'shared/alpha/index.ts': ['a', 'b'] },
    );
    expect(describeEntryPointFindings(checkEntryPoints(graph))).toEqual([]);
  });

  it('reports an import from outside that skips the index.ts, however deep', () => {
    const graph = moduleGraph(
      [
        ['cli/main.ts', 'shared/alpha/index.ts', ['a']],
        ['cli/main.ts', 'shared/alpha/x.ts', ['x']],
        ['shared/beta/b.ts', 'shared/alpha/inner/z.ts', ['z']],
      ],
      { 'shared/alpha/index.ts': ['a'] },
    );
    expect(describeEntryPointFindings(checkEntryPoints(graph))).toEqual([
      "deep import: cli/main.ts → shared/alpha/x.ts (import it from its module's index.ts)",
      "deep import: shared/beta/b.ts → shared/alpha/inner/z.ts (import it from its module's index.ts)",
    ]);
  });

  it('reports a name an index.ts exports that only its own module (or nobody) imports', () => {
    const graph = moduleGraph(
      [
        ['cli/main.ts', 'shared/alpha/index.ts', ['a']],
        ['shared/alpha/x.ts', 'shared/alpha/index.ts', ['onlyInside']],
      ],
      { 'shared/alpha/index.ts': ['a', 'onlyInside', 'nobody'] },
    );
    expect(describeEntryPointFindings(checkEntryPoints(graph))).toEqual([
      'unused export: shared/alpha/index.ts exports onlyInside, which nothing outside its module imports',
      'unused export: shared/alpha/index.ts exports nobody, which nothing outside its module imports',
    ]);
  });

  it('counts a namespace import as using every export, and leaves exempt modules alone', () => {
    const graph = moduleGraph(
      [
        ['cli/main.ts', 'shared/alpha/index.ts', ['*']],
        ['cli/main.ts', 'infra/local/runtime.ts', ['start']],
      ],
      { 'shared/alpha/index.ts': ['a', 'b'], 'infra/local/index.ts': ['start', 'unused'] },
    );
    expect(describeEntryPointFindings(checkEntryPoints(graph, { exempt: ['infra/local'] }))).toEqual([]);
    expect(describeEntryPointFindings(checkEntryPoints(graph))).toEqual([
      "deep import: cli/main.ts → infra/local/runtime.ts (import it from its module's index.ts)",
      'unused export: infra/local/index.ts exports start, which nothing outside its module imports',
      'unused export: infra/local/index.ts exports unused, which nothing outside its module imports',
    ]);
  });
});

describe('importClausesOf and exportedNamesOf', () => {
  it('read the names of imports and re-exports: type-only, renamed, multi-line, default, namespace', () => {
    const text = [
      "import fs, { readFile as read } from 'node:fs';",
      "import type { T } from './types.ts';",
      'import {',
      '  type A,',
      '  b as c,',
      "} from './ab.ts';",
      "import * as everything from './all.ts';",
      "export { x, y as z, type W } from './xyz.ts';",
      "export * from './more.ts';",
      "export * as grouped from './grouped.ts';",
      'export const local = 1;',
      'export interface Shape {}',
      'const hidden = 2;',
      'export { hidden as shown };',
      '',
    ].join('\n');

    expect(importClausesOf(text).map(({ kind, specifier, names }) => [kind, specifier, names])).toEqual([
      ['import', 'node:fs', ['readFile', 'default']],
      ['import', './types.ts', ['T']],
      ['import', './ab.ts', ['A', 'b']],
      ['import', './all.ts', ['*']],
      ['export', './xyz.ts', ['x', 'y', 'W']],
      ['export', './more.ts', ['*']],
      ['export', './grouped.ts', ['*']],
    ]);
    expect(exportedNamesOf(text).sort()).toEqual(['*', 'Shape', 'W', 'grouped', 'local', 'shown', 'x', 'z'].sort());
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

  it('finds an import that skips a real index.ts, and an export of it nobody imports', () => {
    write('shared/beta/index.ts', "export { used, type Unused } from './inner.ts';\n");
    write('shared/beta/inner.ts', 'export const used = 1;\nexport type Unused = string;\n');
    write('cli/main.ts', "import { used } from '../shared/beta/index.ts';\nimport { used as again } from '../shared/beta/inner.ts';\n");

    const graph = readImportGraph(root, ['shared', 'cli']);

    expect(graph.namedImports).toContainEqual({ from: 'cli/main.ts', to: 'shared/beta/index.ts', names: ['used'] });
    expect(graph.exportsOf.get('shared/beta/index.ts')).toEqual(['used', 'Unused']);
    expect(describeEntryPointFindings(checkEntryPoints(graph, { exempt: ['shared/alpha'] }))).toEqual([
      "deep import: cli/main.ts → shared/beta/inner.ts (import it from its module's index.ts)",
      'unused export: shared/beta/index.ts exports Unused, which nothing outside its module imports',
    ]);
  });

  it('counts the names a dynamic import takes, destructured or as a member', () => {
    write('shared/gamma/index.ts', "export { early, late, never } from './inner.ts';\n");
    write('shared/gamma/inner.ts', 'export const early = 1;\nexport const late = 2;\nexport const never = 3;\n');
    write(
      'cli/lazy.ts',
      [
        "export const a = async () => { const { early } = await import('../shared/gamma/index.ts'); return early; };",
        "export const b = async () => (await import('../shared/gamma/index.ts')).late;",
        '',
      ].join('\n'),
    );

    const graph = readImportGraph(root, ['shared', 'cli']);

    expect(graph.namedImports).toContainEqual({ from: 'cli/lazy.ts', to: 'shared/gamma/index.ts', names: ['early'] });
    expect(graph.namedImports).toContainEqual({ from: 'cli/lazy.ts', to: 'shared/gamma/index.ts', names: ['late'] });
    expect(describeEntryPointFindings(checkEntryPoints(graph, { exempt: ['shared/alpha', 'shared/beta'] }))).toEqual([
      'unused export: shared/gamma/index.ts exports never, which nothing outside its module imports',
    ]);
  });

  it('finds an upward import written in a real file', () => {
    write('shared/core/bad.ts', "import { lazy } from '../alpha/lazy.ts';\nexport const x = lazy;\n");
    const report = checkLayers(readImportGraph(root, ['shared']), rules);
    expect(describeFindings(report)).toContain('upward import: shared/core/bad.ts (basics) → shared/alpha/lazy.ts (domain)');
  });
});
