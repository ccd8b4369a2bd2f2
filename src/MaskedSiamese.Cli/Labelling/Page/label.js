"use strict";
// The label page: everything goes through the JSON API with the token the page was opened with.
const token = new URLSearchParams(location.search).get("token") || "";
const pageSize = 24;
let state = null, current = null, busy = false, uncertainOffset = 0, estimateVersion = -1;

const $ = id => document.getElementById(id);
const thumb = id => `thumb/${id}?token=${encodeURIComponent(token)}`;

async function api(path, body) {
  const init = { headers: { "X-Msn-Token": token } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

function say(text) { $("message").textContent = text || ""; }

function showState(s) {
  state = s;
  $("folder").textContent = s.folder;
  $("phase").textContent = s.phase === "ready" ? `${s.images} images` + (s.unreadable ? ` (${s.unreadable} unreadable skipped)` : "")
    : s.phase === "failed" ? `failed: ${s.error}` : `features ${s.done} / ${s.total}`;
  $("phase").dataset.phase = s.phase;
  $("progress").max = Math.max(1, s.total);
  $("progress").value = s.phase === "ready" ? s.total : s.done;
  $("labelled").textContent = s.labelled;
  $("skipped").textContent = s.skipped;
  $("not-sure").textContent = s.notSure;
  $("export").disabled = s.phase !== "ready" || s.labelled === 0;
  const list = $("per-class");
  list.replaceChildren(...s.classes.map((name, i) => {
    const li = document.createElement("li");
    li.dataset.class = name;
    li.append(Object.assign(document.createElement("span"), { textContent: name }),
      Object.assign(document.createElement("b"), { textContent: s.perClass ? s.perClass[i] : 0 }));
    return li;
  }));
  if ($("answers").childElementCount === 0 && s.phase === "ready") makeAnswerButtons(s.classes);
}

function makeAnswerButtons(classes) {
  const add = (key, label, answer) => {
    const b = document.createElement("button");
    b.dataset.answer = answer;
    b.append(Object.assign(document.createElement("kbd"), { textContent: key }), label);
    b.addEventListener("click", () => answerCurrent(answer));
    $("answers").append(b);
  };
  classes.forEach((name, i) => { if (i < 10) add(String((i + 1) % 10), name, name); else add("", name, name); });
  add("s", "skip", "(skip)");
  add("n", "not sure", "(not sure)");
}

async function refresh() {
  const next = await api("api/next?count=9");
  current = next.length ? next[0] : null;
  const figure = $("current");
  figure.dataset.id = current ? current.id : "";
  figure.dataset.name = current ? current.name : "";
  $("current-name").textContent = current ? current.name : "every image has an answer";
  if (current) $("current-image").src = thumb(current.id); else $("current-image").removeAttribute("src");
  $("queue").replaceChildren(...next.slice(1).map(item =>
    Object.assign(document.createElement("img"), { src: thumb(item.id), alt: item.name, title: item.name })));
  await showUncertain();
  estimate();
}

async function showUncertain() {
  const page = await api(`api/uncertain?offset=${uncertainOffset}&count=${pageSize}`);
  if (uncertainOffset > 0 && uncertainOffset >= page.total) { uncertainOffset = 0; return showUncertain(); }
  $("uncertain-range").textContent = page.total ? `${uncertainOffset + 1}–${uncertainOffset + page.items.length} of ${page.total}`
    : "after labels of two classes";
  $("accept-page").disabled = page.items.length === 0;
  $("uncertain").replaceChildren(...page.items.map(item => {
    const card = document.createElement("div");
    card.className = "card";
    card.dataset.id = item.id;
    const select = document.createElement("select");
    for (const name of [...state.classes, "(skip)", "(not sure)"]) select.append(new Option(name, name, false, name === item.predicted));
    card.append(Object.assign(document.createElement("img"), { src: thumb(item.id), alt: item.name, title: item.name }),
      Object.assign(document.createElement("div"), { textContent: `${item.predicted} ${(100 * item.confidence).toFixed(0)} %` }), select);
    return card;
  }));
}

// One cross-validation at a time (seconds at thousands of labels); a newer version is asked for when it ends.
let estimating = false;
async function estimate() {
  if (!state || state.version === estimateVersion || estimating) return;
  estimating = true;
  const asked = state.version;
  try {
    const result = await api("api/estimate");
    if (result.version === state.version) {
      estimateVersion = asked;
      $("estimate").textContent = result.accuracy == null ? "needs 2 labels of every labelled class" : `${(100 * result.accuracy).toFixed(1)} %`;
    }
  } catch (e) { say(e.message); } finally { estimating = false; }
  if (state.version !== estimateVersion) estimate();
}

async function act(work) {
  if (busy) return;
  busy = true;
  try { await work(); say(""); } catch (e) { say(e.message); } finally { busy = false; }
}

function answerCurrent(answer) {
  if (!current) return;
  const id = current.id;
  act(async () => { showState(await api("api/answer", { id, answer })); lastAnswered.push(id); await refresh(); });
}

const lastAnswered = [];
function undo() {
  const id = lastAnswered.pop();
  if (id === undefined) return;
  act(async () => { showState(await api("api/undo", { id, answer: "" })); await refresh(); });
}

document.addEventListener("keydown", event => {
  if (!state || state.phase !== "ready" || event.target.tagName === "SELECT" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (/^[0-9]$/.test(event.key)) {
    const index = (Number(event.key) + 9) % 10;
    if (index < state.classes.length) answerCurrent(state.classes[index]);
  } else if (event.key === "s") answerCurrent("(skip)");
  else if (event.key === "n") answerCurrent("(not sure)");
  else if (event.key === "u") undo();
  else return;
  event.preventDefault();
});

$("accept-page").addEventListener("click", () => act(async () => {
  const answers = [...document.querySelectorAll("#uncertain .card")].map(card =>
    ({ id: Number(card.dataset.id), answer: card.querySelector("select").value }));
  showState(await api("api/accept", answers));
  await refresh();
}));
$("uncertain-prev").addEventListener("click", () => act(async () => { uncertainOffset = Math.max(0, uncertainOffset - pageSize); await showUncertain(); }));
$("uncertain-next").addEventListener("click", () => act(async () => { uncertainOffset += pageSize; await showUncertain(); }));
$("export").addEventListener("click", () => act(async () => {
  const result = await api("api/export", {});
  const accuracy = result.accuracy == null ? "" : `, cross-validated accuracy ${(100 * result.accuracy).toFixed(1)} %`;
  $("export-result").textContent = `exported ${result.labelled} labels: ${result.classifier || "(no classifier: two classes need labels)"}${accuracy}`;
  $("export-result").dataset.classifier = result.classifier || "";
}));

async function start() {
  try {
    const s = await api("api/state");
    showState(s);
    if (s.phase === "ready") { await refresh(); return; }
    if (s.phase !== "failed") setTimeout(start, 500);
  } catch (e) { say(e.message); setTimeout(start, 2000); }
}
start();
