"""The study folder's locks: a server holds the whole study, a terminal its participant."""

from __future__ import annotations

import pytest

from oraclelab.cli._study_folder import metric_path, study_lock
from oraclelab.elicit.person._study import safe_name
from oraclelab.errors import RunError


def test_a_served_study_takes_no_terminal_and_a_terminal_study_no_server(tmp_path):
    with study_lock(tmp_path):
        with pytest.raises(RunError, match="being served"):
            with study_lock(tmp_path, "ann"):
                pass
        with pytest.raises(RunError, match="in use by another process"):
            with study_lock(tmp_path):
                pass
    with study_lock(tmp_path, "ann"):
        with pytest.raises(RunError, match="in use by another process"):
            with study_lock(tmp_path):
                pass


def test_two_terminals_share_a_study_but_not_a_participant(tmp_path):
    with study_lock(tmp_path, "ann"), study_lock(tmp_path, "bob"):
        with pytest.raises(RunError, match="Another 'elicit ask' is answering as 'ann'"):
            with study_lock(tmp_path, "ann"):
                pass
    with study_lock(tmp_path, "ann"):  # released on exit
        pass


def test_names_become_safe_file_names(tmp_path):
    assert safe_name("ann lee/../x") == "ann_lee_.._x"
    assert metric_path(tmp_path, "a b").name == "metric_a_b.json"
