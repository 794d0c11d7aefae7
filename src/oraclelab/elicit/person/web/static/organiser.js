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

function showPooled(pooled, classes) {
  byId("pooled-section").hidden = !pooled;
  if (!pooled) return;
  byId("pooled-from").textContent = `The mean direction of the metrics of ${pooled.from.join(", ")}.`;
  fillMetric(byId("pooled-a"), byId("pooled-B"), rateNames(classes), pooled.a, pooled.B, null, null);
}

async function refresh() {
  try {
    const summary = await api("GET", `${organiserPath}/summary`);
    const study = summary.study;
    const budget = study.settings.budget === null ? "default" : study.settings.budget;
    byId("study").textContent = `${study.source} · classes ${study.classes.join(", ")} · budget ${budget} · `
      + `a repeat every ${study.settings.repeat_every || "–"} questions · seed ${study.settings.seed}`;
    showPeople(summary.participants);
    showAgreement(summary.agreement);
    showPooled(summary.pooled, study.classes);
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
