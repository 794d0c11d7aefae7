"use strict";
// The organiser's page: the study's participants (progress, consistency, their best classifier,
// their link), the people's agreement and the pooled metric, and a form to add a participant.

const organiserPath = `/api/organiser/${encodeURIComponent(tokenFromPath())}`;
const byId = (id) => document.getElementById(id);
const REFRESH_MS = 15000;

function say(text) {
  byId("message").textContent = text || "";
}

function rateNames(classes) {
  const rates = [];
  classes.forEach((t, i) => classes.forEach((p, j) => { if (i !== j) rates.push({ true: t, predicted: p }); }));
  return rates;
}

function statusText(person) {
  const progress = person.progress;
  if (progress.finished) return "finished";
  return progress.answered ? `on question ${progress.answered + 1}` : "not started";
}

function linkCell(link) {
  const input = el("input", { type: "text", readonly: "", size: 40, "aria-label": "link" });
  input.value = link || "";
  input.addEventListener("focus", () => input.select());
  const td = el("td");
  td.append(input);
  return td;
}

function showPeople(people) {
  const table = byId("people");
  fillTable(table, ["name", "link", "answered", "left (about)", "status", "repeats", "inconsistent", "best classifier under their metric"],
    people.map((person) => [
      [person.name, { "data-name": person.name }],
      "",
      person.progress.answered,
      person.progress.left_estimate,
      statusText(person),
      person.repeats,
      person.repeats ? `${person.inconsistent} (${percent(person.inconsistency_rate)})` : "–",
      person.ranking ? person.ranking[0].name : "–",
    ]));
  table.querySelectorAll("tbody tr").forEach((tr, i) => tr.children[1].replaceWith(linkCell(people[i].link)));
}

function showAgreement(agreement) {
  byId("agreement-section").hidden = !agreement;
  if (!agreement) return;
  byId("mean-tau").textContent = `Mean tau over pairs: ${fixed(agreement.mean_tau)}`;
  fillTable(byId("agreement"), ["", ...agreement.names],
    agreement.kendall_tau.map((row, i) => [agreement.names[i], ...row.map((tau) => fixed(tau))]));
}

// The pairs (g, h), g < h, of a fair study's groups, in the order of its B matrices, named "g vs h".
function pairLabels(groups) {
  const labels = [];
  groups.forEach((g, i) => groups.slice(i + 1).forEach((h) => labels.push(`${g} vs ${h}`)));
  return labels;
}

function showPooled(pooled, study) {
  byId("pooled-section").hidden = !pooled;
  if (!pooled) return;
  const cancelled = pooled.a === null;  // the people's metrics point in opposite directions
  byId("pooled-from").textContent = cancelled
    ? `No pooled metric from ${pooled.from.join(", ")}: ${pooled.why}`
    : `The mean direction of the metrics of ${pooled.from.join(", ")}.`;
  const rates = rateNames(study.classes);
  const fair = !cancelled && study.groups && study.groups.length > 0 && pooled.lam !== undefined;
  byId("pooled-lam").hidden = !fair;
  byId("pooled-a").hidden = cancelled;
  byId("pooled-B").hidden = fair || cancelled;
  byId("pooled-pairs").hidden = !fair;
  if (cancelled) return;
  if (fair) {
    byId("pooled-lam").textContent = `Weight of the gaps between groups: λ = ${fixed(pooled.lam)}`;
    fillA(byId("pooled-a"), rates, pooled.a, null);
    fillPairs(byId("pooled-pairs"), rates, pairLabels(study.groups).map((label, v) => ({ label, B: pooled.B[v], B_interval: null })));
  } else {
    fillMetric(byId("pooled-a"), byId("pooled-B"), rates, pooled.a, pooled.B, null, null);
  }
}

async function refresh() {
  try {
    const summary = await api("GET", `${organiserPath}/summary`);
    const study = summary.study;
    const budget = study.settings.budget === null ? "default" : study.settings.budget;
    const groups = study.groups && study.groups.length ? ` · groups ${study.groups.join(", ")}` : "";
    byId("study").textContent = `${study.source} · classes ${study.classes.join(", ")}${groups} · budget ${budget} · `
      + `a repeat every ${study.settings.repeat_every || "–"} questions · seed ${study.settings.seed}`;
    showPeople(summary.participants);
    showAgreement(summary.agreement);
    showPooled(summary.pooled, study);
  } catch (error) {
    say(error.message);
  }
}

byId("add").addEventListener("submit", async (event) => {
  event.preventDefault();
  const name = byId("name").value;
  try {
    const added = await api("POST", `${organiserPath}/participants`, { name });
    byId("name").value = "";
    say(`Added ${added.name}: ${added.link}`);
    await refresh();
  } catch (error) {
    say(error.message);
  }
});
byId("refresh").addEventListener("click", refresh);
refresh();
setInterval(refresh, REFRESH_MS);
