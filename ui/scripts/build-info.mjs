// Writes build-info.json beside the build and prints each entry's JavaScript, raw and gzipped.
import { readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { UI_DIR, sourcesHash } from "./sources.mjs";

const OUT = join(UI_DIR, "../matchscope/web/ui");

const manifest = JSON.parse(readFileSync(join(OUT, ".vite/manifest.json"), "utf8"));

// The JavaScript files a page loads: at start (static imports) or also later (dynamic imports too).
function scriptsOf(page, { lazy }) {
  const seen = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(chunk.file)) return;
    seen.add(chunk.file);
    for (const next of [...(chunk.imports ?? []), ...(lazy ? (chunk.dynamicImports ?? []) : [])]) visit(next);
  };
  visit(page);
  return [...seen].filter((file) => file.endsWith(".js"));
}

function sizes(files) {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(OUT, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip };
}

const allJs = readdirSync(join(OUT, "assets")).filter((name) => name.endsWith(".js")).map((name) => `assets/${name}`);
const info = {
  sourcesSha256: sourcesHash(),
  javascript: {
    appInitial: sizes(scriptsOf("index.html", { lazy: false })),
    appWithLazyChunks: sizes(scriptsOf("index.html", { lazy: true })),
    graphiqlInitial: sizes(scriptsOf("graphiql.html", { lazy: false })),
    graphiqlWithLazyChunks: sizes(scriptsOf("graphiql.html", { lazy: true })),
    allAssets: sizes(allJs),
  },
};
// The manifest served its purpose here; the server has no use for it.
rmSync(join(OUT, ".vite"), { recursive: true, force: true });
writeFileSync(join(OUT, "build-info.json"), `${JSON.stringify(info, null, 2)}\n`);
for (const [name, size] of Object.entries(info.javascript)) {
  console.log(`${name}: ${(size.raw / 1024).toFixed(1)} kB, ${(size.gzip / 1024).toFixed(1)} kB gzipped`);
}
