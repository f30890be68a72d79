// The API reference (npm run docs, scripts/docs.ts with typedoc.json): it builds, every link in it
// resolves, and the build fails on what it promises to catch.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDocs, checkLinks, packageEntryPoints, searchIndex } from "../scripts/docs.ts";

const tmp = mkdtempSync(join(tmpdir(), "asyncio-ts-docs-"));
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** A one-file package run through the same settings (typedoc.json) and checks as the real one. */
async function buildFixture(name: string, source: string) {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `docs-${name}`, type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, target: "es2024", module: "nodenext", types: [], skipLibCheck: true },
      files: ["index.ts"],
    }),
  );
  writeFileSync(join(dir, "index.ts"), source);
  return buildDocs({
    entryPoints: [{ name: `docs-${name}`, file: join(dir, "index.ts") }],
    tsconfig: join(dir, "tsconfig.json"),
    out: join(dir, "api"),
    guides: false,
    print: false,
  });
}

describe("API reference", () => {
  it("builds from every package export whose source exists, with no error and no broken link", async () => {
    const out = join(tmp, "api");
    const report = await buildDocs({ out, print: false });
    assert.deepEqual(report.errors, []);
    assert.equal(report.ok, true);

    const { present } = packageEntryPoints();
    const names = present.map((e) => e.name);
    assert.ok(names.includes("asyncio-ts") && names.includes("asyncio-ts/testing"), names.join());
    assert.deepEqual(
      report.entryPoints.map((e) => e.name),
      names,
    );
    // Each subpath is a module page named as users import it.
    for (const name of names) {
      const page = join(out, "modules", `${name.replaceAll("/", "_")}.html`);
      assert.ok(existsSync(page), `no page for ${name}`);
    }
    const taskGroup = readFileSync(join(out, "classes", "asyncio-ts.TaskGroup.html"), "utf8");
    assert.match(taskGroup, /createTask/);
    assert.ok(existsSync(join(out, "documents", "differences.html")), "docs/*.md are pages");
    // The link check ran over the whole site (HTML, sidebar, search index), not a stray page.
    assert.ok(report.linksChecked > 5000, `only ${report.linksChecked} links checked`);
    // Only the public API: no @internal member (`_rawResult`) and no module-symbol key (`[kRun]`).
    const rows = searchIndex(out);
    assert.ok(rows.some((r) => r.name === "createTask" && r.parent === "asyncio-ts.TaskGroup"));
    const internal = rows.filter((r) => r.name.startsWith("_") || /^\[k[A-Z]/.test(r.name));
    assert.deepEqual(
      internal.map((r) => `${r.parent ?? ""}.${r.name}`),
      [],
    );
  });

  it("the link check reports a missing file and a missing anchor, and only those", () => {
    const site = join(tmp, "site");
    mkdirSync(join(site, "sub"), { recursive: true });
    writeFileSync(
      join(site, "index.html"),
      [
        '<a href="sub/a.html#here">ok</a>',
        '<a href="sub/a.html#gone">missing anchor</a>',
        '<a href="missing.html">missing file</a>',
        '<a href="#top">same page</a><h1 id="top">t</h1>',
        '<a href="https://docs.python.org/3.13/">external</a>',
        '<img src="sub/pic.svg">',
      ].join("\n"),
    );
    writeFileSync(join(site, "sub", "a.html"), '<h2 id="here">h</h2><a href="../index.html#top">up</a>');
    writeFileSync(join(site, "sub", "pic.svg"), "<svg/>");
    const { checked, broken } = checkLinks(site);
    assert.equal(checked, 7);
    assert.deepEqual(broken, [
      'broken link in index.html: sub/a.html#gone (no id "gone" in sub/a.html)',
      "broken link in index.html: missing.html (no such file)",
    ]);
  });

  it("fails when an exported signature names a type that is not exported (validation.notExported)", async () => {
    const source = (keyword: string) =>
      [
        "/** A shape. */",
        `${keyword}interface Hidden {`,
        "  /** A number. */",
        "  x: number;",
        "}",
        "/** Makes a shape. */",
        "export function f(): Hidden {",
        "  return { x: 1 };",
        "}",
        "",
      ].join("\n");
    const hidden = await buildFixture("hidden", source(""));
    assert.equal(hidden.ok, false);
    assert.equal(hidden.errors.length, 1, hidden.errors.join("\n"));
    assert.match(
      hidden.errors[0] ?? "",
      /Hidden, defined in .*index\.ts, is referenced by .*f.* but not included/,
    );

    // The same file with Hidden exported builds: the failure was the unexported type.
    const exported = await buildFixture("exported", source("export "));
    assert.deepEqual(exported.errors, []);
    assert.equal(exported.ok, true);
  });

  it("fails on a {@link} to nothing and on an export with no TSDoc", async () => {
    const report = await buildFixture(
      "broken",
      ["/** Like {@link Nowhere}. */", "export function g(): void {}", "export const h = 1;", ""].join("\n"),
    );
    assert.equal(report.ok, false);
    assert.equal(report.errors.length, 2, report.errors.join("\n"));
    assert.ok(
      report.errors.some((e) => /Failed to resolve link to "Nowhere" in comment for g/.test(e)),
      report.errors.join("\n"),
    );
    assert.ok(
      report.errors.includes("docs-broken: export h (Variable) has no TSDoc"),
      report.errors.join("\n"),
    );
  });
});
