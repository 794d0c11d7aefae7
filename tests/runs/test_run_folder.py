import json

import numpy as np
import pytest

from oraclelab.errors import RunError
from oraclelab.runs import RunFolder, atomic_write_with, read_json, stream_generator, to_plain


def test_atomic_write_keeps_the_old_file_when_the_writer_fails(tmp_path):
    target = tmp_path / "data.bin"
    target.write_bytes(b"old")

    def broken(handle):
        handle.write(b"partial")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        atomic_write_with(target, broken)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_run_folder_writes_json_yaml_csv_npz_and_refuses_finished_runs(tmp_path):
    folder = RunFolder(tmp_path / "run")
    folder.write_config({"seed": np.int64(3), "tol": np.float64(0.5)})
    folder.write_csv("rows.csv", [{"a": 1, "b": 2.5}, {"a": 2, "b": np.float32(1.5)}])
    folder.write_npz("x.npz", x=np.arange(3))
    folder.write_summary({"values": np.arange(2), "bad": float("nan")})
    assert read_json(tmp_path / "run" / "summary.json") == {"values": [0, 1], "bad": None}
    assert (tmp_path / "run" / "rows.csv").read_text().splitlines() == ["a,b", "1,2.5", "2,1.5"]
    with np.load(tmp_path / "run" / "x.npz") as data:
        assert data["x"].tolist() == [0, 1, 2]
    with pytest.raises(RunError, match="already holds a finished run"):
        RunFolder(tmp_path / "run")
    assert RunFolder(tmp_path / "run", resume=True).path == tmp_path / "run"


def test_read_json_names_file_and_line(tmp_path):
    path = tmp_path / "s.json"
    path.write_text('{\n "a": 1,\n oops}')
    with pytest.raises(RunError, match=r"s.json: line 3"):
        read_json(path)


def test_to_plain_converts_numpy_and_tuples():
    assert json.dumps(to_plain({"a": (np.int32(1), np.array([1.5]))})) == '{"a": [1, [1.5]]}'


def test_named_streams_are_reproducible_and_independent():
    one = stream_generator(7, "metrics", 3, True).random(4)
    assert np.array_equal(one, stream_generator(7, "metrics", 3, True).random(4))
    assert not np.array_equal(one, stream_generator(7, "metrics", 3, False).random(4))
    assert not np.array_equal(one, stream_generator(8, "metrics", 3, True).random(4))


def test_an_existing_run_is_a_run_exists_error_without_command_line_flags(tmp_path):
    from oraclelab.errors import RunExistsError

    folder = RunFolder(tmp_path / "run")
    folder.write_summary({"done": True})
    with pytest.raises(RunExistsError, match="already holds a finished run") as info:
        RunFolder(tmp_path / "run")
    assert "--" not in str(info.value)
