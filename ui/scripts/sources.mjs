// The UI's sources whose hash build-info.json records; tests/web/test_ui_build.py lists the same files.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

export const UI_DIR = new URL("..", import.meta.url).pathname;
const FILES = [
  "index.html", "graphiql.html", "package.json", "package-lock.json",
  "vite.config.ts", "tsconfig.json", "eslint.config.js", "codegen.ts",
];
const TREES = ["src", "scripts"];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export function sourceFiles() {
  const trees = TREES.flatMap((tree) => walk(join(UI_DIR, tree)));
  return [...FILES.map((name) => join(UI_DIR, name)), ...trees]
    .map((path) => relative(UI_DIR, path).split(sep).join("/"))
    .sort();
}

// sha256 over "<path>\0<sha256 of the bytes>\n" for each file, in sorted path order.
export function sourcesHash() {
  const outer = createHash("sha256");
  for (const path of sourceFiles()) {
    const inner = createHash("sha256").update(readFileSync(join(UI_DIR, path))).digest("hex");
    outer.update(`${path}\0${inner}\n`);
  }
  return outer.digest("hex");
}
