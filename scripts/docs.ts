// Builds the API reference from the TSDoc with TypeDoc (typedoc.json holds the settings) and
// checks it. Usage: npm run docs [-- --out <dir>] [-- --undocumented]
//
// Entry points are the package's "exports" (package.json): each subpath whose source file exists
// (src/<subpath>/index.ts) is documented under the name users import it by ("asyncio-ts/http"),
// so a subpath still being written is skipped instead of breaking the build.
//
// Fatal, so the build exits 1:
// - any TypeDoc warning or error while reading options, converting or rendering;
// - validation.notExported: an exported signature names a type the entry points do not export;
// - validation.invalidLink / rewrittenLink / invalidPath: a {@link} or a relative link in the
//   README or docs/*.md that resolves to nothing;
// - an export (class, function, interface, type, constant) with no TSDoc at all;
// - a link in the generated HTML, sidebar or search index to a missing file or anchor.
// Reported only: members (methods, properties, accessors) with no TSDoc (validation.notDocumented).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { unzipSync } from "node:zlib";
import {
  Application,
  DeclarationReflection,
  LogLevel,
  ReflectionKind,
  ReflectionType,
  TSConfigReader,
  TypeDocReader,
  type ProjectReflection,
} from "typedoc";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** A package subpath and the source file that implements it. */
export interface EntryPoint {
  /** The specifier users import: `asyncio-ts`, `asyncio-ts/testing`, … */
  name: string;
  /** Absolute path of its source, `src/<subpath>/index.ts`. */
  file: string;
}

/** What {@link buildDocs} did. */
export interface DocsReport {
  ok: boolean;
  /** Everything that failed the build, one line each. */
  errors: string[];
  /** Members without TSDoc (validation.notDocumented): reported, not fatal. */
  undocumented: string[];
  /** Entry points documented. */
  entryPoints: EntryPoint[];
  /** Package subpaths skipped because their source file does not exist yet. */
  skipped: EntryPoint[];
  /** Links (href, src, sidebar and search entries) checked in the output. */
  linksChecked: number;
  out: string;
  seconds: number;
}

export interface DocsOptions {
  /** Output folder (default: typedoc.json's `out`, docs/api). */
  out?: string;
  /** Entry points (default: the package's exports that exist). */
  entryPoints?: EntryPoint[];
  /** tsconfig for the program (default: tsconfig.build.json, the published build's). */
  tsconfig?: string;
  /** Render the README and docs/*.md as pages (default true). */
  guides?: boolean;
  /** Print TypeDoc's messages (default true). */
  print?: boolean;
  /** Print every undocumented member too (default false). */
  listUndocumented?: boolean;
}

/** The package's exports as entry points, split by whether their source file exists. */
export function packageEntryPoints(): { present: EntryPoint[]; missing: EntryPoint[] } {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, unknown>;
  };
  const present: EntryPoint[] = [];
  const missing: EntryPoint[] = [];
  for (const subpath of Object.keys(pkg.exports)) {
    if (subpath === "./package.json") continue;
    const rest = subpath.slice(2); // "." → "", "./http" → "http"
    const entry = {
      name: rest === "" ? pkg.name : `${pkg.name}/${rest}`,
      file: join(root, "src", rest, "index.ts"),
    };
    (existsSync(entry.file) ? present : missing).push(entry);
  }
  return { present, missing };
}

interface Message {
  level: LogLevel;
  text: string;
}

/** Builds the reference into `options.out` and checks it; never throws for a failed build. */
export async function buildDocs(options: DocsOptions = {}): Promise<DocsReport> {
  const start = performance.now();
  const print = options.print ?? true;
  const guides = options.guides ?? true;
  const { present, missing } = packageEntryPoints();
  const entryPoints = options.entryPoints ?? present;
  const skipped = options.entryPoints ? [] : missing;
  const errors: string[] = [];
  const undocumented: string[] = [];
  let linksChecked = 0;

  const app = await Application.bootstrapWithPlugins(
    {
      options: join(root, "typedoc.json"),
      tsconfig: options.tsconfig ?? join(root, "tsconfig.build.json"),
      entryPoints: entryPoints.map((e) => e.file),
      ...(options.out === undefined ? {} : { out: options.out }),
      ...(guides ? {} : { readme: "none", projectDocuments: [] }),
      logLevel: print ? "Info" : "None",
    },
    [new TypeDocReader(), new TSConfigReader()],
  );
  const out = app.options.getValue("out");
  const report = (): DocsReport => ({
    ok: errors.length === 0,
    errors,
    undocumented,
    entryPoints,
    skipped,
    linksChecked,
    out,
    seconds: (performance.now() - start) / 1000,
  });
  if (app.logger.hasErrors() || app.logger.hasWarnings()) {
    errors.push(
      `TypeDoc reported ${app.logger.errorCount} errors and ${app.logger.warningCount} warnings reading its options`,
    );
    return report();
  }

  // Record every message; print them unless told not to.
  const messages: Message[] = [];
  const logger = app.logger;
  const log = logger.log.bind(logger);
  logger.log = (message: string, level: LogLevel): void => {
    messages.push({ level, text: stripVTControlCharacters(message) });
    log(message, level);
  };
  const problemsSince = (mark: number): string[] =>
    messages
      .slice(mark)
      .filter((m) => m.level === LogLevel.Error || m.level === LogLevel.Warn)
      .map((m) => m.text);

  let mark = messages.length;
  const project = await app.convert();
  errors.push(...problemsSince(mark));
  if (project === undefined) {
    errors.push("TypeDoc could not convert the entry points");
    return report();
  }
  nameModules(project, entryPoints);

  mark = messages.length;
  app.validate(project);
  errors.push(...problemsSince(mark));
  errors.push(...undocumentedExports(project, entryPoints));

  // Members without TSDoc: a second validation pass with only notDocumented on.
  app.options.setValue("validation", {
    notExported: false,
    invalidLink: false,
    invalidPath: false,
    rewrittenLink: false,
    notDocumented: true,
    unusedMergeModuleWith: false,
  });
  const level = logger.level;
  if (options.listUndocumented !== true) logger.level = LogLevel.None;
  mark = messages.length;
  app.validate(project);
  undocumented.push(...problemsSince(mark));
  logger.level = level;

  if (errors.length > 0) return report();

  mark = messages.length;
  await app.generateDocs(project, out);
  errors.push(...problemsSince(mark));
  const links = checkLinks(out);
  linksChecked = links.checked;
  errors.push(...links.broken);
  return report();
}

/** Names each module as users import it (`asyncio-ts/testing`), not by its file (`index`). */
function nameModules(project: ProjectReflection, entryPoints: EntryPoint[]): void {
  for (const child of project.children ?? []) {
    if (!child.kindOf(ReflectionKind.Module)) continue;
    const file = project.getSymbolIdFromReflection(child)?.fileName;
    const entry = entryPoints.find((e) => file !== undefined && resolve(file) === e.file);
    if (entry) child.name = entry.name;
  }
}

/** Exports (top-level names of each entry point) with no TSDoc at all. */
function undocumentedExports(project: ProjectReflection, entryPoints: EntryPoint[]): string[] {
  // One entry point: its exports are the project's children, with no module in between.
  const modules = project.children?.some((c) => c.kindOf(ReflectionKind.Module))
    ? project.children.filter((c) => c.kindOf(ReflectionKind.Module))
    : [project];
  const found: string[] = [];
  for (const mod of modules) {
    const name = mod === project && entryPoints.length === 1 ? (entryPoints[0]?.name ?? mod.name) : mod.name;
    for (const child of mod.children ?? []) {
      if (child.kindOf(ReflectionKind.Reference) || !(child instanceof DeclarationReflection)) continue;
      const signatures =
        child.type instanceof ReflectionType
          ? child.type.declaration.getNonIndexSignatures()
          : child.getNonIndexSignatures();
      if (child.hasComment() || signatures.some((s) => s.hasComment())) continue;
      found.push(`${name}: export ${child.name} (${ReflectionKind[child.kind]}) has no TSDoc`);
    }
  }
  return found;
}

/**
 * Checks every link of a generated site: `href` and `src` attributes of its .html files and the
 * entries of TypeDoc's sidebar (assets/navigation.js) and search index (assets/search.js).
 * A relative link must name an existing file, and its `#fragment` an `id` in that file.
 * Links with a scheme (https:, mailto:, data:) are external and not followed.
 */
export function checkLinks(dir: string): { checked: number; broken: string[] } {
  const broken: string[] = [];
  const ids = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let set = ids.get(file);
    if (!set) {
      set = new Set();
      const html = readFileSync(file, "utf8");
      for (const m of html.matchAll(/\s(?:id|name)="([^"]*)"/g)) set.add(decodeEntities(m[1] ?? ""));
      ids.set(file, set);
    }
    return set;
  };
  let checked = 0;
  const check = (from: string, base: string, link: string): void => {
    checked++;
    if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith("//")) return;
    const hash = link.indexOf("#");
    const path = (hash === -1 ? link : link.slice(0, hash)).replace(/\?.*$/, "");
    const fragment = hash === -1 ? "" : decodeURIComponent(link.slice(hash + 1));
    const target = path === "" ? from : resolve(base, decodeURIComponent(path));
    const where = `${relative(dir, from)}: ${link}`;
    if (!target.startsWith(resolve(dir) + sep) || !existsSync(target) || !statSync(target).isFile()) {
      broken.push(`broken link in ${where} (no such file)`);
    } else if (fragment !== "" && !idsOf(target).has(fragment)) {
      broken.push(`broken link in ${where} (no id "${fragment}" in ${relative(dir, target)})`);
    }
  };

  for (const file of walk(dir)) {
    if (!file.endsWith(".html")) continue;
    const html = readFileSync(file, "utf8");
    for (const m of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const link = decodeEntities(m[1] ?? "");
      if (link !== "" && link !== "#") check(file, dirname(file), link);
    }
  }
  // The sidebar and the search index hold links relative to the site's root.
  const index = join(dir, "index.html");
  for (const [asset, variable] of [
    ["navigation.js", "navigationData"],
    ["search.js", "searchData"],
  ] as const) {
    const file = join(dir, "assets", asset);
    if (!existsSync(file)) continue;
    const data = decodeAsset(readFileSync(file, "utf8"), variable);
    for (const link of collectPaths(data)) check(index, dir, link);
  }
  return { checked, broken };
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replaceAll("&quot;", '"')
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

// TypeDoc writes `window.navigationData = "<base64 of deflated JSON>"` (and searchData likewise).
function decodeAsset(source: string, variable: string): unknown {
  const m = new RegExp(`window\\.${variable}\\s*=\\s*"([^"]*)"`).exec(source);
  if (!m?.[1]) throw new Error(`assets: no ${variable} found`);
  const base64 = m[1].replace(/^data:[^,]*,/, "");
  return JSON.parse(unzipSync(Buffer.from(base64, "base64")).toString("utf8"));
}

/** The names in a generated site's search index (every documented reflection), with parents. */
export function searchIndex(dir: string): { name: string; parent?: string }[] {
  const data = decodeAsset(readFileSync(join(dir, "assets", "search.js"), "utf8"), "searchData") as {
    rows: { name: string; parent?: string }[];
  };
  return data.rows;
}

// Sidebar nodes carry `path`; search rows carry `url`.
function collectPaths(data: unknown): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        if ((key === "path" || key === "url") && typeof value === "string") found.push(value);
        else visit(value);
      }
    }
  };
  visit(data);
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const result = await buildDocs({
    ...(outIndex === -1 ? {} : { out: resolve(args[outIndex + 1] ?? "") }),
    listUndocumented: args.includes("--undocumented"),
  });
  for (const e of result.skipped) {
    console.log(`skipped ${e.name}: ${relative(root, e.file)} does not exist yet`);
  }
  if (result.ok) {
    console.log(
      `API reference of ${result.entryPoints.map((e) => e.name).join(", ")} in ${relative(root, result.out) || "."}/ ` +
        `(${result.linksChecked} links checked, ${result.seconds.toFixed(1)} s)`,
    );
    if (result.undocumented.length > 0 && !args.includes("--undocumented")) {
      console.log(
        `${result.undocumented.length} members have no TSDoc (validation.notDocumented; ` +
          "npm run docs -- --undocumented lists them)",
      );
    }
  } else {
    console.error(
      `API reference failed (${result.errors.length} ${result.errors.length === 1 ? "problem" : "problems"}):`,
    );
    for (const e of result.errors) console.error(`  ${e}`);
    process.exitCode = 1;
  }
}
