// Records the SDL's sha256 in the generated types, so a test can tell when they are stale.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UI_DIR } from "./sources.mjs";

const sdl = readFileSync(join(UI_DIR, "../matchscope/schema/schema.graphql"));
const digest = createHash("sha256").update(sdl).digest("hex");
const target = join(UI_DIR, "src/gql/graphql.ts");
const body = readFileSync(target, "utf8").replace(/^\/\* schema-sha256: [0-9a-f]+ \*\/\n/, "");
writeFileSync(target, `/* schema-sha256: ${digest} */\n${body}`);
console.log(`src/gql/graphql.ts stamped with schema-sha256 ${digest}`);
