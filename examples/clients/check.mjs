#!/usr/bin/env node
// A portal's client of `amif-rules serve` (docs/http-api.md), in JavaScript, with nothing but
// Node (18 or later: the built-in fetch). Checks one application document over HTTP and
// answers like `amif-rules check` does:
//
//   node examples/clients/check.mjs APPLICATION [BASE_URL] [--lang nl|fr|en]
//
// APPLICATION is a JSON file (or YAML, by its .yaml/.yml name); BASE_URL defaults to
// http://127.0.0.1:8000. When the service asks for a token (--token-file), put it in the
// environment variable AMIF_TOKEN: never on the command line, where other users of the
// machine can read it.
//
// Prints the outcome, the decision's X-Decision-Id and X-Ruleset (what an auditor asks for),
// each failed rule's message and, when incomplete, the missing fields. Exit status as
// `amif-rules check`: 0 eligible, 1 ineligible, 3 incomplete, 2 an error (the error body's
// code, message and every bad field by its path on standard error).

import { readFile } from "node:fs/promises";

const USAGE = "usage: node check.mjs APPLICATION [BASE_URL] [--lang nl|fr|en]";
const EXIT = { eligible: 0, ineligible: 1, incomplete: 3 };
const ERROR = 2;

// An error ends the run with exit status 2 (process.exitCode, not process.exit(): output
// still on its way to a pipe is written before Node exits).
class Failure extends Error {}

function fail(message) {
  throw new Failure(message);
}

function parseArguments(argv) {
  const positional = [];
  let lang = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--lang" || argv[i].startsWith("--lang=")) {
      lang = argv[i] === "--lang" ? argv[++i] : argv[i].slice("--lang=".length);
      if (!["nl", "fr", "en"].includes(lang)) fail(`${USAGE}\n--lang: choose nl, fr or en`);
    } else if (argv[i] === "-h" || argv[i] === "--help") {
      console.log(USAGE);
      return null;
    } else if (argv[i].startsWith("--")) {
      fail(`${USAGE}\nunknown option ${argv[i]}`);
    } else {
      positional.push(argv[i]);
    }
  }
  if (positional.length < 1 || positional.length > 2) fail(USAGE);
  const [file, base = "http://127.0.0.1:8000"] = positional;
  return { file, base: base.replace(/\/+$/, ""), lang };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (options === null) return 0;
  const { file, base, lang } = options;
  let body;
  try {
    body = await readFile(file);
  } catch (error) {
    fail(`cannot read ${file}: ${error.message}`);
  }
  const url = new URL(`${base}/v1/check`);
  if (lang) url.searchParams.set("lang", lang);
  const headers = { "Content-Type": /\.ya?ml$/i.test(file) ? "application/yaml" : "application/json" };
  if (process.env.AMIF_TOKEN) headers.Authorization = `Bearer ${process.env.AMIF_TOKEN}`;

  let response;
  try {
    response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    fail(`cannot reach ${url.origin}: ${error.cause?.message ?? error.message}`);
  }
  let answer;
  try {
    answer = await response.json();
  } catch {
    fail(`HTTP ${response.status}: the answer is not JSON`);
  }

  if (!response.ok) {
    // Every error of the service is {"error": {"code", "message", "problems": [{"path", "message"}]}}.
    const { code, message, problems = [] } = answer.error ?? {};
    console.error(`error ${response.status} ${code}: ${message}`);
    for (const problem of problems) console.error(`  ${problem.path}: ${problem.message}`);
    return ERROR;
  }

  console.log(answer.outcome);
  console.log(`X-Decision-Id: ${response.headers.get("x-decision-id")}`);
  console.log(`X-Ruleset: ${response.headers.get("x-ruleset")}`);
  for (const rule of answer.rules) {
    if (rule.outcome === "fail") {
      const warning = rule.severity === "warning" ? " (warning)" : "";
      console.log(`  ✘ ${rule.id}${warning}: ${rule.message}`);
    }
  }
  if (answer.missing.length > 0) console.log(`missing: ${answer.missing.join(", ")}`);
  return EXIT[answer.outcome] ?? ERROR;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof Failure)) throw error;
  console.error(error.message);
  process.exitCode = ERROR;
}
