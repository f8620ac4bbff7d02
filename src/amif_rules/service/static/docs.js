// The amif-rules API docs page: reads /openapi.json, lists every operation and lets the
// reader try each one. Plain DOM code: no framework, nothing fetched from another origin,
// every text set with textContent (the description is data, never markup).
"use strict";

(function () {
  const METHODS = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];
  // Shown first, when present: what a decision answers with (contract §6).
  const KEY_HEADERS = ["x-decision-id", "x-ruleset", "content-type"];
  const MAX_BODY_CHARS = 200000;

  // The service's own address for a path of the document ("/v1/check" -> same origin).
  function here(path) {
    return new URL(path.replace(/^\/+/, ""), document.baseURI);
  }

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function slug(text) {
    return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  // "#/components/schemas/Application" -> "Application"; a type otherwise.
  function schemaName(schema) {
    if (!schema) return "";
    if (schema.$ref) return schema.$ref.split("/").pop();
    if (Array.isArray(schema.anyOf)) return schema.anyOf.map(schemaName).join(" or ");
    if (Array.isArray(schema.allOf)) return schema.allOf.map(schemaName).join(" and ");
    if (Array.isArray(schema.enum)) return "one of: " + schema.enum.map((v) => (v === "" ? '""' : String(v))).join(", ");
    if (schema.type === "array" && schema.items) return "list of " + schemaName(schema.items);
    let name = Array.isArray(schema.type) ? schema.type.join(" or ") : schema.type || "any";
    if (schema.format) name += " (" + schema.format + ")";
    return name;
  }

  function resolve(spec, value) {
    // Parameters, bodies and responses may be references into components.
    let seen = 0;
    while (value && value.$ref && seen++ < 10) {
      const parts = value.$ref.replace(/^#\//, "").split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
      value = parts.reduce((node, key) => (node ? node[key] : undefined), spec);
    }
    return value;
  }

  function operations(spec) {
    const found = [];
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const method of METHODS) {
        if (item[method]) {
          const parameters = [...(item.parameters || []), ...(item[method].parameters || [])].map((p) => resolve(spec, p));
          found.push({ path, method, operation: item[method], parameters });
        }
      }
    }
    return found;
  }

  function operationId(op) {
    return "op-" + slug(op.method + " " + op.path);
  }

  function table(caption, headings, rows) {
    return el("table", {}, [
      el("caption", { text: caption }),
      el("thead", {}, [el("tr", {}, headings.map((h) => el("th", { scope: "col", text: h })))]),
      el("tbody", {}, rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, [c]))))),
    ]);
  }

  // A list in one query parameter, its values joined by commas (style form, explode false).
  function joined(p) {
    return p.in === "query" && p.explode === false && (p.style || "form") === "form";
  }

  function describeParameters(op) {
    if (!op.parameters.length) return el("p", { text: "No parameters." });
    return table(
      "Parameters",
      ["name", "in", "required", "schema", "description"],
      op.parameters.map((p) => [
        el("code", { text: p.name }),
        p.in,
        p.required ? "yes" : "no",
        schemaName(p.schema) + (joined(p) ? ", joined by commas" : ""),
        p.description || "",
      ])
    );
  }

  function describeBody(spec, op) {
    const body = resolve(spec, op.operation.requestBody);
    if (!body) return el("p", { text: "No request body." });
    const items = Object.entries(body.content || {}).map(([type, media]) =>
      el("li", {}, [el("code", { text: type }), " — " + schemaName(media.schema)])
    );
    return el("div", {}, [
      el("p", { text: body.required ? "Required. Media types:" : "Optional. Media types:" }),
      el("ul", {}, items),
    ]);
  }

  function describeResponses(spec, op) {
    const rows = Object.entries(op.operation.responses || {}).map(([status, response]) => {
      response = resolve(spec, response) || {};
      const media = Object.entries(response.content || {}).map(([type, m]) => type + (m.schema ? " (" + schemaName(m.schema) + ")" : ""));
      return [el("code", { text: status }), response.description || "", media.join(", "), Object.keys(response.headers || {}).join(", ")];
    });
    return table("Responses", ["status", "description", "content", "headers"], rows);
  }

  // A list of choices: a group of check boxes, one per value, sent as the parameter says
  // (joined by commas, or the parameter repeated).
  function listField(op, p, id, hintId) {
    const boxes = p.schema.items.enum.map((value) => {
      const boxId = id + "-" + slug(String(value));
      return el("span", { className: "choice" }, [
        el("input", { id: boxId, type: "checkbox", value: String(value) }),
        el("label", { for: boxId }, [el("code", { text: String(value) })]),
      ]);
    });
    const legend = el("legend", {}, [el("code", { text: p.name }), " (" + p.in + (p.required ? ", required" : "") + ")"]);
    const hint = el("p", {
      id: hintId,
      className: "hint",
      text: (p.description ? p.description + ". " : "") + "Schema: " + schemaName(p.schema) + (joined(p) ? ", joined by commas." : "."),
    });
    return el("fieldset", { id, className: "field choices", name: p.name, "data-in": p.in, "data-joined": joined(p) ? "yes" : "no", "aria-describedby": hintId }, [
      legend,
      ...boxes,
      hint,
    ]);
  }

  // A labelled control for one parameter: a choice for an enum, check boxes for a list of
  // choices, a text field otherwise.
  function parameterField(op, p) {
    const id = operationId(op) + "-" + p.in + "-" + slug(p.name);
    const hintId = id + "-hint";
    const schema = p.schema || {};
    if (schema.type === "array" && schema.items && Array.isArray(schema.items.enum)) return listField(op, p, id, hintId);
    const label = el("label", { for: id }, [el("code", { text: p.name }), " (" + p.in + (p.required ? ", required" : "") + ")"]);
    let control;
    if (Array.isArray(schema.enum)) {
      control = el("select", { id, name: p.name, "data-in": p.in, "aria-describedby": hintId });
      if (!p.required) control.append(el("option", { value: "", text: "(not sent)" }));
      for (const value of schema.enum) {
        if (value === "" && !p.required) continue;
        control.append(el("option", { value, text: value === "" ? '"" (empty)' : value }));
      }
    } else {
      control = el("input", {
        id,
        name: p.name,
        type: "text",
        "data-in": p.in,
        required: p.required,
        autocomplete: "off",
        spellcheck: "false",
        placeholder: schema.format || schema.type || "",
        "aria-describedby": hintId,
      });
    }
    const hint = el("p", { id: hintId, className: "hint", text: (p.description ? p.description + ". " : "") + "Schema: " + schemaName(schema) + "." });
    return el("div", { className: "field" }, [label, control, hint]);
  }

  function exampleText(media) {
    if (!media) return "";
    if (media.example !== undefined) return typeof media.example === "string" ? media.example : JSON.stringify(media.example, null, 2);
    const examples = Object.values(media.examples || {});
    if (examples.length && examples[0].value !== undefined) {
      const value = examples[0].value;
      return typeof value === "string" ? value : JSON.stringify(value, null, 2);
    }
    return "";
  }

  function bodyFields(spec, op) {
    const body = resolve(spec, op.operation.requestBody);
    if (!body) return [];
    const id = operationId(op) + "-body";
    const types = Object.keys(body.content || {});
    const typeSelect = el("select", { id: id + "-type", name: "content-type" }, types.map((t) => el("option", { value: t, text: t })));
    const textarea = el("textarea", { id, name: "body", rows: 14, spellcheck: "false", "aria-describedby": id + "-hint" });
    const firstExample = types.map((t) => exampleText(body.content[t])).find((text) => text) || "";
    textarea.value = exampleText(body.content[types[0]]) || firstExample;
    typeSelect.addEventListener("change", () => {
      const text = exampleText(body.content[typeSelect.value]);
      if (text && textarea.dataset.edited !== "yes") textarea.value = text;
    });
    textarea.addEventListener("input", () => {
      textarea.dataset.edited = "yes";
    });
    return [
      el("div", { className: "field" }, [el("label", { for: id + "-type", text: "Content type of the request body" }), typeSelect]),
      el("div", { className: "field" }, [
        el("label", { for: id, text: "Request body" }),
        textarea,
        el("p", { id: id + "-hint", className: "hint", text: body.required ? "Required. Prefilled with the documented example, if any." : "Optional." }),
      ]),
    ];
  }

  // The answer: a status line that screen readers announce (a live region that exists
  // before it changes), then the headers and the body, which are read on demand.
  function showResult(result, status, details) {
    details.replaceChildren();
    if (result.error) {
      status.className = "result-status failed";
      status.textContent = "No answer: " + result.error;
      return;
    }
    const { response, text, elapsed } = result;
    status.className = "result-status " + (response.ok ? "ok" : "failed");
    status.replaceChildren(
      "Status ",
      el("strong", { className: "status-code", text: String(response.status) }),
      " " + (response.statusText || "") + " · " + Math.round(elapsed) + " ms"
    );
    const names = [];
    response.headers.forEach((_, name) => names.push(name));
    names.sort((a, b) => {
      const ka = KEY_HEADERS.indexOf(a);
      const kb = KEY_HEADERS.indexOf(b);
      return (ka < 0 ? 99 : ka) - (kb < 0 ? 99 : kb) || a.localeCompare(b);
    });
    const list = el("dl", { className: "headers" });
    for (const name of names) {
      list.append(el("dt", { text: name }), el("dd", { "data-header": name, text: response.headers.get(name) }));
    }
    details.append(el("h4", { text: "Response headers" }), list);
    const type = response.headers.get("content-type") || "";
    let shown = text;
    if (type.includes("json") && !type.includes("ndjson")) {
      try {
        shown = JSON.stringify(JSON.parse(text), null, 2);
      } catch (ignored) {
        shown = text;
      }
    }
    if (shown.length > MAX_BODY_CHARS) shown = shown.slice(0, MAX_BODY_CHARS) + "\n… (" + (shown.length - MAX_BODY_CHARS) + " more characters)";
    details.append(el("h4", { text: "Response body" }), el("pre", { className: "body", tabindex: 0, "aria-label": "Response body", text: shown }));
  }

  async function send(op, form, parts) {
    let path = op.path;
    const query = [];
    for (const control of form.querySelectorAll("[data-in]")) {
      const name = control.getAttribute("name");
      if (control.tagName === "FIELDSET") {
        const values = Array.from(control.querySelectorAll("input[type=checkbox]:checked"), (box) => encodeURIComponent(box.value));
        if (!values.length) continue;
        // Joined: the commas stay commas (include=questions,remedies), as the document says.
        if (control.dataset.joined === "yes") query.push(encodeURIComponent(name) + "=" + values.join(","));
        else for (const value of values) query.push(encodeURIComponent(name) + "=" + value);
        continue;
      }
      const value = control.value;
      if (control.dataset.in === "path") path = path.replace("{" + name + "}", encodeURIComponent(value));
      else if (control.dataset.in === "query" && value !== "") query.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    }
    const target = here(path);
    target.search = query.join("&");
    const init = { method: op.method.toUpperCase(), headers: { Accept: "application/json, */*" }, credentials: "same-origin" };
    const token = document.getElementById("token").value.trim();
    if (token !== "") init.headers.Authorization = "Bearer " + token;
    const body = form.querySelector("textarea[name=body]");
    if (body) {
      init.body = body.value;
      init.headers["Content-Type"] = form.querySelector("select[name=content-type]").value;
    }
    const { region, status, details, button } = parts;
    button.disabled = true;
    region.hidden = false;
    region.setAttribute("aria-busy", "true");
    status.className = "result-status";
    status.textContent = "Sending " + init.method + " " + target.pathname + target.search + "…";
    details.replaceChildren();
    const started = performance.now();
    try {
      const response = await fetch(target, init);
      const text = await response.text();
      showResult({ response, text, elapsed: performance.now() - started }, status, details);
    } catch (error) {
      showResult({ error: String(error && error.message ? error.message : error) }, status, details);
    } finally {
      button.disabled = false;
      region.setAttribute("aria-busy", "false");
    }
  }

  function tryForm(spec, op) {
    const base = operationId(op);
    const heading = el("h3", { id: base + "-try", text: "Try it" });
    const button = el("button", { type: "submit", text: "Send " + op.method.toUpperCase() + " " + op.path });
    const status = el("p", { className: "result-status", role: "status", "aria-live": "polite" });
    const details = el("div", { className: "result-details" });
    const region = el("section", { id: base + "-result", className: "result", "aria-label": "Answer to " + op.method.toUpperCase() + " " + op.path, hidden: true }, [
      status,
      details,
    ]);
    const form = el("form", { className: "try", "aria-labelledby": base + "-try" }, [
      heading,
      ...op.parameters.map((p) => parameterField(op, p)),
      ...bodyFields(spec, op),
      el("div", { className: "actions" }, [button]),
    ]);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(op, form, { region, status, details, button });
    });
    return [form, region];
  }

  function renderOperation(spec, op) {
    const id = operationId(op);
    const summary = op.operation.summary || "";
    const description = (op.operation.description || "").trim();
    const rest = description.startsWith(summary) ? description.slice(summary.length).trim() : description;
    return el("section", { id, className: "operation", "data-method": op.method.toUpperCase(), "data-path": op.path, "aria-labelledby": id + "-title" }, [
      el("h2", { id: id + "-title" }, [
        el("span", { className: "method method-" + op.method, text: op.method.toUpperCase() }),
        " ",
        el("code", { className: "path", text: op.path }),
      ]),
      summary ? el("p", { className: "summary", text: summary }) : null,
      rest ? el("p", { className: "description", text: rest }) : null,
      el("h3", { text: "Parameters" }),
      describeParameters(op),
      el("h3", { text: "Request body" }),
      describeBody(spec, op),
      el("h3", { text: "Responses" }),
      describeResponses(spec, op),
      ...tryForm(spec, op),
    ]);
  }

  function render(spec) {
    const info = spec.info || {};
    document.getElementById("title").textContent = (info.title || "API") + " API";
    document.title = (info.title || "API") + " API";
    document.getElementById("version").textContent = "Version " + (info.version || "?") + " · OpenAPI " + (spec.openapi || "?");
    document.getElementById("description").textContent = info.description || "";
    const toc = document.getElementById("toc");
    const main = document.getElementById("operations");
    const all = operations(spec);
    for (const op of all) {
      toc.append(
        el("li", {}, [el("a", { href: "#" + operationId(op) }, [el("span", { className: "method method-" + op.method, text: op.method.toUpperCase() }), " " + op.path])])
      );
      main.append(renderOperation(spec, op));
    }
    document.getElementById("load-status").textContent = all.length + " operations.";
    main.dataset.loaded = "yes";
  }

  async function load() {
    const status = document.getElementById("load-status");
    try {
      const response = await fetch(here("/openapi.json"), { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error("GET /openapi.json answered " + response.status);
      render(await response.json());
    } catch (error) {
      status.textContent = "Could not read the API description: " + (error && error.message ? error.message : error);
      status.className = "failed";
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", load);
  else load();
})();
