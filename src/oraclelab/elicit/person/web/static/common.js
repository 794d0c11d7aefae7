"use strict";
// Shared by the participant and the organiser page: calls to the JSON API, and elements built
// with their text set as text (textContent), so a class or participant name is never read as HTML.

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function api(method, path, body) {
  const options = { method, cache: "no-store", headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new ApiError("The server cannot be reached. Every answer given so far is saved; try again in a moment.", 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  if (!response.ok) {
    throw new ApiError((data && data.error) || `The server answered ${response.status}.`, response.status);
  }
  return data;
}

function el(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null && text !== undefined) node.textContent = String(text);
  return node;
}

function fixed(value, digits = 3) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

function percent(value) {
  return value === null || value === undefined ? "–" : `${(100 * value).toFixed(0)}%`;
}

function tokenFromPath() {
  return decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
}

function rateLabel(rate) {
  return `true ${rate.true} → called ${rate.predicted}`;
}

// A table whose header row is `columns` and whose rows are lists of cells: a cell is text, or
// [text, attributes]. Every text goes in as text.
function fillTable(table, columns, rows) {
  const head = el("thead");
  const top = el("tr");
  for (const column of columns) top.append(el("th", { scope: "col" }, column));
  head.append(top);
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    for (const cell of row) {
      const [text, attributes] = Array.isArray(cell) ? cell : [cell, {}];
      tr.append(el("td", attributes, text));
    }
    body.append(tr);
  }
  table.replaceChildren(head, body);
}

function intervalText(bounds) {
  return bounds ? `[${fixed(bounds[0])}, ${fixed(bounds[1])}]` : "";
}

// The metric's a, one row per rate, each value with its 90% interval when given.
function fillA(table, rates, a, aInterval) {
  fillTable(table, aInterval ? ["rate", "a", "90% interval"] : ["rate", "a"], rates.map((rate, i) => [
    rateLabel(rate),
    [fixed(a[i]), { "data-a": i }],
    ...(aInterval ? [intervalText(aInterval[i])] : []),
  ]));
}

// A matrix B over the rates (rates by rates), each value with its 90% interval when given;
// `cell` gives each value's cell its attributes.
function fillB(table, rates, B, bInterval, cell = (i, j) => ({ "data-b": `${i},${j}` })) {
  const names = rates.map((rate) => `${rate.true} → ${rate.predicted}`);
  const withInterval = (value, bounds) => (bounds ? `${fixed(value)} ${intervalText(bounds)}` : fixed(value));
  fillTable(table, ["B", ...names], B.map((row, i) => [
    names[i],
    ...row.map((value, j) => [withInterval(value, bInterval && bInterval[i][j]), cell(i, j)]),
  ]));
}

// The metric's a and B (the metric score(r) = a·r + ½ rᵀBr).
function fillMetric(aTable, bTable, rates, a, B, aInterval, bInterval) {
  fillA(aTable, rates, a, aInterval);
  fillB(bTable, rates, B, bInterval);
}

// A fair metric's B of each pair of groups, under a heading "g vs h", into `container`;
// `pairs` are {label, B, B_interval}. Cells carry data-pair (the pair's index) and data-b.
function fillPairs(container, rates, pairs) {
  container.replaceChildren(...pairs.map((pair, v) => {
    const part = el("div", { class: "group-pair", "data-pair": v });
    const table = el("table", { class: "numbers" });
    fillB(table, rates, pair.B, pair.B_interval, (i, j) => ({ "data-pair": v, "data-b": `${i},${j}` }));
    part.append(el("h3", { class: "pair-name" }, pair.label), table);
    return part;
  }));
}
