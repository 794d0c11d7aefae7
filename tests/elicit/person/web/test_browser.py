"""The participant page in a real browser: Debian's chromium, driven by Playwright for Python, against ``elicit serve``.

The must-show of issue 15: two people answer at once, each a scripted person with a hidden
metric who reads both confusion matrices off the page and presses "1" or "2"; the server is
killed with SIGKILL after question 10 and started again with ``--resume``; after a reload
each page shows question 11 (the very same classifiers) and the sessions go on to the end;
the elicited metrics are as close to the hidden ones as the simulate command gets on the
same data with the same budget; and one person's link reaches only their own session.
Also: class names that look like HTML are shown as the literal characters; and a fair study
(breast_cancer grouped by "mean radius") shows one row per group holding A's and B's matrices for
that group, is answered by key, and ends on a page with lam and each pair of groups' B.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from contextlib import asynccontextmanager
from pathlib import Path
from typing import AsyncIterator

import numpy as np
import pytest

from tests.elicit.person.web.serving import Server, call, logged_events, start_server, stored_study

CHROMIUM = Path("/usr/bin/chromium")
#: Playwright cannot download its own browser here: Debian's, with flags for a headless, offline run.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

BUDGET = 16
KILL_AFTER = 10
#: The hidden metrics, score(r) = <a, r> + 1/2 r'Br on the rates (true malignant called benign, true benign called malignant).
HIDDEN = {
    "ann": (np.array([-0.8, -0.4]), np.array([[0.4, 0.0], [0.0, 0.2]])),
    "bob": (np.array([-0.3, -0.9]), np.array([[0.2, 0.1], [0.1, 0.5]])),
}
#: Simulated elicitations of each hidden metric, whose largest error bounds the browser's.
SIMULATED_TRIALS = 10

NEXT = "#question:not([hidden]), #result:not([hidden])"


@pytest.fixture(autouse=True)
def chromium_present() -> None:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (scripts/test installs Debian's chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@asynccontextmanager
async def chromium() -> AsyncIterator:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


def _unit(a: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a, B) scaled to ||a||^2 + ||B||_F^2 = 1, the scale elicited metrics are reported in."""
    norm = np.sqrt(a @ a + (B * B).sum())
    return a / norm, B / norm


def _score(metric: tuple[np.ndarray, np.ndarray], rates: np.ndarray) -> float:
    a, B = metric
    return float(a @ rates + 0.5 * rates @ B @ rates)


async def _read_rates(page, side: str) -> np.ndarray:
    """The rates of the classifier on ``side``: its off-diagonal counts per 1,000, row by row, divided by 1,000."""
    cells = await page.locator(f'td[data-side="{side}"]').evaluate_all(
        "cells => cells.map(c => [Number(c.dataset.true), Number(c.dataset.pred), Number(c.textContent)])")
    k = int(round(np.sqrt(len(cells))))
    counts = np.zeros((k, k))
    for i, j, count in cells:
        counts[i, j] = count
    assert counts.sum(axis=1).tolist() == [1000.0] * k
    return np.array([counts[i, j] for i in range(k) for j in range(k) if i != j]) / 1000.0


async def _number(page) -> int:
    return int(await page.get_attribute("#question", "data-number"))


async def _press(page, key: str) -> None:
    """Press ``key`` on the question on screen and wait for the next question or the result page."""
    number = await _number(page)
    await page.keyboard.press(key)
    await page.wait_for_selector(f'#question[data-number="{number + 1}"]:not([hidden]), #result:not([hidden])')


async def _press_until_result(page, key: str) -> None:
    """Answer every question with ``key`` until the result page shows."""
    while not await page.locator("#result").is_visible():
        await _press(page, key)


async def _answer_until(page, metric, stop: int | None) -> list[int]:
    """Answer by key press with ``metric`` until the question after ``stop`` shows (None: to the result page); the numbers answered."""
    answered = []
    while True:
        await page.wait_for_selector(NEXT)
        if await page.locator("#result").is_visible() or (stop is not None and await _number(page) > stop):
            return answered
        number = await _number(page)
        a_score, b_score = _score(metric, await _read_rates(page, "A")), _score(metric, await _read_rates(page, "B"))
        await _press(page, "1" if a_score >= b_score else "2")
        answered.append(number)


async def _matrices(page) -> list:
    return [await _read_rates(page, side) for side in "AB"]


def _simulated_errors(metric: tuple[np.ndarray, np.ndarray]) -> tuple[float, float]:
    """The largest a and B errors of ``simulate_on_data`` over trials of ``metric`` on the study's data and budget."""
    from oraclelab.elicit._metrics import QuadraticMetric
    from oraclelab.elicit._simulate import simulate_on_data
    from oraclelab.elicit.person import PersonSettings

    settings = PersonSettings(dataset="breast_cancer", budget=BUDGET, repeat_every=0)
    a, B = metric
    trials = QuadraticMetric(np.tile(a, (SIMULATED_TRIALS, 1)), np.tile(B, (SIMULATED_TRIALS, 1, 1)))
    result = simulate_on_data(settings.rate_space(settings.seed), trials, budget=BUDGET, margin=settings.margin, seed=1)
    return float(result.a_err.max()), float(result.B_err.max())


async def _two_people_through_a_kill(out: Path) -> tuple[Server, dict]:
    server = start_server(out, "--dataset", "breast_cancer", "--budget", str(BUDGET), "--repeat-every", "0",
                          "--participants", "ann,bob")
    seen = {}
    try:
        async with chromium() as browser:
            pages = {}
            for name in HIDDEN:
                pages[name] = await (await browser.new_context()).new_page()
                await pages[name].goto(server.links[name])
            first = await asyncio.gather(*(_answer_until(pages[n], HIDDEN[n], KILL_AFTER) for n in HIDDEN))
            assert first == [list(range(1, KILL_AFTER + 1))] * 2
            before = {name: await _matrices(page) for name, page in pages.items()}

            server.kill()
            server = start_server(out, "--resume", port=server.port)
            for name, page in pages.items():
                await page.reload()
                await page.wait_for_selector(NEXT)
                assert await _number(page) == KILL_AFTER + 1
                assert np.array_equal(await _matrices(page), before[name])  # the same question, rebuilt from the log
                assert (await page.text_content("#progress")).startswith(f"question {KILL_AFTER + 1} · about ")

            rest = await asyncio.gather(*(_answer_until(pages[n], HIDDEN[n], None) for n in HIDDEN))
            assert rest == [list(range(KILL_AFTER + 1, BUDGET + 1))] * 2
            for name, page in pages.items():
                seen[name] = {"a": await page.locator("#result-a td[data-a]").all_text_contents(),
                              "consistency": await page.text_content("#consistency"),
                              "ranking": await page.locator("#ranking tbody tr").count()}
    except BaseException:
        server.stop()
        raise
    return server, seen


def test_two_people_answer_by_key_through_a_sigkill_and_get_their_metric(tmp_path):
    out = tmp_path / "study"
    server, seen = asyncio.run(_two_people_through_a_kill(out))
    try:
        store = out / "study.sqlite"
        for name, hidden in HIDDEN.items():
            status, result = call("GET", f"{server.session_api(name)}/result")
            assert status == 200 and result["comparisons"] == BUDGET
            answers = [p["question"] for kind, p in logged_events(store, name) if kind == "answer"]
            assert answers == list(range(1, BUDGET + 1))  # each answer exactly once, none lost to the kill
            assert seen[name]["a"] == [f"{value:.3f}" for value in result["a"]]
            assert seen[name]["ranking"] == 3 and "No question was asked twice" in seen[name]["consistency"]
            a_true, B_true = _unit(*hidden)
            a_err = float(np.linalg.norm(np.array(result["a"]) - a_true))
            B_err = float(np.linalg.norm(np.array(result["B"]) - B_true))
            a_bound, B_bound = _simulated_errors(hidden)
            assert a_err <= a_bound and B_err <= B_bound, (name, a_err, a_bound, B_err, B_bound)

        ann, bob = server.session_api("ann"), server.session_api("bob")
        bob_log = logged_events(store, "bob")
        assert call("GET", ann)[1]["participant"] == "ann"
        for question_id in ("q1", f"q{BUDGET}", f"q{BUDGET + 1}"):
            assert call("POST", f"{ann}/answers", {"question_id": question_id, "choice": "left"})[0] == 409
        assert call("POST", f"{ann}/undo")[0] == 200  # ann's own last answer, not bob's
        assert logged_events(store, "bob") == bob_log
        assert call("GET", bob)[1]["finished"] is True
        made_up = f"{server.base}/api/sessions/{secrets.token_urlsafe(32)}"
        assert call("GET", made_up)[0] == 404
        assert call("POST", f"{made_up}/answers", {"question_id": "q1", "choice": "left"})[0] == 404
    finally:
        server.stop()


async def _no_markup_from_names(page, tags: str = "b, img") -> bool:
    """True when none of ``tags`` is an element inside main and no injected handler ran: names stayed text."""
    selector = ", ".join(f"main {tag.strip()}" for tag in tags.split(","))
    return await page.locator(selector).count() == 0 and await page.evaluate("() => window.pwned === undefined")


CLASSES = ["<b>x</b>", "<img src=x onerror=window.pwned=1>", "a&b"]


def _model_rows(n_rows: int, n_classes: int, seed: int) -> list[tuple[int, str]]:
    """Labels cycling through the classes and a seeded, fairly good model's probabilities, as CSV cells
    (the last column is one minus the others, so every row sums to 1)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_rows):
        label = i % n_classes
        logits = rng.normal(size=n_classes) + 2.0 * np.eye(n_classes)[label]
        proba = (np.exp(logits) / np.exp(logits).sum())[:-1]
        rows.append((label, ",".join([*(f"{p:.17g}" for p in proba), f"{1.0 - proba.sum():.17g}"])))
    return rows


def _html_named_data(path: Path) -> None:
    """A validation CSV whose class names look like HTML."""
    rows = [f"{CLASSES[label]},{proba}" for label, proba in _model_rows(300, 3, seed=5)]
    path.write_text("label,p_0,p_1,p_2\n" + "\n".join(rows) + "\n")


async def _html_names(tmp_path: Path) -> None:
    data = tmp_path / "html.csv"
    _html_named_data(data)
    server = start_server(tmp_path / "study", "--data", str(data), "--budget", "4", "--repeat-every", "0", "--participants", "p")
    try:
        status, _ = call("POST", f"{server.organiser_api}/participants", {"name": "<i>eve</i>"})
        assert status == 201
        async with chromium() as browser:
            page = await browser.new_page()
            await page.goto(server.links["p"])
            await page.wait_for_selector(NEXT)
            for side in "AB":
                header = await page.locator(f"#matrix-{side} thead th").all_text_contents()
                rows = await page.locator(f"#matrix-{side} tbody th").all_text_contents()
                assert header[1:] == CLASSES and rows == CLASSES
            assert await _no_markup_from_names(page)
            sentences = " ".join(await page.locator("#sentences li").all_text_contents())
            assert any(f"'{name}'" in sentences for name in CLASSES)
            await _press_until_result(page, "2")
            rates = await page.locator("#result-a tbody td:first-child").all_text_contents()
            assert rates[0] == f"true {CLASSES[0]} → called {CLASSES[1]}"
            assert await _no_markup_from_names(page)

            await page.goto(server.organiser)
            await page.wait_for_selector("#people td[data-name]")
            assert "<i>eve</i>" in await page.locator("#people td[data-name]").all_text_contents()
            assert await _no_markup_from_names(page, "i, b, img")
    finally:
        server.stop()


def test_class_and_participant_names_that_look_like_html_are_shown_as_text(tmp_path):
    asyncio.run(_html_names(tmp_path))


FAIR_BUDGET = 4


async def _group_rows(page) -> list[dict]:
    """Each group row on the page: its heading and its cells as (side, true, predicted, count), read off the DOM."""
    return await page.locator("#groups section.group").evaluate_all("""rows => rows.map(row => ({
        group: Number(row.dataset.group),
        heading: row.querySelector("h3").textContent,
        cells: [...row.querySelectorAll("td[data-side]")].map(c => [c.dataset.side, Number(c.dataset.group),
                                                                  Number(c.dataset.true), Number(c.dataset.pred),
                                                                  Number(c.textContent)]),
    }))""")


def _counts_on_page(row: dict, side: str, k: int) -> list[list[int]]:
    counts = [[-1] * k for _ in range(k)]
    for cell_side, group, i, j, count in row["cells"]:
        assert group == row["group"]
        if cell_side == side:
            counts[i][j] = count
    return counts


def _fair_cost(counts: list) -> float:
    """A person who minds errors and, three times as much, gaps between the groups' error rates (lower is better)."""
    c = np.asarray(counts, dtype=float) / 1000.0
    errors = c[:, ~np.eye(c.shape[-1], dtype=bool)]
    return float(errors.sum() + 3.0 * np.abs(errors[0] - errors[1]).sum())


async def _fair_study(tmp_path: Path) -> None:
    out = tmp_path / "study"
    server = start_server(out, "--dataset", "breast_cancer", "--groups", "mean radius", "--budget", str(FAIR_BUDGET),
                          "--repeat-every", "0", "--participants", "fay")
    try:
        groups = stored_study(out / "study.sqlite")["groups"]
        assert len(groups) == 2
        session = server.session_api("fay")
        async with chromium() as browser:
            page = await browser.new_page()
            await page.goto(server.links["fay"])
            pressed = []
            while True:
                await page.wait_for_selector(NEXT)
                if await page.locator("#result").is_visible():
                    break
                state = call("GET", session)[1]
                question = state["question"]
                assert await _number(page) == question["number"]
                rows = await _group_rows(page)
                assert [row["heading"] for row in rows] == groups == question["groups"]
                assert [row["group"] for row in rows] == list(range(len(groups)))
                k = len(question["classes"])
                shown = {side: [_counts_on_page(row, side, k) for row in rows] for side in "AB"}
                assert shown["A"] == question["left"]["counts"] and shown["B"] == question["right"]["counts"]
                assert await page.locator("#matrix-A td, #matrix-B td").count() == 0 and not await page.locator("#pair").is_visible()
                key = "1" if _fair_cost(shown["A"]) <= _fair_cost(shown["B"]) else "2"
                await _press(page, key)
                pressed.append((question["number"], {"1": "left", "2": "right"}[key]))
            logged = [(p["question"], p["choice"]) for kind, p in logged_events(out / "study.sqlite", "fay") if kind == "answer"]
            assert logged == pressed and len(pressed) == FAIR_BUDGET  # every key press advanced and was recorded

            result = call("GET", f"{session}/result")[1]
            assert await page.text_content("#result-lam [data-lam]") == f"{result['lam']:.3f}"
            low, high = result["lam_interval"]
            assert f"[{low:.3f}, {high:.3f}]" in await page.text_content("#result-lam")
            assert await page.locator("#result-a td[data-a]").all_text_contents() == [f"{value:.3f}" for value in result["a"]]
            labels = await page.locator("#result-pairs .pair-name").all_text_contents()
            assert labels == [f"{groups[0]} vs {groups[1]}"] == [pair["label"] for pair in result["pairs"]]
            B = result["pairs"][0]["B"]
            cells = await page.locator('#result-pairs td[data-pair="0"]').evaluate_all(
                "cells => cells.map(c => [c.dataset.b, c.textContent])")
            assert {b: text.split(" ")[0] for b, text in cells} == {f"{i},{j}": f"{B[i][j]:.3f}" for i in range(len(B)) for j in range(len(B))}
            assert not await page.locator("#result-B").is_visible() and not await page.locator("#hint-quadratic").is_visible()
            assert await page.locator("#ranking tbody tr").count() == len(result["ranking"])
    finally:
        server.stop()


def test_a_fair_study_shows_each_groups_matrices_and_ends_with_lam(tmp_path):
    asyncio.run(_fair_study(tmp_path))


GROUP_NAMES = ["<b>g</b>", "<img src=x onerror=window.pwned=2>"]


def _html_grouped_data(path: Path) -> None:
    """A two-class validation CSV with a group column whose values look like HTML."""
    rows = [f"{'ab'[label]},{proba},{GROUP_NAMES[(i // 2) % 2]}" for i, (label, proba) in enumerate(_model_rows(400, 2, seed=7))]
    path.write_text("label,p_0,p_1,group\n" + "\n".join(rows) + "\n")


async def _html_groups(tmp_path: Path) -> None:
    data = tmp_path / "grouped.csv"
    _html_grouped_data(data)
    out = tmp_path / "study"
    server = start_server(out, "--data", str(data), "--groups", "group", "--budget", "2", "--repeat-every", "0",
                          "--participants", "p")
    try:
        groups = stored_study(out / "study.sqlite")["groups"]
        assert sorted(groups) == sorted(GROUP_NAMES)
        async with chromium() as browser:
            page = await browser.new_page()
            await page.goto(server.links["p"])
            await page.wait_for_selector(NEXT)
            assert await page.locator("#groups .group-name").all_text_contents() == groups
            assert await _no_markup_from_names(page)
            await _press_until_result(page, "1")
            assert await page.locator("#result-pairs .pair-name").all_text_contents() == [f"{groups[0]} vs {groups[1]}"]
            assert await _no_markup_from_names(page)

            summary = call("GET", f"{server.organiser_api}/summary")[1]
            await page.goto(server.organiser)
            await page.wait_for_selector("#pooled-lam:not([hidden])")
            assert f"λ = {summary['pooled']['lam']:.3f}" in await page.text_content("#pooled-lam")
            assert await page.locator("#pooled-pairs .pair-name").all_text_contents() == [f"{groups[0]} vs {groups[1]}"]
            assert not await page.locator("#pooled-B").is_visible()
            assert await _no_markup_from_names(page)
    finally:
        server.stop()


def test_group_names_that_look_like_html_are_shown_as_text_on_both_pages(tmp_path):
    asyncio.run(_html_groups(tmp_path))
