"""The fair study: configuration checks, the grid, the instance streams and resuming."""

import numpy as np
import pytest

from oraclelab.elicit.fair._study import FairStudyConfig, fair_record_name, run_fair_study
from oraclelab.errors import ParameterError
from oraclelab.runs import RunFolder


@pytest.mark.parametrize("changes, name", [
    ({"groups": ()}, "groups"), ({"groups": (1,)}, "groups"), ({"classes": (2, 1)}, "classes"),
    ({"trials": 0}, "trials"), ({"mode": "nope"}, "mode"), ({"tol": 0}, "tol"), ({"instances": "nope"}, "instances"),
    ({"seed": 2**32}, "seed"),
])
def test_bad_settings_are_refused(changes, name):
    with pytest.raises(ParameterError, match=f"'{name}'"):
        FairStudyConfig(**changes)


def test_the_grid_and_the_streams():
    config = FairStudyConfig(groups=(2, 3), classes=(2,), trials=2)
    assert config.configurations() == [(2, 2), (3, 2)]
    published = run_fair_study(config)
    own = run_fair_study(FairStudyConfig(groups=(2, 3), classes=(2,), trials=2, instances="pcg64"))
    assert [r.label for r in published] == ["m2-k2", "m3-k2"]
    assert not np.allclose(published[0].metric.a, own[0].metric.a)
    assert [r.result.comparisons[0] for r in own] == [650, 1690]


def test_resume_loads_finished_configurations(tmp_path):
    config = FairStudyConfig(groups=(2,), classes=(2, 3), trials=2, mode="robust")
    folder = RunFolder(tmp_path)
    first = run_fair_study(config, folder=folder)
    (tmp_path / fair_record_name(2, 3)).unlink()
    again = run_fair_study(config, folder=folder, resume=True)
    assert again[0].seconds == first[0].seconds  # loaded
    np.testing.assert_array_equal(again[1].result.B, first[1].result.B)  # rerun, same numbers
