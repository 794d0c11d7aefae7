"""Screenshots of ``oraclelab elicit serve`` for the README: the question page, the result page
and a fair study's question (one pair of matrices per group).

Starts the real command on breast_cancer in a temporary folder, opens a participant's link in
Debian's chromium (driven by Playwright), answers with a fixed metric by key press and saves
two PNGs; then serves a study grouped by "mean radius" and saves its first question. Run: ``.venv/bin/python scripts/screenshots.py [--out docs/images]``.
"""

from __future__ import annotations

import argparse
import re
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: The person's metric on (malignant called benign, benign called malignant): missing a malignant case costs most.
WEIGHTS = (-0.9, -0.3)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(folder: Path, port: int, *options: str) -> tuple[subprocess.Popen, str]:
    """The running command and the participant's link it printed."""
    process = subprocess.Popen([sys.executable, "-m", "oraclelab", "elicit", "serve", "--dataset", "breast_cancer", "--budget", "12",
                                "--repeat-every", "4", "--participants", "ann", "--out", str(folder), "--port", str(port),
                                *options], stdout=subprocess.PIPE, text=True)
    for line in process.stdout:
        found = re.match(r"ann: (\S+)", line)
        if found:
            return process, found.group(1)
    raise SystemExit(f"elicit serve exited with {process.wait()}")


def _rates(page, side: str) -> list[float]:
    cells = page.locator(f'td[data-side="{side}"]')
    counts = {(int(c.get_attribute("data-true")), int(c.get_attribute("data-pred"))): int(c.text_content()) for c in cells.all()}
    return [counts[(0, 1)] / 1000, counts[(1, 0)] / 1000]


def _answer(page) -> None:
    """Press 1 or 2 for the classifier the metric scores higher, and wait for the next question or the result."""
    number = int(page.get_attribute("#question", "data-number"))
    score = [sum(w * r for w, r in zip(WEIGHTS, _rates(page, side))) for side in "AB"]
    page.keyboard.press("1" if score[0] >= score[1] else "2")
    page.wait_for_selector(f'#question[data-number="{number + 1}"]:not([hidden]), #result:not([hidden])')


def _shoot(folder: Path, options: tuple[str, ...], take) -> None:
    """Serve a study with ``options``, open the participant's link in chromium, ``take(page)``, stop the server."""
    process, link = _serve(folder, _free_port(), *options)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 960, "height": 560})
            page.goto(link)
            page.wait_for_selector("#question:not([hidden])")
            take(page)
            browser.close()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    def question_and_result(page) -> None:
        for _ in range(4):  # a few answers in, so the progress line reads as it does mid-session
            _answer(page)
        page.screenshot(path=str(args.out / "serve_question.png"))
        while page.locator("#result").is_hidden():
            _answer(page)
        page.set_viewport_size({"width": 960, "height": 780})
        page.screenshot(path=str(args.out / "serve_result.png"), full_page=True)

    def fair_question(page) -> None:
        page.set_viewport_size({"width": 960, "height": 900})
        page.screenshot(path=str(args.out / "serve_fair_question.png"), full_page=True)

    with tempfile.TemporaryDirectory() as folder:
        _shoot(Path(folder) / "study", (), question_and_result)
        _shoot(Path(folder) / "fair", ("--groups", "mean radius"), fair_question)
    print(f"Wrote serve_question.png, serve_result.png and serve_fair_question.png in {args.out}")


if __name__ == "__main__":
    main()
