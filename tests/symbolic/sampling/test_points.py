"""Point sets and their CLI spec strings."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pytest
import torch

from oraclelab.errors import DataFileError, ParameterError
from oraclelab.symbolic import parse_points
from oraclelab.symbolic.sampling._points import clipped_normal_points, load_points


def test_grid_is_linspace_inclusive():
    x = parse_points("grid:-3:3:700")
    assert x.shape == (700, 1) and x.dtype == torch.float32
    np.testing.assert_allclose(x[:, 0].numpy(), np.linspace(-3, 3, 700), atol=1e-6)


def test_normal_points_shape_determinism_and_moments():
    a = parse_points("normal:20000:2", generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    b = parse_points("normal:20000:2", generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    assert a.shape == (20000, 2) and a.dtype == torch.float64 and torch.equal(a, b)
    assert a.mean(0).abs().max() < 0.03 and (a.std(0) - 1).abs().max() < 0.03
    assert parse_points("normal:5").shape == (5, 1)
    assert torch.equal(parse_points("normal:5"), parse_points("normal:5"))  # default generator is seeded


def test_clipped_normal_is_sorted_inside_the_range_and_truncated_normal():
    x = parse_points("clipped-normal:2:-1:3:4000", generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    values = x[:, 0].numpy()
    assert x.shape == (4000, 1)
    assert values.min() >= -1 and values.max() <= 3 and np.all(np.diff(values) >= 0)
    # mean of N(0, 2^2) truncated to [-1, 3]
    alpha, beta = -0.5, 1.5
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: 0.5 * (1 + math.erf(z / math.sqrt(2)))  # noqa: E731
    expected = 2 * (pdf(alpha) - pdf(beta)) / (cdf(beta) - cdf(alpha))
    assert abs(values.mean() - expected) < 0.05


def test_clipped_normal_rejects_an_unreachable_range():
    with pytest.raises(ParameterError, match="holds a fraction"):
        clipped_normal_points(1.0, 50.0, 60.0, 10, generator=torch.Generator())


@pytest.mark.parametrize("suffix", [".txt", ".csv", ".gz", ".npy"])
def test_points_from_files(tmp_path, suffix):
    array = np.arange(12.0).reshape(6, 2) / 7
    path = tmp_path / f"points{suffix}"
    if suffix == ".npy":
        np.save(path, array)
    elif suffix == ".csv":
        np.savetxt(path, array, delimiter=",")
    elif suffix == ".gz":
        with gzip.open(path, "wt") as handle:
            np.savetxt(handle, array)
    else:
        np.savetxt(path, array)
    x = parse_points(f"file:{path}", dtype=torch.float64)
    np.testing.assert_allclose(x.numpy(), array, rtol=1e-15)


def test_one_column_file_gives_one_input(tmp_path):
    path = tmp_path / "x.txt"
    np.savetxt(path, np.array([1.0, 2.0, 3.0]))
    assert load_points(path).shape == (3, 1)


def test_bad_files(tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(DataFileError, match="missing.txt"):
        parse_points(f"file:{missing}")
    text = tmp_path / "bad.txt"
    text.write_text("1 2\nthree 4\n")
    with pytest.raises(DataFileError, match="bad.txt"):
        load_points(text)
    nan = tmp_path / "nan.txt"
    nan.write_text("1\nnan\n")
    with pytest.raises(DataFileError, match="non-finite"):
        load_points(nan)


@pytest.mark.parametrize(
    "spec",
    ["", "grid", "grid:0:1", "grid:1:0:5", "grid:0:1:0", "grid:a:1:5", "grid:0:inf:5", "normal:", "normal:x",
     "normal:3:0", "normal:1:2:3", "clipped-normal:0:-1:1:5", "clipped-normal:1:-1:1", "uniform:5", "file:"],
)
def test_bad_specs_name_the_spec_in_one_line(spec):
    with pytest.raises(ParameterError) as info:
        parse_points(spec)
    assert repr(spec) in str(info.value) and "\n" not in str(info.value)
