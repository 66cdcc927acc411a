#!/usr/bin/env node
// Writes src/cpu/interp.gen.ts (the interpreter) from src/cpu/isa.ts, the one definition of the
// instruction set, through src/cpu/gen-interp.ts. Run it after changing either; test/isa.test.ts
// fails while the committed file differs from what this writes. esbuild compiles the generator
// on the fly, so this needs no earlier build.
import { build } from "esbuild";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const r = await build({ entryPoints: [path.join(ROOT, "src/cpu/gen-interp.ts")], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "warning" });
const mod = await import("data:text/javascript;base64," + Buffer.from(r.outputFiles[0].text).toString("base64"));
const out = path.join(ROOT, "src/cpu/interp.gen.ts");
const src = mod.interpreterSource();
if (fs.existsSync(out) && fs.readFileSync(out, "utf8") === src) console.log("gen-cpu: src/cpu/interp.gen.ts is up to date");
else {
  fs.writeFileSync(out, src);
  console.log("gen-cpu: wrote src/cpu/interp.gen.ts");
}
