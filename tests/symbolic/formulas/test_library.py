"""FunctionLibrary: loading, built-ins, batched sampling, derivative checks."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

from oraclelab.errors import DataFileError, FormulaError, ParameterError
from oraclelab.symbolic import FunctionLibrary, LibrarySample, list_builtin_libraries
from oraclelab.symbolic.formulas import DerivativeMismatchWarning
from tests.conftest import REFERENCE

SYMREP_FUNS = REFERENCE / "symrep" / "funs"
SYMREP_FILES = sorted(SYMREP_FUNS.glob("*.lib")) if SYMREP_FUNS.is_dir() else []


def test_builtin_libraries_are_listed_and_load():
    names = list_builtin_libraries()
    assert {"F11", "general1d", "general2d"} <= set(names)
    dims = {name: FunctionLibrary.load(name).n_inputs for name in names}
    assert dims["F11"] == 1 and dims["general1d"] == 1 and dims["general2d"] == 2


def test_builtin_libraries_have_no_derivative_mismatches_and_finite_values():
    generator = torch.Generator().manual_seed(0)
    for name in list_builtin_libraries():
        with warnings.catch_warnings():
            warnings.simplefilter("error", DerivativeMismatchWarning)
            library = FunctionLibrary.builtin(name)
        x = torch.randn(64, library.n_inputs, generator=generator)
        sample = library.sample(500, x, generator)
        assert torch.isfinite(sample.values).all() and torch.isfinite(sample.gradients).all(), name


def test_f11_values_are_the_random_parabolas():
    library = FunctionLibrary.load("F11")
    x = torch.linspace(-3, 3, 11, dtype=torch.float64)[:, None]
    sample = library.sample(200, x, torch.Generator().manual_seed(1))
    # a parabola 0.05*N0*(x + 0.5*N1)**2 + 0.15*N2 has constant second difference 0.1*N0*h**2
    second = sample.values[:, 2:] - 2 * sample.values[:, 1:-1] + sample.values[:, :-2]
    assert torch.allclose(second, second[:, :1].expand_as(second), atol=1e-12)
    # and its derivative is linear with slope 0.1*N0 = second difference / h**2
    slope = (sample.gradients[:, 1:, 0] - sample.gradients[:, :-1, 0]) / 0.6
    assert torch.allclose(slope, second[:, :1] / 0.36, atol=1e-10)


def test_sample_shapes_dtype_and_template_frequencies():
    library = FunctionLibrary.load("general2d")
    x = torch.randn(25, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    sample = library.sample(9_000, x, torch.Generator().manual_seed(3))
    assert isinstance(sample, LibrarySample)
    assert sample.values.shape == (9_000, 25) and sample.gradients.shape == (9_000, 25, 2)
    assert sample.values.dtype == torch.float64 and sample.template_ids.dtype == torch.long
    counts = torch.bincount(sample.template_ids, minlength=len(library.templates)).double()
    expected = 9_000 / len(library.templates)
    assert ((counts - expected).abs() < 5 * expected**0.5).all()


def test_sample_rows_follow_their_templates():
    library = FunctionLibrary.from_strings(["N0*x0", "3 + 0*x0", "U0*x0**2"])
    x = torch.tensor([[1.0], [2.0]])
    sample = library.sample(300, x, torch.Generator().manual_seed(4))
    v, ids = sample.values, sample.template_ids
    assert torch.allclose(v[ids == 0, 1], 2 * v[ids == 0, 0])
    assert torch.equal(v[ids == 1], torch.full_like(v[ids == 1], 3.0))
    assert torch.allclose(v[ids == 2, 1], 4 * v[ids == 2, 0])
    assert (v[ids == 2] >= 0).all()
    assert torch.allclose(sample.gradients[ids == 2, :, 0], 2 * x[:, 0] * v[ids == 2, :1])


def test_sampling_is_deterministic_for_a_seed():
    library = FunctionLibrary.load("general1d")
    x = torch.randn(10, 1, generator=torch.Generator().manual_seed(0))
    a = library.sample(100, x, torch.Generator().manual_seed(7))
    b = library.sample(100, x, torch.Generator().manual_seed(7))
    assert torch.equal(a.values, b.values) and torch.equal(a.template_ids, b.template_ids)


def test_sample_rejects_points_of_the_wrong_shape():
    library = FunctionLibrary.load("general2d")
    with pytest.raises(ParameterError, match=r"shape \(P, 2\).*got \(10, 1\)"):
        library.sample(3, torch.zeros(10, 1), torch.Generator())
    with pytest.raises(ParameterError, match=r"got \(10,\)"):
        library.sample(3, torch.zeros(10), torch.Generator())


def test_from_strings_infers_or_checks_the_input_dimension():
    assert FunctionLibrary.from_strings(["x0", "x2"]).n_inputs == 3
    assert FunctionLibrary.from_strings(["x0"], n_inputs=2).n_inputs == 2
    with pytest.raises(FormulaError, match=r"^<string>:2:1: input column 2 out of range for 2"):
        FunctionLibrary.from_strings(["x0", "x2"], n_inputs=2)
    with pytest.raises(ParameterError, match="'n_inputs' parameter .* Got 0 instead"):
        FunctionLibrary.from_strings(["x0"], n_inputs=0)
    with pytest.raises(ParameterError, match="no templates"):
        FunctionLibrary.from_strings(["# only a comment", ""])


def test_mismatched_given_derivative_warns_with_location_and_is_replaced(tmp_path):
    path = tmp_path / "mine.lib"
    path.write_text("# comment\nN0*x0**2; 2*N0*x0\nx0*x1; x1; 2*x0\n")
    with pytest.warns(DerivativeMismatchWarning, match=r"^mine\.lib:3:12: .*input column 1") as record:
        library = FunctionLibrary.from_file(path)
    assert len(record) == 1
    assert library.mismatched_derivatives == [(1, 1)]
    sample = library.sample(50, torch.tensor([[2.0, 5.0]]), torch.Generator().manual_seed(0))
    product_gradients = sample.gradients[sample.template_ids == 1]
    assert product_gradients.shape[0] > 0
    assert (product_gradients == torch.tensor([5.0, 2.0])).all()


def test_bad_file_gives_one_line_error_with_file_and_line(tmp_path):
    path = tmp_path / "bad.lib"
    path.write_text("x0**2\nnp.sin(X07[:,0]) + os.getcwd()\n")
    with pytest.raises(FormulaError, match=r"^bad\.lib:2:20: unknown function attribute 'getcwd'") as info:
        FunctionLibrary.load(str(path))
    assert "\n" not in str(info.value)


def test_load_errors_for_missing_files_and_unknown_names(tmp_path):
    with pytest.raises(DataFileError, match="does not exist"):
        FunctionLibrary.load(str(tmp_path / "missing.lib"))
    with pytest.raises(ParameterError, match=r"unknown built-in library 'F99' \(available: F11"):
        FunctionLibrary.load("F99")


@pytest.mark.skipif(not SYMREP_FILES, reason="symrep reference files not available")
@pytest.mark.parametrize("path", SYMREP_FILES, ids=[p.name for p in SYMREP_FILES])
def test_every_symrep_library_loads_and_samples(path):
    library = FunctionLibrary.load(str(path))
    assert len(library.templates) == sum(1 for line in path.read_text().splitlines() if line.strip())
    x = torch.randn(20, library.n_inputs, generator=torch.Generator().manual_seed(0))
    sample = library.sample(200, x, torch.Generator().manual_seed(1))
    assert torch.isfinite(sample.values).all()


@pytest.mark.skipif(not SYMREP_FILES, reason="symrep reference files not available")
def test_report_of_symrep_derivatives_that_disagree():
    """The symrep files' written derivatives all agree with the automatic ones (checked
    2026-11: none disagrees); a new disagreement shows up here as file:line:column."""
    disagreeing = []
    for path in SYMREP_FILES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DerivativeMismatchWarning)
            library = FunctionLibrary.from_file(path)
        disagreeing += [library.templates[t].location(c + 1) for t, c in library.mismatched_derivatives]
    n_given = sum(
        len(t.given_derivatives) for p in SYMREP_FILES for t in FunctionLibrary.from_file(p).templates
    )
    assert n_given == 3 * 9 * 2 + 2  # F07_v2..v4: 9 lines x 2 columns each; F10, F11: 1
    assert disagreeing == []


def test_symrep_f07_template_values_match_numpy():
    library = FunctionLibrary.from_strings(["5*N0*np.sin(3*U0*X07[:,0]);3*U0*5*N0*np.cos(3*U0*X07[:,0]);0"])
    x = torch.randn(30, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    generator = torch.Generator().manual_seed(9)
    sample = library.sample(4, x, generator)
    replay = torch.Generator().manual_seed(9)
    torch.randint(1, (4,), generator=replay)
    n0 = torch.randn(4, generator=replay, dtype=torch.float64).numpy()[:, None]
    u0 = torch.rand(4, generator=replay, dtype=torch.float64).numpy()[:, None]
    a = x[:, 0].numpy()[None]
    np.testing.assert_allclose(sample.values.numpy(), 5 * n0 * np.sin(3 * u0 * a), rtol=1e-12)
    np.testing.assert_allclose(sample.gradients[..., 0].numpy(), 15 * u0 * n0 * np.cos(3 * u0 * a), rtol=1e-12)


def test_importing_the_package_and_parsing_do_not_import_torch():
    code = (
        "import sys, oraclelab.symbolic as s; "
        "s.parse_template('N0*sin(x0)'); "
        "assert 'torch' not in sys.modules and 'sympy' not in sys.modules; "
        "s.FunctionLibrary; assert 'torch' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_sample_follows_the_device_and_dtype_of_the_points(device, dtype):
    library = FunctionLibrary.load("general2d")
    x = torch.randn(8, 2, generator=torch.Generator().manual_seed(0), dtype=dtype).to(device)
    sample = library.sample(40, x, torch.Generator().manual_seed(1))
    assert sample.values.device.type == sample.gradients.device.type == sample.template_ids.device.type == device
    assert sample.values.dtype == sample.gradients.dtype == dtype
    reference = library.sample(40, x.cpu().double(), torch.Generator().manual_seed(1))
    assert torch.equal(sample.template_ids.cpu(), reference.template_ids)
    assert torch.allclose(sample.values.cpu().double(), reference.values, rtol=1e-4, atol=1e-4)


def test_library_reports_the_functions_and_operators_its_templates_use():
    from oraclelab.symbolic import FunctionLibrary

    library = FunctionLibrary.from_strings(["N0*sin(U0*x0) + exp(x0)/2", "x0**2 - N1"])
    assert library.functions == ("exp", "sin")
    assert library.operators == ("*", "**", "+", "-", "/")
    assert FunctionLibrary.builtin("F11").functions == ()
    assert "/" not in FunctionLibrary.builtin("F11").operators
