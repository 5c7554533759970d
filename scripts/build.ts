/**
 * Builds `dist/kestra`: one self-contained executable (`bun build --compile`) with the
 * migrations, the example config and every dependency embedded, so it runs with nothing
 * beside it but its config and data directory.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const outfile = join(root, "dist", "kestra");
mkdirSync(join(root, "dist"), { recursive: true });

const result = await Bun.build({
  entrypoints: [join(root, "src", "main.ts")],
  compile: { outfile },
  // Unminified, so stack traces in the appliance's logs name real functions.
  minify: false,
  target: "bun",
});

if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${outfile}`);
