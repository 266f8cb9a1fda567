import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The import graph of the repository's own code and the rules it must keep: tiers that only
 * point down, and no cycle between folders. `test/unit/import-graph.test.ts` applies it to the
 * tree; `test/unit/import-graph-checker.test.ts` shows on synthetic graphs that it can fail.
 */

/** One import of one file of ours by another, both repository-relative (`shared/core/clock.ts`). */
export interface ImportEdge {
  from: string;
  to: string;
}

/** The files read, every module specifier each one names, and the edges between our own files. */
export interface ImportGraph {
  files: string[];
  specifiers: Map<string, string[]>;
  edges: ImportEdge[];
}

/** A tier: its name and the paths it holds (a folder ends in `/`; otherwise one file). */
export interface Tier {
  name: string;
  paths: string[];
}

export interface LayerRules {
  /** Tiers from the bottom up: an import may point to its own tier or one below, never above. */
  tiers: Tier[];
  /**
   * Subfolders that are folders of their own for the cycle check (adapters such as
   * `shared/store/dynamodb`), beside the default folders: `shared/<x>`, `infra/<x>`,
   * `functions/<x>`, and the top-level folder for the rest (`cli`, `scripts`, `bench`).
   */
  ownFolders: string[];
}

/** An import from a lower tier to a higher one. */
export interface UpwardImport extends ImportEdge {
  fromTier: string;
  toTier: string;
}

/** Folders that import each other, and the file imports that close the cycle. */
export interface FolderCycle {
  folders: string[];
  imports: ImportEdge[];
}

export interface LayerReport {
  /** Files no tier holds: every file must be placed. */
  untiered: string[];
  upward: UpwardImport[];
  cycles: FolderCycle[];
}

const STATIC_IMPORT = /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT_IMPORT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a source text names: static, side-effect and dynamic (`import('…')`) imports. */
export function specifiersOf(text: string): string[] {
  return [STATIC_IMPORT, SIDE_EFFECT_IMPORT, DYNAMIC_IMPORT].flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] as string));
}

function sourceFiles(root: string, dir: string): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sourceFiles(root, path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Reads the TypeScript files under `dirs` (relative to `root`) and the imports between them. */
export function readImportGraph(root: string, dirs: string[]): ImportGraph {
  const files = dirs.flatMap((dir) => sourceFiles(root, dir)).map((file) => file.split('\\').join('/'));
  const specifiers = new Map<string, string[]>();
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const named = specifiersOf(readFileSync(join(root, file), 'utf8'));
    specifiers.set(file, named);
    for (const spec of named) {
      if (!spec.startsWith('.')) continue;
      const target = relative(root, normalize(join(root, dirname(file), spec))).split('\\').join('/');
      // A relative specifier naming no file is a comment's or a string's, not an import tsc accepts.
      if (existsSync(join(root, target)) && !statSync(join(root, target)).isDirectory()) edges.push({ from: file, to: target });
    }
  }
  return { files, specifiers, edges };
}

/** The index of the tier holding `file` (the longest matching path wins), or -1. */
export function tierOf(file: string, rules: LayerRules): number {
  let best = -1;
  let bestLength = -1;
  rules.tiers.forEach((tier, index) => {
    for (const path of tier.paths) {
      const matches = path.endsWith('/') ? file.startsWith(path) : file === path;
      if (matches && path.length > bestLength) {
        best = index;
        bestLength = path.length;
      }
    }
  });
  return best;
}

/** The folder a file belongs to for the cycle check; files inside one folder may import each other. */
export function folderOf(file: string, rules: Pick<LayerRules, 'ownFolders'>): string {
  const own = rules.ownFolders.filter((folder) => file.startsWith(`${folder}/`)).sort((a, b) => b.length - a.length)[0];
  if (own) return own;
  const parts = file.split('/');
  if (parts.length <= 2) return parts[0] as string;
  if (parts[0] === 'shared' || parts[0] === 'infra' || parts[0] === 'functions') return `${parts[0]}/${parts[1]}`;
  return parts[0] as string;
}

/** Strongly connected components (Tarjan) of a directed graph given as adjacency sets. */
function stronglyConnected(nodes: string[], next: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  function visit(node: string): void {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  }

  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}

/** Checks a graph against the rules: files without a tier, imports up a tier, folder cycles. */
export function checkLayers(graph: Pick<ImportGraph, 'files' | 'edges'>, rules: LayerRules): LayerReport {
  const untiered = graph.files.filter((file) => tierOf(file, rules) === -1);

  const upward: UpwardImport[] = [];
  for (const edge of graph.edges) {
    const from = tierOf(edge.from, rules);
    const to = tierOf(edge.to, rules);
    if (from !== -1 && to !== -1 && to > from) {
      upward.push({ ...edge, fromTier: rules.tiers[from]!.name, toTier: rules.tiers[to]!.name });
    }
  }

  const crossing = graph.edges
    .map((edge) => ({ edge, from: folderOf(edge.from, rules), to: folderOf(edge.to, rules) }))
    .filter(({ from, to }) => from !== to);
  const next = new Map<string, Set<string>>();
  for (const { from, to } of crossing) {
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
  }
  const folders = [...new Set(crossing.flatMap(({ from, to }) => [from, to]))].sort();
  const cycles = stronglyConnected(folders, next)
    .filter((component) => component.length > 1)
    .map((component) => {
      const members = new Set(component);
      return {
        folders: [...component].sort(),
        imports: crossing.filter(({ from, to }) => members.has(from) && members.has(to)).map(({ edge }) => edge),
      };
    });

  return { untiered, upward, cycles };
}

/** One line per finding, naming the files: what a failing test prints. */
export function describeFindings(report: LayerReport): string[] {
  return [
    ...report.untiered.map((file) => `no tier holds ${file}`),
    ...report.upward.map((u) => `upward import: ${u.from} (${u.fromTier}) → ${u.to} (${u.toTier})`),
    ...report.cycles.map((c) => `folder cycle ${c.folders.join(' ⇄ ')}: ${c.imports.map((i) => `${i.from} → ${i.to}`).join('; ')}`),
  ];
}
