// The AMIF workbench: read a call beside its source text, draft a change, try an application
// under both, test, see the impact over a portfolio and take the draft away. Plain DOM code,
// no framework; every text comes from words.js and is set with textContent (data is never markup).
import { WORDS, LANGUAGES } from "./words.js";

const STORE = "amif-workbench-lang";
const $ = (selector, root = document) => root.querySelector(selector);
const state = { lang: "nl", calls: [], call: null, ruleset: null, draft: null, lastTry: null, lintTimer: 0, lintSeq: 0, examples: [] };

// ---------- words ----------
function pickLanguage() {
  try {
    const kept = localStorage.getItem(STORE);
    if (LANGUAGES.includes(kept)) return kept;
  } catch (ignored) { /* storage may be off */ }
  for (const tag of navigator.languages || [navigator.language || ""]) {
    const base = String(tag).slice(0, 2).toLowerCase();
    if (LANGUAGES.includes(base)) return base;
  }
  return "nl";
}

// The singular form ("key-one") when the count is 1, where the table has one.
function wn(key, n, values) {
  const one = n === 1 && ((WORDS[state.lang] || {})[key + "-one"] ?? WORDS.en[key + "-one"]);
  return w(one ? key + "-one" : key, { n, ...(values || {}) });
}

function w(key, values) {
  let text = (WORDS[state.lang] && WORDS[state.lang][key]) ?? WORDS.en[key] ?? key;
  for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(String(value));
  return text;
}

function applyWords() {
  document.documentElement.lang = state.lang;
  document.title = w("title");
  for (const node of document.querySelectorAll("[data-w]")) node.textContent = w(node.dataset.w);
  $("#lang").value = state.lang;
}

const numberFormat = () => new Intl.NumberFormat({ nl: "nl-BE", fr: "fr-BE", en: "en-GB" }[state.lang]);
function show(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "number") return numberFormat().format(value);
  if (typeof value === "boolean") return w(value ? "yes" : "no");
  if (Array.isArray(value)) return value.map(show).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

// ---------- DOM helpers ----------
function el(tag, attributes, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of [].concat(children || [])) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

function say(text) {
  const status = $("#status");
  status.textContent = "";
  // A fresh text node, so that the same words said twice are announced twice.
  window.setTimeout(() => { status.textContent = text; }, 30);
}

function showError(id, error) {
  const node = $("#" + id);
  if (!error) { node.hidden = true; node.replaceChildren(); return; }
  node.hidden = false;
  node.replaceChildren(el("strong", { text: w("error-prefix") + " " }), String(error.message || error));
  const problems = error.problems || [];
  if (problems.length) node.append(el("ul", {}, problems.map((p) => el("li", {}, [p.path ? el("code", { text: p.path }) : null, p.path ? ": " : "", p.message || ""]))));
}

// ---------- the API ----------
class ApiError extends Error {
  constructor(message, code, problems, status) { super(message); this.code = code; this.problems = problems || []; this.status = status; }
}

async function api(method, path, body, options = {}) {
  const init = { method, headers: { Accept: options.accept || "application/json" }, credentials: "same-origin" };
  if (body !== undefined) { init.body = JSON.stringify(body); init.headers["Content-Type"] = "application/json"; }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(w("error-network"), "network", [], 0);
  }
  if (!response.ok) {
    let message = w("error-status", { status: response.status });
    let code = "http", problems = [];
    try {
      const data = await response.json();
      if (data && data.error) { message = data.error.message || message; code = data.error.code || code; problems = data.error.problems || []; }
    } catch (ignored) { /* not JSON */ }
    throw new ApiError(message, code, problems, response.status);
  }
  if (options.raw) return response;
  const type = response.headers.get("content-type") || "";
  return type.includes("json") ? response.json() : response.text();
}

const enc = encodeURIComponent;
const wb = (path) => "/v1/workbench/" + path;

async function busy(button, work) {
  if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
  try { return await work(); } finally { if (button) { button.disabled = false; button.removeAttribute("aria-busy"); } }
}

// ---------- 1. calls ----------
function localTitle(title) {
  if (title && typeof title === "object") return title[state.lang] || title.en || title.nl || "";
  return title || "";
}

function callTitle(call) {
  const t = call.title;
  if (t && typeof t === "object") return t[state.lang] || t.en || t.nl || call.id;
  return t || call.id;
}

function validity(item) {
  const from = item.valid_from, until = item.valid_until;
  if (from && until) return w("valid-from-until", { from, until });
  if (until) return w("valid-until", { until });
  if (from) return w("valid-from", { from });
  return w("valid-always");
}

async function loadCalls() {
  const list = $("#calls");
  try {
    state.calls = await api("GET", "/v1/calls");
    showError("calls-error", null);
  } catch (error) {
    showError("calls-error", error);
    list.setAttribute("aria-busy", "false");
    return;
  }
  renderCalls();
  list.setAttribute("aria-busy", "false");
}

function renderCalls() {
  const list = $("#calls");
  list.replaceChildren(...state.calls.map((call) => {
    const current = state.call && state.call.id === call.id;
    return el("li", {}, [el("button", { type: "button", className: "call-button", "data-call-id": call.id, "aria-pressed": current ? "true" : "false" }, [
      el("span", { className: "call-name", text: callTitle(call) }),
      el("span", { className: "call-meta" }, [
        el("span", { className: "badge status-" + (call.status || "unknown"), text: w("status-" + (call.status || "unknown")) }),
        " ",
        el("span", { text: validity(call) }),
        " · ",
        el("span", { text: w("rules-count", { n: call.rules ?? "?" }) }),
      ]),
    ])]);
  }));
}

async function openCall(id, focus = true) {
  const call = state.calls.find((c) => c.id === id) || { id };
  state.call = call;
  renderCalls();
  let ruleset;
  try {
    ruleset = await api("GET", wb("rulesets/" + enc(id) + "?lang=" + state.lang));
  } catch (error) {
    showError("calls-error", error);
    return;
  }
  showError("calls-error", null);
  state.ruleset = ruleset;
  renderCall();
  $("#calls").classList.add("compact");
  $("#draft-needs-call").hidden = true;
  $("#new-draft-form").hidden = false;
  const draftId = $("#draft-id");
  if (!draftId.value || draftId.dataset.auto === "yes") { draftId.value = id + "-draft"; draftId.dataset.auto = "yes"; }
  loadExamples();
  loadDrafts();
  updateContext();
  if (focus) $("#call-title").focus();
  say(w("call-opened", { title: ruleset.title || id }));
}

function renderCall() {
  const r = state.ruleset;
  const section = $("#call");
  section.hidden = false;
  const title = $("#call-title");
  title.textContent = (r.title && typeof r.title === "object" ? r.title[state.lang] || r.title.en : r.title) || r.id;
  title.tabIndex = -1;
  const facts = $("#call-facts");
  facts.replaceChildren(
    el("dt", { text: w("fact-id") }), el("dd", {}, [el("code", { text: r.id + (r.version ? "@" + r.version : "") })]),
    el("dt", { text: w("fact-status") }), el("dd", { text: w("status-" + (r.status || "unknown")) }),
    el("dt", { text: w("fact-validity") }), el("dd", { text: validity(r) }),
  );
  if (r.extends && [].concat(r.extends).length) facts.append(el("dt", { text: w("fact-extends") }), el("dd", { text: [].concat(r.extends).join(", ") }));
  $("#rules").replaceChildren(...(r.rules || []).map(renderRule));
  const body = $("#parameters tbody");
  body.replaceChildren(...(r.parameters || []).map((p) => el("tr", { "data-parameter-row": p.name }, [
    el("th", { scope: "row" }, [el("code", { text: p.name })]),
    el("td", { className: "num", text: show(p.value) }),
    el("td", { className: "cite", text: p.source || "—" }),
  ])));
  $("#source").replaceChildren();
  $("#source-caption").textContent = w("source-empty");
}

function renderRule(rule) {
  const checkText = [rule.when ? w("rule-when") + " " + rule.when : null, rule.check ? w("rule-check") + " " + rule.check : null].filter(Boolean).join("\n");
  const headingId = "rule-" + rule.id;
  return el("li", { className: "rule", "data-rule-id": rule.id, "aria-labelledby": headingId }, [
    el("h4", { id: headingId }, [el("code", { text: rule.id }), " ", el("span", { className: "badge severity-" + rule.severity, text: w("severity-" + rule.severity) })]),
    el("p", { className: "plain", text: rule.plain || "" }),
    el("details", {}, [el("summary", { text: w("rule-formal") }), el("pre", { className: "check", text: (rule.for_each ? w("rule-for-each") + " " + rule.for_each + "\n" : "") + checkText })]),
    rule.passage && rule.passage.quote ? el("blockquote", { className: "quote", text: "“" + rule.passage.quote + "”" }) : null,
    el("p", { className: "cite", text: rule.source || "" }),
    el("button", { type: "button", className: "show-source secondary", "data-rule": rule.id, "aria-controls": "source", disabled: rule.passage ? false : true }, w(rule.passage ? "show-source" : "no-source")),
  ]);
}

async function showSource(ruleId, button) {
  const target = $("#source");
  const caption = $("#source-caption");
  let data;
  try {
    data = await busy(button, () => api("GET", wb("rulesets/" + enc(state.ruleset.id) + "/sources/" + enc(ruleId))));
  } catch (error) {
    caption.replaceChildren(el("span", { className: "error", text: w("error-prefix") + " " + error.message }));
    target.replaceChildren();
    return;
  }
  for (const rule of document.querySelectorAll(".rule.selected")) rule.classList.remove("selected");
  const ruleNode = document.querySelector(`[data-rule-id="${CSS.escape(ruleId)}"]`);
  if (ruleNode) ruleNode.classList.add("selected");
  caption.textContent = [data.file, data.heading].filter(Boolean).join(" — ") + " · " + w("source-for", { rule: ruleId });
  const text = data.text || "";
  const parts = [];
  if (Number.isInteger(data.start) && Number.isInteger(data.end) && data.end >= data.start) {
    parts.push(text.slice(0, data.start), el("mark", { text: text.slice(data.start, data.end) }), text.slice(data.end));
  } else {
    parts.push(el("p", { className: "hint", text: w("passage-not-found", { quote: data.quote || "" }) }), text);
  }
  target.replaceChildren(...parts);
  const mark = $("mark", target);
  if (mark) {
    // The panel is positioned: the mark's offset is within it. Scroll the panel so the
    // passage sits a third of the way down, then bring the panel itself into view.
    target.scrollTop = Math.max(0, mark.offsetTop - target.clientHeight / 3);
    target.scrollIntoView({ block: "nearest" });
  }
  say(w("source-shown"));
}

// ---------- 2. drafts ----------
async function loadDrafts() {
  let drafts = [];
  try { drafts = await api("GET", wb("drafts")); } catch (ignored) { return; }
  const base = state.call && state.call.id;
  const mine = drafts.filter((d) => !base || d.base === base);
  $("#drafts-block").hidden = mine.length === 0;
  $("#drafts").replaceChildren(...mine.map((d) => el("li", {}, [
    el("button", { type: "button", className: "secondary", "data-open-draft": d.id }, [el("code", { text: d.id })]),
    " ",
    el("span", { className: "hint", text: localTitle(d.title) + (d.valid === false ? " · " + w("draft-invalid") : "") }),
  ])));
}

async function newDraft(event) {
  event.preventDefault();
  const input = $("#draft-id");
  const id = input.value.trim();
  showError("draft-id-error", null);
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id) || id.length > 64) {
    showError("draft-id-error", { message: w("draft-id-invalid") });
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  try {
    await busy($("#new-draft"), () => api("POST", wb("drafts"), { base: state.ruleset.id, id }));
  } catch (error) {
    if (error.status === 409) error = new ApiError(w("draft-exists", { id }), error.code, [], 409);
    showError("draft-id-error", error);
    input.setAttribute("aria-invalid", "true");
    return;
  }
  say(w("draft-created", { id }));
  await openDraft(id);
  loadDrafts();
}

async function openDraft(id) {
  let draft;
  try { draft = await api("GET", wb("drafts/" + enc(id))); } catch (error) { showError("draft-id-error", error); return; }
  state.draft = draft;
  $("#draft").hidden = false;
  $("#draft-title").textContent = w("draft-title", { id: draft.id, base: draft.base });
  renderDraftParameters();
  setEditor(draft.yaml || "");
  renderFindings([]);
  lintNow();
  const download = $("#download");
  download.href = wb("drafts/" + enc(id) + "/download");
  download.setAttribute("download", id + ".zip");
  download.removeAttribute("aria-disabled");
  fillSweepParameters();
  updateContext();
  $("#draft-title").tabIndex = -1;
  $("#draft-title").focus();
}

function numericType(type) { return ["integer", "number", "amount", "money", "decimal"].includes(type); }

function renderDraftParameters() {
  const box = $("#draft-parameters");
  box.replaceChildren(...(state.draft.parameters || []).map((p) => {
    const id = "parameter-" + p.name;
    const input = el("input", {
      id, type: "text", "data-parameter": p.name, "data-type": p.type || "", autocomplete: "off", spellcheck: "false",
      inputmode: p.type === "integer" ? "numeric" : numericType(p.type) ? "decimal" : null,
      "aria-describedby": id + "-hint " + id + "-error",
    });
    input.value = typeof p.value === "object" && p.value !== null ? JSON.stringify(p.value) : String(p.value ?? "");
    const changed = JSON.stringify(p.value) !== JSON.stringify(p.base_value);
    const form = el("form", { className: "parameter-form" + (changed ? " changed" : ""), "data-parameter-form": p.name }, [
      el("label", { for: id }, [el("code", { text: p.name })]),
      el("div", { className: "parameter-row" }, [input, el("button", { type: "submit", className: "secondary", "data-save-parameter": p.name, text: w("save-parameter") })]),
      el("p", { id: id + "-hint", className: "hint", text: w("parameter-base", { value: show(p.base_value) }) }),
      el("p", { id: id + "-error", className: "error", role: "alert", hidden: true }),
    ]);
    return form;
  }));
}

function parseParameter(text, type) {
  const raw = text.trim();
  if (type === "integer") {
    const digits = raw.replace(/[\s.,'’\u00a0\u202f]/g, "");
    if (!/^-?\d+$/.test(digits)) throw new Error(w("parameter-not-integer"));
    return Number(digits);
  }
  if (type === "number") {
    const n = Number(raw.replace(/[\s\u00a0\u202f]/g, "").replace(",", "."));
    if (!Number.isFinite(n)) throw new Error(w("parameter-not-number"));
    return n;
  }
  if (type === "amount" || type === "money" || type === "decimal") return raw.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (type === "boolean") return /^(true|ja|oui|yes|1)$/i.test(raw);
  try { return JSON.parse(raw); } catch (ignored) { return raw; }
}

async function saveParameter(name) {
  const input = document.querySelector(`input[data-parameter="${CSS.escape(name)}"]`);
  const errorId = "parameter-" + name + "-error";
  let value;
  try { value = parseParameter(input.value, input.dataset.type); } catch (error) { showError(errorId, error); input.setAttribute("aria-invalid", "true"); return; }
  const button = document.querySelector(`[data-save-parameter="${CSS.escape(name)}"]`);
  let data;
  try {
    data = await busy(button, () => api("PUT", wb("drafts/" + enc(state.draft.id) + "/parameters/" + enc(name)), { value }));
  } catch (error) { showError(errorId, error); input.setAttribute("aria-invalid", "true"); return; }
  showError(errorId, null);
  input.removeAttribute("aria-invalid");
  const p = (state.draft.parameters || []).find((q) => q.name === name);
  if (p) p.value = value;
  input.closest("form").classList.toggle("changed", JSON.stringify(value) !== JSON.stringify(p && p.base_value));
  if (typeof data.yaml === "string") { setEditor(data.yaml); state.draft.yaml = data.yaml; }
  renderFindings(data.findings || []);
  fillSweepParameters();
  say(w("parameter-saved", { name, value: show(value) }) + " " + wn("findings-count", (data.findings || []).length));
}

// ---------- the editor ----------
function setEditor(text) {
  const editor = $("#editor");
  editor.value = text;
  updateGutter();
}

function updateGutter() {
  const editor = $("#editor");
  const lines = editor.value.split("\n").length;
  const gutter = $("#gutter");
  const marked = new Set((state.findings || []).filter((f) => f.in_draft !== false).map((f) => f.line));
  const rows = [];
  for (let i = 1; i <= lines; i++) rows.push(el("span", { className: marked.has(i) ? "marked" : null, "data-gutter-line": i, text: String(i) }), "\n");
  gutter.replaceChildren(...rows);
  gutter.scrollTop = editor.scrollTop;
}

function lineStart(text, line) {
  let offset = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset;
}

function goToLine(line, column) {
  const editor = $("#editor");
  const start = lineStart(editor.value, line) + Math.max(0, (column || 1) - 1);
  let end = editor.value.indexOf("\n", start);
  if (end < 0) end = editor.value.length;
  editor.focus();
  editor.setSelectionRange(start, start);
  const lineHeight = parseFloat(getComputedStyle(editor).lineHeight) || 20;
  editor.scrollTop = Math.max(0, (line - 1) * lineHeight - editor.clientHeight / 3);
  $("#gutter").scrollTop = editor.scrollTop;
  say(w("caret-at-line", { line }));
}

function scheduleLint() {
  window.clearTimeout(state.lintTimer);
  $("#lint-state").textContent = w("lint-waiting");
  state.lintTimer = window.setTimeout(lintNow, 400);
}

async function lintNow() {
  if (!state.draft) return;
  const seq = ++state.lintSeq;
  const yaml = $("#editor").value;
  try {
    const data = await api("POST", wb("lint"), { id: state.draft.id, yaml });
    if (seq !== state.lintSeq) return;
    showError("editor-error", null);
    renderFindings(data.findings || []);
    $("#lint-state").textContent = wn("linted", (data.findings || []).length);
  } catch (error) {
    if (seq !== state.lintSeq) return;
    showError("editor-error", error);
    $("#lint-state").textContent = "";
  }
}

function renderFindings(findings) {
  state.findings = findings;
  const list = $("#findings");
  if (!findings.length) {
    list.replaceChildren(el("li", { className: "none", text: w("no-findings") }));
  } else {
    list.replaceChildren(...findings.map((f) => {
      const counter = f.counterexample === null || f.counterexample === undefined ? null
        : el("div", { className: "counterexample" }, [
          el("p", { className: "label", text: w("counterexample") }),
          el("pre", { text: typeof f.counterexample === "string" ? f.counterexample : JSON.stringify(f.counterexample, null, 2) }),
        ]);
      const here = f.in_draft !== false && f.line;
      return el("li", { className: "finding severity-" + (f.severity || "warning"), "data-code": f.code, "data-line": f.line ?? "", "data-in-draft": f.in_draft === false ? "no" : "yes" }, [
        el("p", { className: "finding-head" }, [
          el("button", { type: "button", className: "link", "data-goto-line": f.line ?? "", "data-goto-column": f.column ?? "" }, [
            el("span", { className: "code", text: f.code }),
            " · ",
            here ? w("at-line", { line: f.line }) : f.line ? w("at-line-of", { line: f.line, file: f.file || "" }) : w("no-line"),
          ]),
          " ",
          el("span", { className: "badge severity-" + (f.severity || "warning"), text: w("severity-" + (f.severity || "warning")) }),
          f.certain === false ? el("span", { className: "hint", text: " · " + w("not-certain") }) : null,
        ]),
        el("p", { className: "message", text: f.message || "" }),
        f.hint ? el("p", { className: "hint", text: w("hint-prefix") + " " + f.hint }) : null,
        counter,
      ]);
    }));
  }
  updateGutter();
}

async function saveDraft() {
  try {
    const data = await busy($("#save-draft"), () => api("PUT", wb("drafts/" + enc(state.draft.id)), { yaml: $("#editor").value }));
    showError("editor-error", null);
    renderFindings(data.findings || []);
    say(w("draft-saved"));
    await refreshDraftParameters();
  } catch (error) { showError("editor-error", error); }
}

async function refreshDraftParameters() {
  try {
    const draft = await api("GET", wb("drafts/" + enc(state.draft.id)));
    state.draft.parameters = draft.parameters;
    state.draft.tests_yaml = draft.tests_yaml;
    renderDraftParameters();
    fillSweepParameters();
  } catch (ignored) { /* the editor shows what matters */ }
}

// ---------- 3. try ----------
function loadExamples() {
  // The call's bundled example applications come with the ruleset (GET /v1/workbench/rulesets/{id}).
  const select = $("#example");
  select.replaceChildren(el("option", { value: "", text: w("example-none") }));
  state.examples = ((state.ruleset && state.ruleset.examples) || []).map((item) => (typeof item === "string" ? { name: item } : item));
  for (const item of state.examples) {
    const name = item.name || item.file || item.path;
    select.append(el("option", { value: name, text: name }));
  }
  showError("example-error", null);
}

async function pickExample() {
  const name = $("#example").value;
  if (!name) return;
  const item = state.examples.find((e) => (e.name || e.file || e.path) === name) || { name };
  let text;
  try {
    if (item.document !== undefined) text = JSON.stringify(item.document, null, 2);
    else if (typeof item.text === "string") text = item.text;
    else {
      throw new Error(w("examples-unavailable"));
    }
  } catch (error) { showError("example-error", error); return; }
  showError("example-error", null);
  $("#document").value = text;
  say(w("example-loaded", { name }));
}

async function runTry() {
  const text = $("#document").value;
  showError("try-error", null);
  if (!text.trim()) { showError("try-error", { message: w("document-empty") }); $("#document").focus(); return; }
  let baseline, draft;
  try {
    await busy($("#try-run"), async () => {
      if (state.draft) {
        const data = await api("POST", wb("drafts/" + enc(state.draft.id) + "/try?lang=" + state.lang), { text });
        baseline = data.baseline; draft = data.draft;
      } else {
        // No draft yet: the call's own verdict, through the service's check.
        const isJson = /^\s*[[{]/.test(text);
        const code = state.ruleset && state.ruleset.call;
        const call = code ? "&call=" + enc(code) : "";
        const response = await fetch("/v1/check?include=questions,remedies&lang=" + state.lang + call, {
          method: "POST", body: text, credentials: "same-origin",
          headers: { "Content-Type": isJson ? "application/json" : "application/yaml", Accept: "application/json" },
        });
        const data = await response.json();
        if (!response.ok) throw new ApiError(data.error ? data.error.message : w("error-status", { status: response.status }), "", data.error ? data.error.problems : [], response.status);
        baseline = data; draft = null;
      }
    });
  } catch (error) { showError("try-error", error); return; }
  state.lastTry = { text, baseline, draft };
  renderVerdict($("#baseline"), baseline);
  renderVerdict($("#draft-verdict"), draft);
  renderQuestions((draft && draft.questions && draft.questions.length ? draft.questions : baseline && baseline.questions) || []);
  say(w("tried", { baseline: w("outcome-" + (baseline ? baseline.outcome : "none")), draft: w("outcome-" + (draft ? draft.outcome : "none")) }));
}

const MARKS = { pass: "✓", fail: "✗", unknown: "?", not_applicable: "–" };

// replaceChildren writes null as the text "null": leave out what is not there.
function fill(node, ...children) {
  node.replaceChildren(...children.filter((child) => child !== null && child !== undefined && child !== false));
}

function renderVerdict(box, verdict) {
  const body = $(".verdict-body", box);
  box.dataset.outcome = verdict ? verdict.outcome : "";
  if (!verdict) { body.replaceChildren(el("p", { className: "hint", text: w("needs-draft") })); return; }
  const remedies = verdict.remedies || [];
  const rules = verdict.rules || [];
  const order = { fail: 0, unknown: 1, pass: 2, not_applicable: 3 };
  const sorted = rules.slice().sort((a, b) => (order[a.outcome] ?? 9) - (order[b.outcome] ?? 9));
  fill(body,
    el("p", { className: "outcome outcome-" + verdict.outcome }, [el("span", { className: "outcome-label", text: w("outcome-" + verdict.outcome) })]),
    verdict.ruleset ? el("p", { className: "hint", text: verdict.ruleset.id + "@" + verdict.ruleset.version }) : null,
    el("ul", { className: "verdict-rules" }, sorted.map((r) => el("li", { className: "rule-result result-" + r.outcome + (r.severity === "warning" ? " warning" : ""), "data-rule-result": r.id, "data-result": r.outcome }, [
      el("span", { className: "mark", "aria-hidden": "true", text: MARKS[r.outcome] || "•" }),
      el("span", { className: "visually-hidden", text: w("mark-" + r.outcome) + ": " }),
      el("span", {}, [el("code", { text: r.id + (r.item ? " [" + r.item + "]" : "") }), r.severity === "warning" ? " (" + w("severity-warning") + ")" : "", el("br"), r.message || ""]),
    ]))),
    remedies.length ? el("h4", { text: w("remedies-heading") }) : null,
    remedies.length ? el("ul", { className: "remedies" }, remedies.map((m) => el("li", { "data-remedy": m.rule }, [el("code", { text: m.rule }), " — ", m.message || ""]))) : null,
  );
}

function resolveSchema(schema) {
  // The field's JSON Schema; anyOf branches are merged for the choice of input.
  const s = schema || {};
  const branches = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : [s];
  const types = new Set();
  let enumValues = null, format = s.format, pattern = s.pattern;
  for (const b of branches) {
    for (const t of [].concat(b.type || [])) types.add(t);
    if (Array.isArray(b.enum)) enumValues = (enumValues || []).concat(b.enum);
    format = format || b.format; pattern = pattern || (b.type === "string" ? b.pattern : null);
  }
  if (Array.isArray(s.enum)) enumValues = s.enum;
  types.delete("null");
  return { types, enumValues: enumValues && enumValues.filter((v) => v !== null), format, pattern };
}

function questionField(q, index) {
  const id = "question-" + index;
  const s = resolveSchema(q.schema);
  const label = el("label", { for: id }, [q.question || q.path]);
  const hint = el("p", { id: id + "-hint", className: "hint" }, [el("code", { text: q.path }), q.decisive ? " · " + w("decisive") : ""]);
  const wrap = el("div", { className: "field question" + (q.decisive ? " decisive" : ""), "data-question": q.path });
  if (s.enumValues && s.enumValues.length) {
    const select = el("select", { id, "data-path": q.path, "data-kind": "enum", "aria-describedby": id + "-hint" }, [el("option", { value: "", text: w("choose") })]);
    s.enumValues.forEach((v, i) => select.append(el("option", { value: String(i), text: show(v) })));
    select.enumValues = s.enumValues;
    wrap.append(label, select, hint);
  } else if (s.types.has("boolean") && s.types.size === 1) {
    const legend = el("legend", {}, [q.question || q.path]);
    const yes = el("input", { type: "radio", id: id + "-yes", name: id, value: "true", "data-path": q.path, "data-kind": "boolean" });
    const no = el("input", { type: "radio", id: id + "-no", name: id, value: "false", "data-path": q.path, "data-kind": "boolean" });
    wrap.append(el("fieldset", { className: "choices", "aria-describedby": id + "-hint" }, [
      legend,
      el("span", { className: "choice" }, [yes, el("label", { for: id + "-yes", text: w("yes") })]),
      el("span", { className: "choice" }, [no, el("label", { for: id + "-no", text: w("no") })]),
    ]), hint);
  } else {
    let kind = "text", type = "text", inputmode = null;
    if (s.types.has("integer") && !s.types.has("string")) { kind = "integer"; inputmode = "numeric"; }
    else if (s.types.has("number") || (s.pattern && /\[0-9\]/.test(s.pattern) && /\\\./.test(s.pattern) && !/T/.test(s.pattern))) { kind = "amount"; inputmode = "decimal"; }
    else if (s.format === "date" || (s.pattern && /^\^?\[?\s*\[0-9\]\{4\}-\[0-9\]\{2\}-\[0-9\]\{2\}\$?$/.test(s.pattern))) { kind = "date"; type = "date"; }
    else if (s.format === "date-time") { kind = "text"; }
    wrap.append(label, el("input", { id, type, inputmode, "data-path": q.path, "data-kind": kind, autocomplete: "off", "aria-describedby": id + "-hint" }), hint);
  }
  return wrap;
}

function renderQuestions(questions) {
  const form = $("#questions");
  const sorted = questions.map((q, i) => ({ q, i })).sort((a, b) => (b.q.decisive === true) - (a.q.decisive === true) || a.i - b.i).map((x) => x.q);
  form.hidden = sorted.length === 0;
  $("#question-fields").replaceChildren(...sorted.map(questionField));
  showError("questions-error", null);
}

function splitPath(path) {
  const parts = [];
  for (const piece of path.split(".")) {
    const m = piece.match(/^([^[\]]*)((\[\d+\])*)$/);
    if (!m) { parts.push(piece); continue; }
    if (m[1]) parts.push(m[1]);
    for (const index of m[2].match(/\d+/g) || []) parts.push(Number(index));
  }
  return parts;
}

function setPath(document_, path, value) {
  const parts = splitPath(path);
  let node = document_;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) { node[part] = value; return; }
    if (node[part] === null || typeof node[part] !== "object") node[part] = typeof parts[i + 1] === "number" ? [] : {};
    node = node[part];
  });
}

async function answerQuestions(event) {
  event.preventDefault();
  let documentValue;
  try { documentValue = JSON.parse($("#document").value); } catch (ignored) {
    showError("questions-error", { message: w("answers-need-json") });
    return;
  }
  let answered = 0;
  for (const control of $("#question-fields").querySelectorAll("[data-path]")) {
    const kind = control.dataset.kind;
    if (kind === "boolean") { if (control.checked) { setPath(documentValue, control.dataset.path, control.value === "true"); answered++; } continue; }
    const raw = control.value.trim();
    if (raw === "") continue;
    let value = raw;
    if (kind === "enum") value = control.enumValues[Number(raw)];
    else if (kind === "integer") {
      const digits = raw.replace(/[\s.,'’\u00a0\u202f]/g, "");
      if (!/^-?\d+$/.test(digits)) { showError("questions-error", { message: w("answer-not-integer", { path: control.dataset.path }) }); control.focus(); return; }
      value = Number(digits);
    } else if (kind === "amount") value = raw.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    setPath(documentValue, control.dataset.path, value);
    answered++;
  }
  if (!answered) { showError("questions-error", { message: w("no-answers") }); return; }
  $("#document").value = JSON.stringify(documentValue, null, 2);
  await runTry();
}

async function saveCase(event) {
  event.preventDefault();
  showError("case-error", null);
  if (!state.draft) { showError("case-error", { message: w("needs-draft") }); return; }
  const name = $("#case-name").value.trim();
  if (!name) { showError("case-error", { message: w("case-name-empty") }); $("#case-name").focus(); return; }
  const text = $("#document").value;
  let documentValue;
  try { documentValue = JSON.parse(text); } catch (ignored) { documentValue = null; }
  const body = documentValue !== null ? { name, document: documentValue } : { name, text };
  try {
    const data = await busy($("#save-case"), () => api("POST", wb("drafts/" + enc(state.draft.id) + "/tests"), body));
    say(w("case-saved", { name, n: data.cases ?? "?" }));
  } catch (error) { showError("case-error", error); }
}

// ---------- 4. tests ----------
async function runTests() {
  showError("tests-error", null);
  if (!state.draft) { showError("tests-error", { message: w("needs-draft") }); return; }
  let data;
  try { data = await busy($("#run-tests"), () => api("POST", wb("drafts/" + enc(state.draft.id) + "/run-tests"))); } catch (error) { showError("tests-error", error); return; }
  const box = $("#test-results");
  box.dataset.passed = data.passed;
  box.dataset.failed = data.failed;
  box.replaceChildren(
    el("p", { className: "summary " + (data.failed ? "bad" : "good"), text: w("tests-summary", { passed: data.passed, failed: data.failed }) }),
    el("ul", { className: "cases" }, (data.cases || []).map((c) => el("li", { className: c.ok ? "ok" : "not-ok", "data-case": c.name }, [
      el("span", { className: "mark", "aria-hidden": "true", text: c.ok ? "✓" : "✗" }),
      el("span", { className: "visually-hidden", text: w(c.ok ? "case-ok" : "case-failed") + ": " }),
      el("strong", { text: c.name }), !c.ok && c.message ? el("pre", { className: "case-message", text: c.message }) : null,
    ]))),
  );
  const table = $("#coverage");
  table.hidden = false;
  $("tbody", table).replaceChildren(...(data.coverage || []).map((row) => {
    const outcomes = row.outcomes || {};
    const cell = (name) => {
      const o = outcomes[name];
      const cases = o && typeof o === "object" ? (o.cases || []) : [];
      const n = typeof o === "number" ? o : cases.length;
      const reachable = !(o && typeof o === "object" && o.reachable === false);
      return el("td", {
        className: "num " + (n ? "covered" : reachable ? "uncovered" : "unreachable"), "data-outcome": name,
        title: cases.length ? cases.join(", ") : null,
      }, n ? String(n) : reachable ? w("not-covered") : w("unreachable"));
    };
    const sides = Array.isArray(row.sides) ? row.sides : [];
    const sideList = sides.length ? el("details", { className: "sides" }, [
      el("summary", { text: w("sides-summary", { n: sides.length }) }),
      el("ul", {}, sides.map((side) => {
        const count = (v) => (v && v.cases ? v.cases.length : 0);
        const mark = (v) => (v && v.reachable === false ? w("unreachable") : String(count(v)));
        return el("li", {}, [el("code", { text: side.side || side.part || "" }), " — ", w("side-true", { n: mark(side.true) }), ", ", w("side-false", { n: mark(side.false) }),
          side.why_not ? el("span", { className: "hint", text: " (" + side.why_not + ")" }) : null]);
      })),
    ]) : null;
    return el("tr", { "data-coverage-rule": row.rule }, [
      el("th", { scope: "row" }, [el("code", { text: row.rule }), sideList]),
      cell("pass"), cell("fail"), cell("unknown"), cell("not_applicable"),
    ]);
  }));
  say(w("tests-summary", { passed: data.passed, failed: data.failed }));
}

// ---------- 5. impact ----------
async function runImpact() {
  showError("impact-error", null);
  if (!state.draft) { showError("impact-error", { message: w("needs-draft") }); return; }
  let body = { portfolio: "bundled" };
  if ($("#portfolio").value === "upload") {
    const file = $("#portfolio-file").files[0];
    if (!file) { showError("impact-error", { message: w("portfolio-file-missing") }); $("#portfolio-file").focus(); return; }
    body = { jsonl: await file.text() };
  }
  const progress = $("#impact-progress");
  const count = $("#impact-count");
  progress.value = 0; progress.max = 1;
  progress.removeAttribute("value");
  $("#impact-results").replaceChildren();
  say(w("impact-running"));
  let result = null;
  try {
    await busy($("#run-impact"), async () => {
      const response = await api("POST", wb("drafts/" + enc(state.draft.id) + "/impact?lang=" + state.lang), body, { raw: true, accept: "application/x-ndjson" });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      const handle = (line) => {
        if (!line.trim()) return;
        const item = JSON.parse(line);
        if (item.error) throw new ApiError(item.error.message, item.error.code, item.error.problems, 0);
        if (item.total !== undefined) {
          progress.max = Math.max(1, item.total);
          progress.value = item.progress || 0;
          count.textContent = w("impact-progress", { k: item.progress || 0, n: item.total });
        }
        if (item.result) result = item.result;
      };
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) { handle(buffer.slice(0, nl)); buffer = buffer.slice(nl + 1); }
      }
      buffer += decoder.decode();
      handle(buffer);
    });
  } catch (error) { showError("impact-error", error); progress.value = 0; return; }
  if (!result) { showError("impact-error", { message: w("impact-no-result") }); return; }
  progress.value = progress.max;
  count.textContent = w("impact-progress", { k: progress.max, n: progress.max });
  renderImpact(result);
}

function flipName(flip) { return flip.applicant || flip.name || flip.municipality || flip.document; }

function renderImpact(result) {
  const flips = result.flips || [];
  const byDocument = new Map(flips.map((f) => [f.document, f]));
  const byName = new Map(flips.map((f) => [flipName(f), f]));
  const box = $("#impact-results");
  const groups = result.groups || [];
  const shown = new Set();
  const flipItem = (name) => {
    const flip = byName.get(name) || byDocument.get(name) || { applicant: name };
    shown.add(flipName(flip));
    return el("li", { "data-flip": flipName(flip) }, [
      el("strong", { text: flipName(flip) }),
      flip.municipality && flip.municipality !== flipName(flip) ? " (" + flip.municipality + ")" : "",
      flip.before ? " — " + w("outcome-" + flip.before) + " → " + w("outcome-" + flip.after) : "",
    ]);
  };
  const children = [el("p", { className: "summary", text: wn("impact-summary", flips.length, { total: (result.portfolio && result.portfolio.documents) ?? result.total ?? "?" }) })];
  groups.forEach((g, i) => {
    const names = g.applications || (g.documents || []).map((d) => (byDocument.get(d) ? flipName(byDocument.get(d)) : d));
    const headingId = "cause-" + i;
    children.push(el("section", { className: "cause", "data-cause": g.cause, "aria-labelledby": headingId }, [
      el("h3", { id: headingId }, [w("cause-heading", { n: g.count ?? names.length }), " ", el("code", { text: g.cause })]),
      el("ul", {}, names.map(flipItem)),
    ]));
  });
  const rest = flips.filter((f) => !shown.has(flipName(f)));
  if (rest.length) children.push(el("section", { className: "cause", "data-cause": "", "aria-labelledby": "cause-other" }, [
    el("h3", { id: "cause-other", text: w("cause-other") }), el("ul", {}, rest.map((f) => flipItem(flipName(f)))),
  ]));
  if (!flips.length) children.push(el("p", { text: w("impact-none") }));
  box.replaceChildren(...children);
  say(wn("impact-done", flips.length));
}

function fillSweepParameters() {
  const select = $("#sweep-parameter");
  const params = (state.draft && state.draft.parameters) || [];
  const current = select.value;
  select.replaceChildren(...params.filter((p) => numericType(p.type)).map((p) => el("option", { value: p.name, "data-value": String(p.value), text: p.name })));
  const changed = params.find((p) => numericType(p.type) && JSON.stringify(p.value) !== JSON.stringify(p.base_value));
  if (current && select.dataset.chosen === "yes" && params.some((p) => p.name === current)) select.value = current;
  else if (changed) select.value = changed.name;
  else if (current && params.some((p) => p.name === current)) select.value = current;
  suggestSweepRange();
}

function suggestSweepRange() {
  const p = ((state.draft && state.draft.parameters) || []).find((q) => q.name === $("#sweep-parameter").value);
  if (!p) return;
  const v = Number(p.base_value ?? p.value);
  if (!Number.isFinite(v)) return;
  $("#sweep-from").value = String(Math.round(v / 2));
  $("#sweep-to").value = String(Math.round(v * 1.5));
}

function sanitizeSvg(text) {
  // The server's chart, placed in the page as SVG elements: no script, no event handler,
  // no link out (the Content-Security-Policy would block them anyway).
  // An SVG element written for HTML has no namespace; the XML parser needs it.
  if (!/^\s*<svg[^>]*\sxmlns=/.test(text)) text = text.replace(/<svg\b/, '<svg xmlns="http://www.w3.org/2000/svg"');
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (!svg || svg.nodeName.toLowerCase() !== "svg" || parsed.querySelector("parsererror")) return null;
  for (const bad of svg.querySelectorAll("script, foreignObject, style")) bad.remove();
  for (const node of [svg, ...svg.querySelectorAll("*")]) {
    for (const attribute of [...node.attributes]) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith("on") || name === "style" || ((name === "href" || name === "xlink:href") && !attribute.value.startsWith("#"))) node.removeAttribute(attribute.name);
    }
  }
  svg.setAttribute("role", "img");
  if (!svg.getAttribute("aria-label") && !svg.querySelector("title")) svg.setAttribute("aria-label", w("sweep-chart-label"));
  svg.removeAttribute("width"); svg.removeAttribute("height");
  if (svg.id === "sweep-chart") svg.id = "sweep-chart-svg"; // the container holds that id
  return document.importNode(svg, true);
}

async function runSweep(event) {
  event.preventDefault();
  showError("sweep-error", null);
  if (!state.draft) { showError("sweep-error", { message: w("needs-draft") }); return; }
  const parameter = $("#sweep-parameter").value;
  const number = (id) => Number($(id).value.replace(/[\s.'’\u00a0\u202f]/g, "").replace(",", "."));
  const from = number("#sweep-from"), to = number("#sweep-to"), steps = Math.round(Number($("#sweep-steps").value));
  if (!parameter || !Number.isFinite(from) || !Number.isFinite(to) || !(steps >= 2)) { showError("sweep-error", { message: w("sweep-invalid") }); return; }
  let data;
  try { data = await busy($("#run-sweep"), () => api("POST", wb("drafts/" + enc(state.draft.id) + "/sweep?lang=" + state.lang), { parameter, from, to, steps })); } catch (error) { showError("sweep-error", error); return; }
  const chart = $("#sweep-chart");
  const svg = data.svg ? sanitizeSvg(data.svg) : null;
  chart.replaceChildren(...(svg ? [svg] : []));
  $("#sweep-figure").hidden = !svg;
  $("#sweep-caption").textContent = w("sweep-caption", { parameter });
  const table = $("#sweep-table");
  table.hidden = false;
  $("tbody", table).replaceChildren(...(data.points || []).map((p) => el("tr", {}, [
    el("th", { scope: "row", className: "num", text: show(p.value) }),
    el("td", { className: "num", text: show(p.eligible) }), el("td", { className: "num", text: show(p.ineligible) }), el("td", { className: "num", text: show(p.incomplete) }),
  ])));
  say(w("sweep-done", { parameter }));
}

// ---------- 6. take away ----------
async function showDiff() {
  showError("diff-error", null);
  if (!state.draft) { showError("diff-error", { message: w("needs-draft") }); return; }
  let data;
  try { data = await busy($("#show-diff"), () => api("GET", wb("drafts/" + enc(state.draft.id) + "/diff"))); } catch (error) { showError("diff-error", error); return; }
  const parts = [];
  const params = data.parameters || [];
  parts.push(el("h3", { text: w("diff-parameters") }));
  parts.push(params.length ? el("table", {}, [
    el("thead", {}, [el("tr", {}, [el("th", { scope: "col", text: w("col-name") }), el("th", { scope: "col", text: w("diff-base") }), el("th", { scope: "col", text: w("diff-draft") })])]),
    el("tbody", {}, params.map((p) => el("tr", { "data-diff-parameter": p.name }, [el("th", { scope: "row" }, [el("code", { text: p.name })]), el("td", { className: "num", text: show(p.base) }), el("td", { className: "num changed", text: show(p.draft) })]))),
  ]) : el("p", { text: w("diff-none") }));
  const rules = data.rules || [];
  parts.push(el("h3", { text: w("diff-rules") }));
  parts.push(rules.length ? el("ul", {}, rules.map((r) => el("li", { "data-diff-rule": r.id }, [el("code", { text: r.id }), " — ", w("change-" + r.change) === "change-" + r.change ? String(r.change) : w("change-" + r.change)]))) : el("p", { text: w("diff-none") }));
  if (data.text) {
    parts.push(el("h3", { text: w("diff-text") }));
    const pre = el("pre", { className: "diff-text", tabindex: "0", "aria-label": w("diff-text") });
    for (const line of data.text.split("\n")) {
      const kind = line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : line.startsWith("@@") ? "hunk" : null;
      pre.append(el("span", { className: kind ? "d-" + kind : null, text: line }), "\n");
    }
    parts.push(pre);
  }
  $("#diff").replaceChildren(...parts);
  say(w("diff-shown"));
}

// ---------- wiring ----------
function updateContext() {
  const parts = [];
  if (state.ruleset) parts.push(w("context-call", { id: state.ruleset.id }));
  if (state.draft) parts.push(w("context-draft", { id: state.draft.id }));
  $("#context").textContent = parts.join(" · ");
}

async function changeLanguage() {
  state.lang = $("#lang").value;
  try { localStorage.setItem(STORE, state.lang); } catch (ignored) { /* storage may be off */ }
  applyWords();
  renderCalls();
  if (state.draft) { renderDraftParameters(); renderFindings(state.findings || []); $("#draft-title").textContent = w("draft-title", { id: state.draft.id, base: state.draft.base }); }
  updateContext();
  if (state.call) await openCall(state.call.id, false);
  if (state.lastTry) { $("#document").value = state.lastTry.text; await runTry(); }
  say(w("language-changed"));
}

function wire() {
  $("#lang").addEventListener("change", changeLanguage);
  $("#calls").addEventListener("click", (event) => {
    const button = event.target.closest("[data-call-id]");
    if (button) openCall(button.dataset.callId);
  });
  $("#rules").addEventListener("click", (event) => {
    const button = event.target.closest(".show-source");
    if (button) showSource(button.dataset.rule, button);
  });
  $("#new-draft-form").addEventListener("submit", newDraft);
  $("#draft-id").addEventListener("input", (event) => { event.target.dataset.auto = "no"; });
  $("#drafts").addEventListener("click", (event) => {
    const button = event.target.closest("[data-open-draft]");
    if (button) openDraft(button.dataset.openDraft);
  });
  $("#draft-parameters").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target.closest("[data-parameter-form]");
    if (form) saveParameter(form.dataset.parameterForm);
  });
  const editor = $("#editor");
  editor.addEventListener("input", () => { updateGutter(); scheduleLint(); });
  editor.addEventListener("scroll", () => { $("#gutter").scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { event.preventDefault(); $("#save-draft").focus(); }
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") { event.preventDefault(); saveDraft(); }
  });
  $("#save-draft").addEventListener("click", saveDraft);
  $("#findings").addEventListener("click", (event) => {
    const item = event.target.closest("[data-code]");
    const line = Number(item && item.dataset.line);
    if (line && item.dataset.inDraft !== "no") goToLine(line, Number(item.querySelector("[data-goto-column]").dataset.gotoColumn) || 1);
  });
  $("#example").addEventListener("change", pickExample);
  $("#try-run").addEventListener("click", runTry);
  $("#questions").addEventListener("submit", answerQuestions);
  $("#case-form").addEventListener("submit", saveCase);
  $("#run-tests").addEventListener("click", runTests);
  $("#portfolio").addEventListener("change", () => { $("#portfolio-file-field").hidden = $("#portfolio").value !== "upload"; });
  $("#run-impact").addEventListener("click", runImpact);
  $("#sweep-parameter").addEventListener("change", () => { $("#sweep-parameter").dataset.chosen = "yes"; suggestSweepRange(); });
  $("#sweep-form").addEventListener("submit", runSweep);
  $("#show-diff").addEventListener("click", showDiff);
  $("#download").addEventListener("click", (event) => {
    if (!state.draft) { event.preventDefault(); showError("diff-error", { message: w("needs-draft") }); }
    else say(w("download-started"));
  });
}

function start() {
  state.lang = pickLanguage();
  applyWords();
  wire();
  renderVerdict($("#baseline"), null);
  renderVerdict($("#draft-verdict"), null);
  $(".verdict-body", $("#baseline")).replaceChildren();
  $(".verdict-body", $("#draft-verdict")).replaceChildren();
  loadCalls();
}

start();
