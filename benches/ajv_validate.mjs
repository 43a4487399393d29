#!/usr/bin/env node
// The ajv peer of benches/validate_vs_jsonschema.py: structure only, against
// the published schemas (schemas/*.schema.json), JSON Schema 2020-12.
//
//   node benches/ajv_validate.mjs [--list] --kind KIND PATH...
//   node benches/ajv_validate.mjs [--list] --manifest tests/fixtures/manifest.json
//
// PATH is a file or a directory (its *.json files, recursively, sorted). With
// --manifest every entry's file is checked against the entry's kind; an entry
// without a kind is not checked (as the Python peer does). Each schema is
// compiled once, before the clock starts; then every file is read, decoded
// (UTF-8, fatal on a bad byte), parsed and validated. Prints one JSON object:
// documents, valid, invalid (unparseable and unchecked ones included),
// unparseable, unchecked, seconds (the loop), compile_seconds, and with
// --list the files found valid.
//
// Options: ajv/dist/2020 with `strict: true` except `strictTypes: false`, and
// `allErrors: false` (stop at the first error, as a yes/no verdict needs).
// - The schemas carry annotation keywords `x-label-en` and `x-label-id`
//   (labels for forms): declared with addVocabulary, so strict mode accepts
//   them and they validate nothing.
// - strictTypes is a lint of schema style: it refuses `properties`,
//   `required` or `contains` in a subschema that does not repeat `type`
//   (the `if`/`then` branches of case, event and partner). It changes no
//   verdict: JSON Schema applies those keywords to their type only.
// - ajv-formats (full mode) checks date, date-time and uuid; `uint32` and
//   `uint64` (schemars' formats, bounded by minimum/maximum beside them) are
//   declared as no-op formats, as Python's FormatChecker ignores them.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const SCHEMAS = path.join(here, "..", "schemas");

function usage(msg) {
  process.stderr.write(`${msg}\nusage: ajv_validate.mjs [--list] (--kind KIND PATH... | --manifest FILE)\n`);
  process.exit(2);
}

function walk(p, out) {
  if (fs.statSync(p).isDirectory()) {
    for (const name of fs.readdirSync(p).sort()) walk(path.join(p, name), out);
  } else if (p.endsWith(".json")) {
    out.push(p);
  }
}

const args = process.argv.slice(2);
let list = false;
let kind = null;
let manifest = null;
const paths = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--list") list = true;
  else if (args[i] === "--kind") kind = args[++i];
  else if (args[i] === "--manifest") manifest = args[++i];
  else paths.push(args[i]);
}
// [file, kind or null], in order.
let jobs;
if (manifest) {
  const base = path.dirname(manifest);
  jobs = JSON.parse(fs.readFileSync(manifest, "utf8")).map((e) => [path.join(base, e.file), e.kind ?? null]);
} else {
  if (!kind || paths.length === 0) usage("--kind KIND and at least one PATH, or --manifest FILE");
  const files = [];
  for (const p of paths) walk(p, files);
  jobs = files.map((f) => [f, kind]);
}

const compileStart = process.hrtime.bigint();
const ajv = new Ajv2020({ strict: true, strictTypes: false, allErrors: false });
addFormats(ajv);
ajv.addVocabulary(["x-label-en", "x-label-id"]);
ajv.addFormat("uint32", true);
ajv.addFormat("uint64", true);
const validators = new Map();
for (const k of new Set(jobs.map(([, k]) => k).filter((k) => k !== null))) {
  const schema = JSON.parse(fs.readFileSync(path.join(SCHEMAS, `${k}.schema.json`), "utf8"));
  validators.set(k, ajv.compile(schema));
}
const compileSeconds = Number(process.hrtime.bigint() - compileStart) / 1e9;

const decoder = new TextDecoder("utf-8", { fatal: true });
const validFiles = [];
let valid = 0;
let unparseable = 0;
let unchecked = 0;
const start = process.hrtime.bigint();
for (const [file, k] of jobs) {
  const bytes = fs.readFileSync(file);
  if (k === null) {
    unchecked++;
    continue;
  }
  let doc;
  try {
    doc = JSON.parse(decoder.decode(bytes));
  } catch {
    unparseable++;
    continue;
  }
  let ok;
  try {
    ok = validators.get(k)(doc);
  } catch {
    ok = false; // too deep for the stack
  }
  if (ok) {
    valid++;
    if (list) validFiles.push(file);
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

const out = {
  documents: jobs.length,
  valid,
  invalid: jobs.length - valid,
  unparseable,
  unchecked,
  seconds,
  compile_seconds: compileSeconds,
};
if (list) out.valid_files = validFiles;
process.stdout.write(JSON.stringify(out) + "\n");
