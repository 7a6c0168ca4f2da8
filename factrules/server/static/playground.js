// factrules playground: sends the draft to POST v1/check as you type and shows the findings in place.
// No framework and no build step: the server serves this file as is.

const BUCKETS = ["hedge", "unverified", "denial", "number", "date", "consistency", "other"];
const DEBOUNCE_MS = 350;
const FLASH_MS = 1700;

const $ = (id) => document.getElementById(id);
const draft = $("draft");
const backdrop = $("backdrop");
const highlights = $("highlights");
const list = $("findings");
const statusLine = $("status");
const dateInput = $("date");
const formatInput = $("format");
const tokenInput = $("token");

let sequence = 0;           // id of the latest request; older answers are dropped
let inFlight = null;        // AbortController of the request in flight
let timer = 0;
let shown = [];             // findings currently rendered, with UTF-16 offsets

/** The colour bucket of a category: the six built-in ones, or "other" for a custom pack's. */
function bucket(category) {
  return BUCKETS.includes(category) ? category : "other";
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

/** Spans count code points; the textarea counts UTF-16 units. Map one to the other (identity without astral chars). */
function codePointIndex(text) {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
  const units = [0];
  for (const char of text) units.push(units[units.length - 1] + char.length);
  return (offset) => units[Math.min(offset, units.length - 1)];
}

/**
 * The backdrop's HTML: the text with one <mark class="hl"> per finding. Overlapping findings nest; when two
 * cross, the inner one is closed and reopened as a continuation (class "hl-cont"), so every finding still
 * has exactly one "hl" element and the markup stays well-formed.
 */
function renderMarks(text, items) {
  const open = (item, first) =>
    `<mark class="${first ? "hl" : "hl-cont"} cat-${item.bucket}" data-index="${item.index}"` +
    (first ? ` data-category="${escapeHtml(item.category)}"` : "") + ">";
  const points = [...new Set(items.flatMap((it) => [it.start, it.end]))].sort((a, b) => a - b);
  const html = [];
  const stack = [];
  let position = 0;
  for (const point of points) {
    html.push(escapeHtml(text.slice(position, point)));
    position = point;
    const deepest = stack.findIndex((it) => it.end === point);
    if (deepest !== -1) {
      const reopen = stack.slice(deepest).filter((it) => it.end !== point);
      for (let k = stack.length; k > deepest; k -= 1) html.push("</mark>");
      stack.length = deepest;
      for (const it of reopen) { html.push(open(it, false)); stack.push(it); }
    }
    const starting = items.filter((it) => it.start === point).sort((a, b) => b.end - a.end);
    for (const it of starting) {
      if (it.end === it.start) { html.push(open(it, true), "</mark>"); continue; }
      html.push(open(it, true));
      stack.push(it);
    }
  }
  html.push(escapeHtml(text.slice(position)));
  // A trailing newline needs a character after it, or the mirror is one line shorter than the textarea.
  html.push(text.endsWith("\n") || text === "" ? " " : "");
  return html.join("");
}

function renderLegend(findings) {
  const counts = Object.fromEntries(BUCKETS.map((b) => [b, 0]));
  for (const f of findings) counts[bucket(f.category)] += 1;
  $("legend").innerHTML = BUCKETS.map((b) =>
    `<li class="cat-${b}${counts[b] ? "" : " zero"}" data-bucket="${b}">${b} <b>${counts[b]}</b></li>`).join("");
}

function describeData(finding) {
  const data = finding.data || {};
  if (data.resolved_start) {
    const end = data.resolved_end && data.resolved_end !== data.resolved_start ? ` – ${data.resolved_end}` : "";
    return `Resolves to ${data.resolved_start}${end}`;
  }
  if ("low" in data || "high" in data) {
    const low = data.low ?? "…";
    const high = data.high ?? "…";
    return `Means ${low === high ? low : `${low} – ${high}`}${data.approximate ? " (approximate)" : ""}`;
  }
  return "";
}

function renderList(findings) {
  list.innerHTML = findings.map((f) => {
    const extra = f.suggestion ? `Suggestion: ${f.suggestion}` : describeData(f);
    return `<li><button type="button" class="finding cat-${bucket(f.category)} sev-${f.severity}" data-index="${f.index}">
      <span class="meta"><span class="chip">${escapeHtml(f.category)}</span><span class="sev">${f.severity}</span>
        <span class="where">line ${f.range.start.line}, col ${f.range.start.column}</span></span>
      <span class="quote">“${escapeHtml(f.text)}”</span>
      <span class="message">${escapeHtml(f.message)}</span>
      ${extra ? `<span class="extra">${escapeHtml(extra)}</span>` : ""}
      <span class="rule">${escapeHtml(f.rule)}</span>
    </button></li>`;
  }).join("");
  $("count").textContent = String(findings.length);
  $("empty").hidden = findings.length > 0;
}

function render(text, report) {
  const toUnits = codePointIndex(text);
  shown = report.findings.map((f, index) => ({
    ...f, index, bucket: bucket(f.category), start: toUnits(f.span.start), end: toUnits(f.span.end),
  }));
  highlights.innerHTML = renderMarks(text, shown);
  renderLegend(shown);
  renderList(shown);
  syncScroll();
}

function setStatus(message, isError = false) {
  statusLine.textContent = message;
  statusLine.classList.toggle("error", isError);
}

function syncScroll() {
  backdrop.scrollTop = draft.scrollTop;
  backdrop.scrollLeft = draft.scrollLeft;
}

async function check() {
  const text = draft.value;
  const id = ++sequence;
  if (inFlight) inFlight.abort();
  if (!text.trim()) {
    inFlight = null;
    render(text, { findings: [] });
    setStatus("Ready.");
    return;
  }
  const controller = new AbortController();
  inFlight = controller;
  const body = { text, format: formatInput.value };
  if (dateInput.value) body.date = dateInput.value;
  const headers = { "Content-Type": "application/json" };
  if (tokenInput.value) headers.Authorization = `Bearer ${tokenInput.value}`;
  setStatus("Checking…");
  const started = performance.now();
  let response;
  try {
    response = await fetch("v1/check", { method: "POST", headers, body: JSON.stringify(body), signal: controller.signal });
  } catch (error) {
    if (error.name !== "AbortError" && id === sequence) setStatus("The server did not answer. Is it running?", true);
    return;
  }
  const payload = await response.json().catch(() => ({}));
  if (id !== sequence) return;
  inFlight = null;
  tokenInput.parentElement.classList.toggle("needed", response.status === 401);
  if (response.status === 401) {
    setStatus("This server needs a token: paste it in the Token field.", true);
    return;
  }
  if (!response.ok) {
    setStatus(`${response.status}: ${payload.message || response.statusText}`, true);
    return;
  }
  if (draft.value !== text) return; // typed meanwhile: the next check renders
  render(text, payload);
  const ms = Math.round(performance.now() - started);
  const n = payload.findings.length;
  const problems = payload.errors.filter((e) => e.kind !== "empty-file").map((e) => e.message);
  setStatus(`${n} finding${n === 1 ? "" : "s"} · checked in ${ms} ms${problems.length ? ` · ${problems.join("; ")}` : ""}`);
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(check, DEBOUNCE_MS);
}

function activate(index) {
  for (const button of list.querySelectorAll(".finding.active")) button.classList.remove("active");
  const button = list.querySelector(`.finding[data-index="${index}"]`);
  if (button) {
    button.classList.add("active");
    button.scrollIntoView({ block: "nearest" });
  }
}

/** Scroll the editor so the finding's highlight sits in its upper third, put the caret there, and flash it. */
function reveal(index) {
  const mark = highlights.querySelector(`mark.hl[data-index="${index}"]`);
  const finding = shown[index];
  if (!mark || !finding) return;
  draft.focus({ preventScroll: true });
  draft.setSelectionRange(finding.start, finding.start);
  draft.scrollTop = Math.max(0, mark.offsetTop - draft.clientHeight / 3);
  syncScroll();
  $("editor").scrollIntoView({ block: "nearest" });
  for (const piece of highlights.querySelectorAll(`mark[data-index="${index}"]`)) {
    piece.classList.remove("flash");
    void piece.offsetWidth; // restart the animation when clicked twice
    piece.classList.add("flash");
    setTimeout(() => piece.classList.remove("flash"), FLASH_MS);
  }
  activate(index);
}

/** The caret moved in the draft: point at the finding under it in the list. */
function followCaret() {
  const at = draft.selectionStart;
  const hit = shown.find((f) => f.start <= at && at <= f.end);
  if (hit) activate(hit.index);
}

async function loadFormats() {
  try {
    const health = await (await fetch("healthz")).json();
    const chosen = sessionStorage.getItem("factrules.format") || "text";
    formatInput.innerHTML = health.formats.map((f) =>
      `<option value="${escapeHtml(f)}"${f === chosen ? " selected" : ""}>${escapeHtml(f)}</option>`).join("");
  } catch {
    setStatus("The server did not answer. Is it running?", true);
  }
}

async function loadExample() {
  const response = await fetch("static/example.txt");
  draft.value = await response.text();
  if (!dateInput.value) dateInput.value = "2024-03-15";
  draft.scrollTop = 0;
  check();
}

function init() {
  renderLegend([]);
  renderList([]);
  dateInput.value = sessionStorage.getItem("factrules.date") || "";
  tokenInput.value = sessionStorage.getItem("factrules.token") || "";
  draft.addEventListener("input", schedule);
  draft.addEventListener("scroll", syncScroll);
  draft.addEventListener("click", followCaret);
  draft.addEventListener("keyup", followCaret);
  new ResizeObserver(syncScroll).observe(draft);
  for (const [input, key] of [[dateInput, "date"], [formatInput, "format"], [tokenInput, "token"]]) {
    input.addEventListener("change", () => { sessionStorage.setItem(`factrules.${key}`, input.value); check(); });
  }
  tokenInput.addEventListener("input", () => sessionStorage.setItem("factrules.token", tokenInput.value));
  $("controls").addEventListener("submit", (event) => { event.preventDefault(); check(); });
  $("example").addEventListener("click", loadExample);
  list.addEventListener("click", (event) => {
    const button = event.target.closest(".finding");
    if (button) reveal(Number(button.dataset.index));
  });
  loadFormats();
}

init();
