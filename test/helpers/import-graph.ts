/**
 * The import graph of src/, read with the TypeScript parser: every module's import and
 * export-from specifiers, `import()` calls and `require()` calls, each marked static, dynamic
 * or type-only (`import type`, `export type`, `typeof import()`: erased, never loaded).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export type EdgeKind = 'static' | 'dynamic' | 'type';

export interface ImportEdge {
  /** The importing module, relative to src/ (e.g. `core/fit/decode/raw.ts`). */
  from: string;
  /** The specifier as written. */
  specifier: string;
  /** A relative specifier resolved to its module relative to src/ (`.ts`); a package name otherwise. */
  target: string;
  kind: EdgeKind;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

export function importEdges(file: string, srcRoot: string): ImportEdge[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const from = relative(srcRoot, file);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, kind: EdgeKind) => {
    const target = specifier.startsWith('.') ? relative(srcRoot, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier;
    edges.push({ from, specifier, target, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.importClause?.isTypeOnly ||
        (node.importClause !== undefined &&
          !node.importClause.name &&
          node.importClause.namedBindings !== undefined &&
          ts.isNamedImports(node.importClause.namedBindings) &&
          node.importClause.namedBindings.elements.length > 0 &&
          node.importClause.namedBindings.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, typeOnly ? 'type' : 'static');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly =
        node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, typeOnly ? 'type' : 'static');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, 'type');
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const spec = node.arguments[0].text;
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(spec, 'dynamic');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') add(spec, 'static');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edges;
}

/** Every edge of every module under `srcRoot`. */
export function importGraph(srcRoot: string): ImportEdge[] {
  return tsFiles(srcRoot)
    .sort()
    .flatMap((f) => importEdges(f, srcRoot));
}
