"""Libraries generated for any number of inputs (terms:D, poly:D)."""

import pytest
import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic import FunctionLibrary
from oraclelab.symbolic.formulas._generated import generated_templates, is_generated


@pytest.mark.parametrize("d", [1, 2, 3, 5, 8])
def test_counts_by_dimension(d):
    pairs = d * (d - 1) // 2
    assert len(generated_templates(f"terms:{d}")) == 5 * d + 10 * pairs
    assert len(generated_templates(f"poly:{d}")) == 1 + d + pairs


@pytest.mark.parametrize("spec", ["terms:1", "terms:3", "poly:2", "poly:5"])
def test_every_template_parses_uses_every_input_and_is_finite_on_the_data_range(spec):
    library = FunctionLibrary.load(spec)
    d = int(spec.split(":")[1])
    assert library.name == spec and library.n_inputs == d
    assert len(library.templates) == len(generated_templates(spec))
    points = torch.linspace(-3.5, 3.5, 64)[:, None].repeat(1, d)  # the range of standard normal inputs
    points[:, ::2] = points[:, ::2].flip(0)
    library.check_finite(points.double(), torch.Generator().manual_seed(0), n_draws=8)


def test_names_and_mistakes():
    assert is_generated("terms:4") and not is_generated("terms") and not is_generated("F11") and not is_generated("x:2")
    with pytest.raises(ParameterError, match="unknown generated library 'terms:0'"):
        generated_templates("terms:0")
