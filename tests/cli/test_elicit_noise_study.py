"""``oraclelab elicit noise-study``: one table row per (k, judge, mode, setting), a figure per k."""

from __future__ import annotations

import csv
import json


def test_noise_study_writes_a_row_per_point_and_a_figure_per_k(run_cli, tmp_path):
    out = tmp_path / "ns"
    code, _, err = run_cli("elicit", "noise-study", "--classes", "2", "3", "--trials", "3", "--flip-prob", "0", "0.1",
                           "--modes", "efficient", "active", "--budget", "25", "--out", out)
    assert code == 0, err
    with (out / "noise_study.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["classes"], r["noise"], r["mode"]) for r in rows} == {
        (k, judge, mode) for k in ("2", "3") for judge in ("none", "flip:0.1") for mode in ("efficient", "active")}
    active = [r for r in rows if r["mode"] == "active"]
    assert max(float(r["comparisons_median"]) for r in active) <= 25   # the budget bounds every checkpoint
    for r in rows:                                                        # a band holds its median
        assert float(r["B_err_p10"]) <= float(r["B_err_median"]) <= float(r["B_err_p90"])
    assert len(json.loads((out / "summary.json").read_text())["rows"]) == len(rows)
    assert (out / "noise_study_k2.png").stat().st_size > 0 and (out / "noise_study_k3.png").stat().st_size > 0


def test_efficient_mode_needs_the_same_comparisons_whatever_the_judge(run_cli, tmp_path):
    """Efficient QME asks a fixed number of questions per tolerance: noise changes answers, not their count."""
    out = tmp_path / "ns"
    code, _, err = run_cli("elicit", "noise-study", "--classes", "2", "--trials", "3", "--flip-prob", "0", "0.2",
                           "--modes", "efficient", "--out", out)
    assert code == 0, err
    with (out / "noise_study.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_judge = {judge: sorted(float(r["comparisons_median"]) for r in rows if r["noise"] == judge)
                for judge in ("none", "flip:0.2")}
    assert by_judge["none"] == by_judge["flip:0.2"] and len(by_judge["none"]) == 3
