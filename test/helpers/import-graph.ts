import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The import graph of the repository's own code and the rules it must keep: tiers that only
 * point down, no cycle between folders, and a module with an `index.ts` entered only through it,
 * whose exports are all used from outside. `test/unit/import-graph.test.ts` applies it to the
 * tree; `test/unit/import-graph-checker.test.ts` shows on synthetic graphs that it can fail.
 */

/** One import of one file of ours by another, both repository-relative (`shared/core/clock.ts`). */
export interface ImportEdge {
  from: string;
  to: string;
}

/** One import (or re-export) statement between our own files and the names it takes. */
export interface NamedImport extends ImportEdge {
  /** Names as the target exports them; `default` for a default import, `*` for a namespace. */
  names: string[];
}

/** The files read, every module specifier each one names, and the edges between our own files. */
export interface ImportGraph {
  files: string[];
  specifiers: Map<string, string[]>;
  edges: ImportEdge[];
  /** The import and re-export statements between our files, with their names (dynamic imports too, see `dynamicImportsOf`). */
  namedImports: NamedImport[];
  /** The names each file exports (`*` for an `export * from`). */
  exportsOf: Map<string, string[]>;
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

/** `const { a, b: c } = await import('…')` and `(await import('…')).a`: the names a lazy load takes. */
const DYNAMIC_DESTRUCTURED = /\{([^{}]*)\}\s*=\s*await\s+import\(\s*['"]([^'"]+)['"]\s*\)/g;
const DYNAMIC_MEMBER = /\(\s*await\s+import\(\s*['"]([^'"]+)['"]\s*\)\s*\)\.(\w+)/g;

const IMPORT_CLAUSE = /^\s*(import|export)\s+(?:type\s+)?([^'";]*?)\s*\bfrom\s*['"]([^'"]+)['"]/gm;
const LOCAL_EXPORT =
  /^\s*export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|var|class|type|interface|enum|abstract\s+class)\s+(\w+)/gm;
const LOCAL_EXPORT_LIST = /^\s*export\s+(?:type\s+)?\{([^}]*)\}\s*;?\s*$/gm;

/** `{ a, type b as c }` → the entries, each `[name as the source knows it, name as bound here]`. */
function listEntries(list: string): [string, string][] {
  return list
    .split(',')
    .map((entry) => entry.trim().replace(/^type\s+/, ''))
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const [source, bound] = entry.split(/\s+as\s+/);
      return [source!, bound ?? source!];
    });
}

/**
 * The import and re-export statements of a source text: what each takes from its specifier
 * (`default`, `*` or the exported names) and, for re-exports, the names it gives on.
 */
export function importClausesOf(text: string): { kind: 'import' | 'export'; specifier: string; names: string[]; exported: string[] }[] {
  return [...text.matchAll(IMPORT_CLAUSE)].map((match) => {
    const kind = match[1] as 'import' | 'export';
    const clause = match[2]!.trim();
    const braces = /\{([^}]*)\}/.exec(clause);
    const entries = braces ? listEntries(braces[1]!) : [];
    const outside = (braces ? clause.replace(braces[0], '') : clause).replace(/,/g, ' ').trim();
    const names = entries.map(([source]) => source);
    const exported = kind === 'export' ? entries.map(([, bound]) => bound) : [];
    if (outside.startsWith('*')) {
      names.push('*');
      const alias = /^\*\s+as\s+(\w+)/.exec(outside)?.[1];
      if (kind === 'export') exported.push(alias ?? '*');
    } else if (outside.length > 0) {
      names.push('default');
    }
    return { kind, specifier: match[3]!, names, exported };
  });
}

/**
 * The names dynamic imports take, in the two forms the code uses: destructured from the awaited
 * module, or one member of it. Any other dynamic import of an `index.ts` takes no name, so an
 * export only it uses is reported unused: write it in one of these forms.
 */
export function dynamicImportsOf(text: string): { specifier: string; names: string[] }[] {
  const destructured = [...text.matchAll(DYNAMIC_DESTRUCTURED)].map((match) => ({
    specifier: match[2]!,
    names: listEntries(match[1]!).map(([source]) => source),
  }));
  const members = [...text.matchAll(DYNAMIC_MEMBER)].map((match) => ({ specifier: match[1]!, names: [match[2]!] }));
  return [...destructured, ...members];
}

/** The names a source text exports: declarations, export lists and re-exports (`*` for `export *`). */
export function exportedNamesOf(text: string): string[] {
  const declared = [...text.matchAll(LOCAL_EXPORT)].map((match) => match[1]!);
  const listed = [...text.matchAll(LOCAL_EXPORT_LIST)].flatMap((match) => listEntries(match[1]!).map(([, bound]) => bound));
  const reexported = importClausesOf(text).flatMap((clause) => clause.exported);
  return [...new Set([...declared, ...listed, ...reexported])];
}

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
  const namedImports: NamedImport[] = [];
  const exportsOf = new Map<string, string[]>();
  const resolve = (file: string, spec: string): string | undefined => {
    if (!spec.startsWith('.')) return undefined;
    const target = relative(root, normalize(join(root, dirname(file), spec)))
      .split('\\')
      .join('/');
    // A relative specifier naming no file is a comment's or a string's, not an import tsc accepts.
    return existsSync(join(root, target)) && !statSync(join(root, target)).isDirectory() ? target : undefined;
  };
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    const named = specifiersOf(text);
    specifiers.set(file, named);
    for (const spec of named) {
      const target = resolve(file, spec);
      if (target) edges.push({ from: file, to: target });
    }
    for (const clause of [...importClausesOf(text), ...dynamicImportsOf(text)]) {
      const target = resolve(file, clause.specifier);
      if (target) namedImports.push({ from: file, to: target, names: clause.names });
    }
    exportsOf.set(file, exportedNamesOf(text));
  }
  return { files, specifiers, edges, namedImports, exportsOf };
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

/** Imports that skip a module's `index.ts`, and names an `index.ts` gives that no one outside takes. */
export interface EntryPointReport {
  deep: ImportEdge[];
  unused: { index: string; name: string }[];
}

/** The module (a folder with an `index.ts`, the innermost one) a file belongs to, if any. */
export function moduleOf(file: string, modules: readonly string[]): string | undefined {
  return modules.filter((folder) => file.startsWith(`${folder}/`)).sort((a, b) => b.length - a.length)[0];
}

/**
 * Checks that a folder with an `index.ts` is a module entered only through it: a file outside the
 * folder imports its `index.ts` and nothing else in it; and that every name the `index.ts`
 * exports is imported by some file outside (what only the module itself or its tests use stays
 * a deep import of theirs).
 */
export function checkEntryPoints(
  graph: Pick<ImportGraph, 'files' | 'edges' | 'namedImports' | 'exportsOf'>,
  options: { exempt?: readonly string[] } = {},
): EntryPointReport {
  const modules = graph.files
    .filter((file) => file.endsWith('/index.ts'))
    .map((file) => file.slice(0, -'/index.ts'.length))
    .filter((module) => !options.exempt?.includes(module));
  const outside = (edge: ImportEdge, module: string) => !edge.from.startsWith(`${module}/`);
  const deep = graph.edges.filter((edge) => {
    const module = moduleOf(edge.to, modules);
    return module !== undefined && outside(edge, module) && edge.to !== `${module}/index.ts`;
  });
  const unused = modules.flatMap((module) => {
    const index = `${module}/index.ts`;
    const taken = new Set(
      graph.namedImports.filter((named) => named.to === index && outside(named, module)).flatMap((named) => named.names),
    );
    if (taken.has('*')) return [];
    return (graph.exportsOf.get(index) ?? []).filter((name) => name !== '*' && !taken.has(name)).map((name) => ({ index, name }));
  });
  return { deep, unused };
}

/** One line per entry-point finding: what a failing test prints. */
export function describeEntryPointFindings(report: EntryPointReport): string[] {
  return [
    ...report.deep.map((edge) => `deep import: ${edge.from} → ${edge.to} (import it from its module's index.ts)`),
    ...report.unused.map((u) => `unused export: ${u.index} exports ${u.name}, which nothing outside its module imports`),
  ];
}
