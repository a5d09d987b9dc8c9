// The dispatch console's page. It talks only to its Worker (/api, with the access token),
// never to CallingBox, and holds no API key. Rows are checked here with callingbox/phone
// before anything is sent; the Worker checks them again.
import { checkPhoneNumbers } from "callingbox/phone";

const $ = (id) => document.getElementById(id);
const TERMINAL = ["completed", "no_answer", "busy", "canceled", "failed", "not_placed"];
const POLL_MS = 2000;
let draft = null; // the checked CSV: { header, phoneIndex, rows: [{ row, cells, check }] }

// ---------------------------------------------------------------------------------------
// The Worker's API

async function api(path, { method = "GET", body } = {}) {
  for (;;) {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${localStorage.getItem("console-token")}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body && JSON.stringify(body),
    });
    if (res.status === 429) {
      await sleep(1000 * Number(res.headers.get("retry-after") || 1));
      continue;
    }
    if (res.status === 401) {
      localStorage.removeItem("console-token");
      showLogin();
      throw new Error("the access token was refused");
    }
    if (!res.ok) throw new Error((await res.json().catch(() => ({}))).error ?? `HTTP ${res.status}`);
    return res.headers.get("content-type")?.startsWith("text/csv") ? res.text() : res.json();
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const showError = (e) => ($("error").textContent = e ? String(e.message ?? e) : "");
function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

// ---------------------------------------------------------------------------------------
// Login: the access token stays in this browser (localStorage) until the Worker refuses it.

function showLogin() {
  $("console").hidden = true;
  $("login").hidden = false;
}

$("login").addEventListener("submit", (e) => {
  e.preventDefault();
  localStorage.setItem("console-token", $("token").value);
  $("login").hidden = true;
  open().catch(showError);
});

async function open() {
  $("console").hidden = false;
  const campaign = localStorage.getItem("console-campaign");
  if (campaign) return follow(campaign);
  await Promise.all([loadNumbers(), loadAgents()]);
}

// ---------------------------------------------------------------------------------------
// 1. Caller number and agent

async function loadNumbers(select) {
  const { data } = await api("/api/numbers");
  $("number").replaceChildren(...data.map((n) => el("option", { value: n.id, textContent: n.phone_number, selected: n.id === select })));
  $("buy").open = data.length === 0;
}

async function loadAgents(select) {
  const { data } = await api("/api/agents");
  $("agent").replaceChildren(...data.map((a) => el("option", { value: a.id, textContent: `${a.name} (${Object.keys(a.returns).join(", ") || "no result fields"})`, selected: a.id === select })));
  $("new-agent").open = data.length === 0;
  updateStart();
}

$("search").addEventListener("click", async () => {
  showError();
  try {
    const { data } = await api(`/api/numbers/available?area_code=${encodeURIComponent($("area-code").value)}`);
    $("available").replaceChildren(...data.map((n) => el("li", {}, `${n.phone_number} `, el("button", { type: "button", textContent: "Buy", onclick: () => buy(n.phone_number) }))));
  } catch (e) {
    showError(e);
  }
});

async function buy(phone_number) {
  showError();
  try {
    const number = await api("/api/numbers", { method: "POST", body: { phone_number } });
    $("available").replaceChildren();
    await loadNumbers(number.id);
  } catch (e) {
    showError(e);
  }
}

$("create-agent").addEventListener("click", async () => {
  showError();
  try {
    const returns = Object.fromEntries($("agent-returns").value.split(",").map((f) => f.split(":").map((s) => s.trim())).filter(([k]) => k));
    const agent = await api("/api/agents", {
      method: "POST",
      body: { name: $("agent-name").value, instructions: $("agent-instructions").value, returns, number_id: $("number").value },
    });
    await loadAgents(agent.id);
    $("new-agent").open = false;
  } catch (e) {
    showError(e);
  }
});

// ---------------------------------------------------------------------------------------
// 2. Contacts: every row checked as it appears

/** RFC 4180 CSV: quoted fields, "" inside quotes, CRLF or LF. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[i++];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") (row.push(field), (field = ""));
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      (row = []), (field = "");
    } else field += c;
  }
  if (field !== "" || row.length > 0) rows.push([...row, field]);
  return rows.filter((r) => r.some((cell) => cell.trim() !== ""));
}

function check() {
  const [header = [], ...lines] = parseCsv($("csv").value);
  const chosen = $("phone-column").value;
  const phoneIndex = header.includes(chosen) ? header.indexOf(chosen) : Math.max(0, header.findIndex((h) => /phone|mobile|tel|number/i.test(h)));
  $("phone-column").replaceChildren(...header.map((h, i) => el("option", { value: h, textContent: h, selected: i === phoneIndex })));
  const checks = checkPhoneNumbers(lines.map((cells) => cells[phoneIndex] ?? ""), { defaultCountry: $("country").value });
  const firstRowOf = new Map();
  const rows = lines.map((cells, i) => {
    const row = i + 1;
    let problem = checks[i].ok ? null : checks[i].reason;
    if (!problem && cells.length !== header.length) problem = `has ${cells.length} fields, the header ${header.length}`;
    if (!problem && firstRowOf.has(checks[i].value.e164)) problem = `same number as row ${firstRowOf.get(checks[i].value.e164)}`;
    if (!problem) firstRowOf.set(checks[i].value.e164, row);
    return { row, cells, to: checks[i].ok ? checks[i].value.e164 : null, problem };
  });
  draft = { header, phoneIndex, rows };
  const bad = rows.filter((r) => r.problem).length;
  $("check-summary").textContent = rows.length ? `${rows.length} rows: ${rows.length - bad} to call, ${bad} marked and left out` : "";
  $("rows").tHead.replaceChildren(el("tr", {}, ...["row", ...header, "check"].map((h) => el("th", { textContent: h }))));
  $("rows").tBodies[0].replaceChildren(
    ...rows.map((r) =>
      el("tr", { className: r.problem ? "bad" : "" }, el("td", { textContent: r.row }), ...r.cells.map((c) => el("td", { textContent: c })),
        el("td", { className: r.problem ? "reason" : "", textContent: r.problem ?? `ok: ${r.to}` })),
    ),
  );
  for (const [i, tr] of [...$("rows").tBodies[0].rows].entries()) tr.dataset.row = rows[i].row;
  updateStart();
}

function updateStart() {
  $("start").disabled = !(draft?.rows.some((r) => !r.problem) && $("agent").value);
}

$("csv").addEventListener("input", check);
$("country").addEventListener("change", check);
$("phone-column").addEventListener("change", check);
$("agent").addEventListener("change", updateStart);
$("file").addEventListener("change", async () => {
  const file = $("file").files[0];
  if (!file) return;
  if (file.size > 4_000_000) return showError("that file is larger than 4 MB");
  $("csv").value = await file.text();
  check();
});

// ---------------------------------------------------------------------------------------
// 3. The campaign

$("start").addEventListener("click", async () => {
  showError();
  $("start").disabled = true;
  try {
    const columns = draft.header.filter((_, i) => i !== draft.phoneIndex);
    const rows = draft.rows.filter((r) => !r.problem).map((r) => ({
      row: r.row,
      to: r.to,
      context: Object.fromEntries(columns.map((c) => [c, r.cells[draft.header.indexOf(c)]])),
    }));
    const { id } = await api("/api/campaigns", { method: "POST", body: { agent_id: $("agent").value, number_id: $("number").value || undefined, columns, rows } });
    localStorage.setItem("console-campaign", id);
    await follow(id);
  } catch (e) {
    showError(e);
    updateStart();
  }
});

/** Follows a campaign until every row has a terminal status: polls the rows changed since the last answer. */
async function follow(id) {
  $("setup").hidden = true;
  $("campaign").hidden = false;
  $("campaign-id").textContent = id;
  const trs = new Map(); // row → its <tr>
  let since = 0;
  let state;
  for (;;) {
    try {
      state = await api(`/api/campaigns/${id}?since=${since}`);
    } catch (e) {
      showError(e);
      if (!localStorage.getItem("console-token")) return;
      await sleep(POLL_MS);
      continue;
    }
    showError();
    if (since === 0) {
      $("rows").tHead.replaceChildren(el("tr", {}, ...["row", "phone", ...state.columns, "status", ...state.fields, ""].map((h) => el("th", { textContent: h }))));
      $("rows").tBodies[0].replaceChildren();
    }
    for (const r of state.rows) {
      const cells = [r.row, r.phone, ...state.columns.map((c) => r.context[c]), r.error ? `${r.status}: ${r.error}` : r.status, ...state.fields.map((f) => r.result?.[f])];
      const tr = el("tr", {}, ...cells.map((c, i) => el("td", { textContent: c ?? "", className: i === 2 + state.columns.length ? "status" : "" })),
        el("td", {}, r.call_id ? el("button", { type: "button", textContent: "Transcript", onclick: () => showTranscript(id, r.row) }) : ""));
      Object.assign(tr.dataset, { row: r.row, status: r.status });
      if (trs.has(r.row)) trs.get(r.row).replaceWith(tr);
      else $("rows").tBodies[0].append(tr);
      trs.set(r.row, tr);
    }
    since = state.seq;
    const done = TERMINAL.reduce((n, s) => n + (state.counts[s] ?? 0), 0);
    Object.assign($("progress"), { max: state.total, value: done });
    $("progress-text").textContent = `${done} of ${state.total} done · ` + Object.entries(state.counts).map(([s, n]) => `${s} ${n}`).join(" · ");
    if (done === state.total && !state.more) return;
    if (!state.more) await sleep(POLL_MS);
  }
}

async function showTranscript(id, row) {
  $("drawer-title").textContent = `Row ${row}`;
  $("transcript").replaceChildren(el("li", { textContent: "loading…" }));
  $("drawer").showModal();
  try {
    const { data } = await api(`/api/campaigns/${id}/rows/${row}/transcript`);
    $("transcript").replaceChildren(...data.map((s) => el("li", {}, el("b", { textContent: `${s.role}: ` }), s.text)));
    if (data.length === 0) $("transcript").replaceChildren(el("li", { textContent: "no conversation (the call did not connect)" }));
  } catch (e) {
    $("transcript").replaceChildren(el("li", { className: "error", textContent: e.message }));
  }
}

$("download").addEventListener("click", async () => {
  const id = $("campaign-id").textContent;
  const csv = await api(`/api/campaigns/${id}/results.csv`);
  const a = el("a", { href: URL.createObjectURL(new Blob([csv], { type: "text/csv" })), download: `results-${id}.csv` });
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
});

$("new-campaign").addEventListener("click", () => {
  localStorage.removeItem("console-campaign");
  location.reload();
});

if (localStorage.getItem("console-token")) open().catch(showError);
else showLogin();
