// The declarations the package publishes (issue 9, item 2): built as `npm pack` builds them
// (tsconfig.build.json, stripInternal), they hold only the public API. No member tagged
// `@internal` in src/, named `_like` this or keyed by an internal symbol remains, and every type
// an exported signature names is itself exported.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const repo = fileURLToPath(new URL("..", import.meta.url));

function declarationFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".d.ts"))
    .map((f) => join(dir, f));
}

/** The names of the internal symbols (`kRun`, ...): src/internal/symbols.ts exports them. */
function internalSymbolNames(): Set<string> {
  const text = readFileSync(join(repo, "src", "internal", "symbols.ts"), "utf8");
  return new Set([...text.matchAll(/export const (k\w+)/g)].map((m) => m[1] ?? ""));
}

/** Members of classes and interfaces that are internal by name: `_foo` or `[kFoo]`. */
function internalMembers(file: string, symbols: Set<string>): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node, owner: string): void => {
    if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) {
      owner = node.name?.text ?? "(anonymous)";
    }
    if ((ts.isClassElement(node) || ts.isTypeElement(node)) && node.name !== undefined) {
      const name = node.name;
      if (ts.isIdentifier(name) && name.text.startsWith("_")) found.push(`${owner}.${name.text}`);
      if (ts.isComputedPropertyName(name) && ts.isIdentifier(name.expression)) {
        if (symbols.has(name.expression.text)) found.push(`${owner}[${name.expression.text}]`);
      }
    }
    ts.forEachChild(node, (child) => {
      visit(child, owner);
    });
  };
  visit(source, "");
  return found;
}

/**
 * The declarations an exported signature of the entry points names that the entry points do not
 * export, as `Name (file, via ExportedName)`: what TypeDoc's `validation.notExported` reports.
 */
function unexportedReferences(dir: string): string[] {
  const roots = [join(dir, "index.d.ts"), join(dir, "testing", "index.d.ts")];
  const program = ts.createProgram(roots, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2024,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    typeRoots: [join(repo, "node_modules", "@types")],
  });
  const checker = program.getTypeChecker();
  const resolve = (s: ts.Symbol): ts.Symbol =>
    (s.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(s) : s;
  const exported = new Set<ts.Symbol>();
  for (const root of roots) {
    const source = program.getSourceFile(root);
    const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
    assert.ok(module !== undefined, `no module for ${root}`);
    for (const s of checker.getExportsOfModule(module)) exported.add(resolve(s));
  }
  const seen = new Set<ts.Symbol>();
  const missing = new Set<string>();
  const visitNode = (node: ts.Node, via: string): void => {
    // Private members show no types: `#private`, `private constructor()`.
    if (
      ts.canHaveModifiers(node) &&
      ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword)
    ) {
      return;
    }
    let name: ts.Node | undefined;
    if (ts.isTypeReferenceNode(node)) name = node.typeName;
    else if (ts.isTypeQueryNode(node)) name = node.exprName;
    else if (ts.isExpressionWithTypeArguments(node)) name = node.expression;
    // A computed key (`[inspectCustom]`) names a value, not a type; the test above keeps internal
    // symbols out.
    if (ts.isComputedPropertyName(node)) return;
    const s = name === undefined ? undefined : checker.getSymbolAtLocation(name);
    if (s !== undefined) visitSymbol(resolve(s), via);
    ts.forEachChild(node, (child) => {
      visitNode(child, via);
    });
  };
  const visitSymbol = (s: ts.Symbol, via: string): void => {
    if (seen.has(s)) return;
    seen.add(s);
    for (const d of s.declarations ?? []) {
      const file = d.getSourceFile().fileName;
      // The package's own declarations only: not @types/node's, not the standard library's.
      if (relative(dir, file).startsWith("..") || ts.isTypeParameterDeclaration(d)) continue;
      if (!exported.has(s))
        missing.add(`${s.getName()} (${relative(dir, file).split(sep).join("/")}, via ${via})`);
      visitNode(d, exported.has(s) ? s.getName() : via);
    }
  };
  for (const s of exported) visitSymbol(s, s.getName());
  return [...missing].sort();
}

describe("the published declarations", { timeout: 60_000 }, () => {
  let out = "";
  let files: string[] = [];

  before(async () => {
    out = mkdtempSync(join(tmpdir(), "asyncio-ts-dts-"));
    const tsc = join(repo, "node_modules", "typescript", "bin", "tsc");
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [tsc, "-p", "tsconfig.build.json", "--outDir", out],
        { cwd: repo },
        (error, stdout, stderr) => {
          if (error === null) resolve();
          else reject(new Error(`tsc failed:\n${stdout}\n${stderr}`, { cause: error }));
        },
      );
    });
    files = declarationFiles(out);
  });

  after(() => {
    if (out !== "") rmSync(out, { recursive: true, force: true });
  });

  it("the build strips what src/ tags @internal", () => {
    const config = JSON.parse(readFileSync(join(repo, "tsconfig.build.json"), "utf8")) as {
      compilerOptions: { stripInternal?: boolean };
    };
    assert.equal(config.compilerOptions.stripInternal, true);
    assert.ok(files.some((f) => f.endsWith(`${sep}index.d.ts`)));
    const tagged = files.filter((f) => readFileSync(f, "utf8").includes("@internal"));
    assert.deepEqual(tagged, []);
  });

  it("no member named _like this or keyed by an internal symbol", () => {
    const symbols = internalSymbolNames();
    assert.ok(symbols.has("kRun"), "src/internal/symbols.ts exports kRun");
    const leaked = files.flatMap((f) =>
      internalMembers(f, symbols).map((m) => `${relative(out, f).split(sep).join("/")}: ${m}`),
    );
    assert.deepEqual(leaked, []);
  });

  it("every type an exported signature names is exported", () => {
    assert.deepEqual(unexportedReferences(out), []);
  });
});
