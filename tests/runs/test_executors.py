"""Executors: serial, local process pool and Dask give the same results, in order."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from oraclelab.elicit import StudyConfig, run_study
from oraclelab.errors import ParameterError
from oraclelab.runs import DaskExecutor, PoolExecutor, RunFolder, SerialExecutor, make_executor


def square(x: int) -> int:
    return x * x


#: Changed by the parent during a test; a spawned worker imports this module afresh and sees it unchanged.
PARENT_STATE = ["as imported"]


def state_and_tensor(n: int):
    import torch

    return PARENT_STATE[0], torch.arange(n, dtype=torch.float64)


@pytest.mark.parametrize("workers, kind", [(1, SerialExecutor), (2, PoolExecutor)])
def test_local_executors_return_results_in_order_and_report_each_once(workers, kind):
    seen = []
    with make_executor(None, workers) as executor:
        assert isinstance(executor, kind)
        results = executor.map(square, list(range(7)), on_done=lambda i, r: seen.append((i, r)))
    assert results == [x * x for x in range(7)]
    assert sorted(seen) == [(i, i * i) for i in range(7)]


def test_pool_workers_start_fresh_and_send_tensors_back_as_plain_values():
    PARENT_STATE[0] = "changed by the parent"
    try:
        with PoolExecutor(2) as pool:
            results = pool.map(state_and_tensor, [3, 5])
    finally:
        PARENT_STATE[0] = "as imported"
    assert [state for state, _ in results] == ["as imported", "as imported"]  # a forked worker would see the change
    assert [tensor.tolist() for _, tensor in results] == [[0.0, 1.0, 2.0], [0.0, 1.0, 2.0, 3.0, 4.0]]
    assert not any(tensor.is_shared() for _, tensor in results)  # torch's own hand-over gives shared memory


def test_dask_executor_returns_results_in_order(dask_scheduler):
    seen = []
    with make_executor(dask_scheduler, 1) as executor:
        assert isinstance(executor, DaskExecutor) and executor.workers == 2
        assert executor.map(square, [3, 1, 2], on_done=lambda i, r: seen.append(i)) == [9, 1, 4]
    assert sorted(seen) == [0, 1, 2]


def nap(item: tuple[float, int]) -> int:
    seconds, value = item
    time.sleep(seconds)
    return value


#: Item 0 finishes after items 1 and 2 (which both pass ``until``); item 3 would sleep for a minute.
NAPS = [(1.0, 1), (0.0, 2), (0.0, 3), (60.0, 4)]


def _stop_at_two_or_more(index: int, value: int) -> bool:
    return value >= 2


def nap_or_fail(item: tuple[float, int]) -> int:
    if item[1] < 0:
        raise KeyError("a task after the accepted one failed")
    return nap(item)


@pytest.mark.parametrize("workers", [1, 2])
def test_until_stops_at_the_first_accepted_item_in_order_and_abandons_the_rest(workers):
    start = time.perf_counter()
    with make_executor(None, workers) as executor:
        assert executor.map(nap, NAPS, until=_stop_at_two_or_more) == [1, 2]  # not [1, 2, 3]: 3 came later in order
        assert executor.map(square, [2, 3], until=lambda index, value: False) == [4, 9]  # the pool still works
        # the failing item finishes first, but it comes after the accepted one, as in a serial run
        assert executor.map(nap_or_fail, [(1.0, 2), (0.0, -1)], until=_stop_at_two_or_more) == [2]
        with pytest.raises(KeyError, match="after the accepted one"):
            executor.map(nap_or_fail, [(1.0, 1), (0.0, -1)], until=_stop_at_two_or_more)
    assert time.perf_counter() - start < 30  # the minute-long item was never waited for, closing included


def test_until_on_dask_returns_the_same_prefix(dask_scheduler):
    with make_executor(dask_scheduler, 1) as executor:
        assert executor.map(nap, NAPS[:3] + [(3.0, 4)], until=_stop_at_two_or_more) == [1, 2]


@pytest.mark.parametrize("scheduler, workers, match", [(None, 0, "'workers'"), ("localhost:8786", 1, "'scheduler'")])
def test_make_executor_rejects_bad_settings(scheduler, workers, match):
    with pytest.raises(ParameterError, match=match):
        make_executor(scheduler, workers)


def _assert_same_records(first, second):
    assert [r.label for r in first] == [r.label for r in second]
    for one, two in zip(first, second):
        np.testing.assert_array_equal(one.metric.B, two.metric.B)
        np.testing.assert_array_equal(one.result.a, two.result.a)
        np.testing.assert_array_equal(one.result.B, two.result.B)
        np.testing.assert_array_equal(one.result.comparisons, two.result.comparisons)


def test_study_results_are_identical_serial_on_a_pool_and_on_dask(dask_scheduler):
    config = StudyConfig(classes=(2, 3), trials=12, formed="both", seed=11)
    serial = run_study(config)
    with PoolExecutor(2) as pool:
        pooled = run_study(config, executor=pool)
    with DaskExecutor(dask_scheduler) as dask:
        distributed = run_study(config, executor=dask)
    _assert_same_records(serial, pooled)
    _assert_same_records(serial, distributed)


def test_resumed_study_on_a_pool_loads_saved_configurations(tmp_path):
    config = StudyConfig(classes=(2, 3), trials=5, formed="well", seed=2)
    folder = RunFolder(tmp_path / "run")
    run_study(StudyConfig(classes=(2,), trials=5, formed="well", seed=2), folder=folder)
    saved = tmp_path / "run" / "estimates_k2-well.npz"
    before = saved.stat().st_mtime_ns
    with PoolExecutor(2) as pool:
        records = run_study(config, folder=folder, resume=True, executor=pool)
    assert saved.stat().st_mtime_ns == before
    assert (tmp_path / "run" / "estimates_k3-well.npz").exists()
    _assert_same_records(records, run_study(config))


def _rows(folder):
    rows = json.loads((folder / "summary.json").read_text())["rows"]
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def test_elicit_study_cli_gives_the_same_summary_with_workers_and_on_dask(run_cli, tmp_path, dask_scheduler):
    common = ["elicit", "study", "--classes", "2", "3", "--trials", "8", "--seed", "4"]
    assert run_cli(*common, "--out", tmp_path / "serial")[0] == 0
    assert run_cli(*common, "--out", tmp_path / "pool", "--workers", "2")[0] == 0
    assert run_cli(*common, "--out", tmp_path / "dask", "--scheduler", dask_scheduler)[0] == 0
    assert _rows(tmp_path / "serial") == _rows(tmp_path / "pool") == _rows(tmp_path / "dask")
    assert len(_rows(tmp_path / "serial")) == 4


def test_elicit_study_cli_rejects_a_bad_scheduler_in_one_line(run_cli, tmp_path):
    code, _, err = run_cli("elicit", "study", "--classes", "2", "--trials", "3", "--out", tmp_path / "x", "--scheduler", "nowhere")
    assert code == 2 and err.count("\n") == 1 and "'scheduler'" in err
