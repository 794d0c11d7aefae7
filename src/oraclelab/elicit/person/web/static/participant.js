"use strict";
// The participant's page: one question at a time from /api/sessions/<token>, answered by a click
// or a key (1: A, 2: B, =: can't tell, u: undo); the result page once the session is finished. In a
// fair study each question shows one row per group (A's and B's matrices for that group) and the
// result shows lam and one B per pair of groups.

const sessionPath = `/api/sessions/${encodeURIComponent(tokenFromPath())}`;
const KEYS = { "1": "left", "2": "right", "=": "equal" };
let current = null;
let busy = false;

const byId = (id) => document.getElementById(id);

function say(text) {
  byId("message").textContent = text || "";
}

function setBusy(value) {
  busy = value;
  document.body.dataset.busy = value ? "yes" : "no";
  for (const button of document.querySelectorAll("button")) button.disabled = value;
}

// One classifier's counts per 1,000 of each true class; in a fair study `group` (its index) marks every cell too.
function fillMatrix(table, side, classes, counts, group = null) {
  const head = el("thead");
  const top = el("tr");
  top.append(el("th", { scope: "col", class: "corner" }, "true ↓  says →"));
  for (const name of classes) top.append(el("th", { scope: "col" }, name));
  head.append(top);
  const body = el("tbody");
  counts.forEach((row, i) => {
    const tr = el("tr");
    tr.append(el("th", { scope: "row" }, classes[i]));
    row.forEach((count, j) => {
      const attributes = { "data-side": side, "data-true": i, "data-pred": j, class: i === j ? "hit" : "miss" };
      if (group !== null) attributes["data-group"] = group;
      tr.append(el("td", attributes, count));
    });
    body.append(tr);
  });
  table.replaceChildren(head, body);
}

// A fair question's group `g`: its name as a heading over A's and B's matrices for that group, side by side.
function groupRow(question, g) {
  const pair = el("div", { class: "pair" });
  for (const [side, classifier] of [["A", question.left], ["B", question.right]]) {
    const table = el("table", { class: "matrix", "data-side": side, "data-group": g });
    fillMatrix(table, side, question.classes, classifier.counts[g], g);
    const figure = el("figure", { class: "side" });
    figure.append(el("figcaption", {}, side), table);
    pair.append(figure);
  }
  const row = el("section", { class: "group", "data-group": g });
  row.append(el("h3", { class: "group-name" }, question.groups[g]), pair);
  return row;
}

function showQuestion(state) {
  const question = state.question;
  current = question;
  const section = byId("question");
  section.dataset.questionId = question.id;
  section.dataset.number = question.number;
  const fair = question.groups.length > 0;
  byId("pair").hidden = fair;
  byId("groups").hidden = !fair;
  byId("groups-hint").hidden = !fair;
  if (fair) {
    byId("groups").replaceChildren(...question.groups.map((_, g) => groupRow(question, g)));
  } else {
    fillMatrix(byId("matrix-A"), "A", question.classes, question.left.counts);
    fillMatrix(byId("matrix-B"), "B", question.classes, question.right.counts);
  }
  const sentences = question.sentences.length ? question.sentences : ["A and B look the same to the nearest case in 1,000."];
  byId("sentences").replaceChildren(...sentences.map((text) => el("li", {}, text)));
  byId("progress").textContent = `question ${question.number} · about ${state.progress.left_estimate} left`;
  byId("result").hidden = true;
  section.hidden = false;
}

// A fair metric's lam, the weight of the gaps between groups, with its 90% interval.
function showLam(result) {
  const interval = result.lam_interval ? ` (90% interval ${intervalText(result.lam_interval)})` : "";
  byId("result-lam").replaceChildren("Weight of the gaps between groups: λ = ",
    el("strong", { "data-lam": "" }, fixed(result.lam)), interval);
}

function showResult(result, progress) {
  current = null;
  byId("progress").textContent = `finished · ${progress.answered} answers`;
  const stopped = result.stop_reason === "tol" ? "the metric was pinned down" : "the questions ran out";
  byId("result-summary").textContent = `From ${result.comparisons} comparisons (stopped because ${stopped}).`;
  const fair = Array.isArray(result.pairs);
  for (const id of ["hint-fair", "result-lam", "result-pairs"]) byId(id).hidden = !fair;
  for (const id of ["hint-quadratic", "result-B"]) byId(id).hidden = fair;
  if (fair) {
    showLam(result);
    fillA(byId("result-a"), result.rates, result.a, result.a_interval);
    fillPairs(byId("result-pairs"), result.rates, result.pairs);
  } else {
    fillMetric(byId("result-a"), byId("result-B"), result.rates, result.a, result.B, result.a_interval, result.B_interval);
  }
  byId("consistency").textContent = result.repeats
    ? `${result.repeats} questions came again with the sides swapped; ${result.inconsistent} answered differently the second time (${percent(result.inconsistency_rate)}).`
    : "No question was asked twice in this study.";
  fillTable(byId("ranking"), ["classifier", "rank", "score", "accuracy", "accuracy rank"],
    result.ranking.map((row) => [row.name, row.rank, fixed(row.score, 4), fixed(row.accuracy, 4), row.accuracy_rank]));
  byId("download").setAttribute("href", `${sessionPath}/metric`);
  byId("question").hidden = true;
  byId("result").hidden = false;
}

async function show(state) {
  if (state.finished) showResult(await api("GET", `${sessionPath}/result`), state.progress);
  else showQuestion(state);
}

async function load() {
  await show(await api("GET", sessionPath));
}

// A change (answer or undo); on an error the page shows it and catches up with the session.
async function act(path, body) {
  if (busy) return;
  setBusy(true);
  try {
    await show(await api("POST", `${sessionPath}${path}`, body));
    say("");
  } catch (error) {
    try {
      await load();
    } catch (ignored) {
      // the message below says what went wrong
    }
    say(error.message);
  } finally {
    setBusy(false);
  }
}

function answer(choice) {
  if (current) act("/answers", { question_id: current.id, choice });
}

for (const button of document.querySelectorAll("button[data-choice]")) {
  button.addEventListener("click", () => answer(button.dataset.choice));
}
byId("undo").addEventListener("click", () => act("/undo"));
document.addEventListener("keydown", (event) => {
  if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key in KEYS) {
    event.preventDefault();
    answer(KEYS[event.key]);
  } else if (event.key === "u" || event.key === "U") {
    event.preventDefault();
    act("/undo");
  }
});

load().catch((error) => say(error.message));
