"""sweep.yaml validation, argv building, objective key paths and command checks."""

from __future__ import annotations

import pytest

from oraclelab.errors import DataFileError
from oraclelab.runs._sweep import check_command
from oraclelab.runs._sweep_config import Objective, load_sweep_config, parse_sweep_config

@pytest.fixture
def root_command():
    """The click group of ``oraclelab`` (importing the CLI registers its batch runners)."""
    import typer

    from oraclelab.cli import app

    return typer.main.get_command(app)


VALID = {
    "command": ["elicit", "study", "--classes", "2"],
    "options": {"seed": 5, "classes": [2, 3], "resume": False},
    "space": {"tol": {"type": "float", "low": 0.001, "high": 0.1, "log": True},
              "trials": {"type": "int", "low": 2, "high": 10, "step": 2}},
    "objective": {"key": "rows.0.B_err_median"},
    "n_trials": 3,
}


def test_a_valid_sweep_file_parses_with_defaults(write_sweep):
    config = load_sweep_config(write_sweep())
    assert (config.study, config.sampler, config.seed, config.n_trials) == ("tiny", "random", 3, 4)
    assert config.objective.direction == "minimize" and config.space["tol"].log


def test_argv_repeats_lists_drops_false_flags_and_appends_params():
    config = parse_sweep_config({**VALID, "space": {"tol": VALID["space"]["tol"]}, "options": {"classes": [2, 3], "resume": False, "seed": 1}}, "s.yaml")
    assert config.argv({"tol": 0.01}) == ["elicit", "study", "--classes", "2", "--classes", "2", "--classes", "3",
                                          "--seed", "1", "--tol", "0.01"]
    assert parse_sweep_config({**VALID, "options": {"resume": True}}, "s.yaml").argv({})[-1] == "--resume"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"n_trials": 0}, "n_trials"),
        ({"space": {"tol": {"type": "float", "low": 1.0, "high": 0.5}}}, "space.tol"),
        ({"space": {"tol": {"type": "float", "low": 0.0, "high": 0.5, "log": True}}}, "space.tol"),
        ({"space": {"tol": {"type": "normal", "low": 0.0, "high": 0.5}}}, "space.tol"),
        ({"space": {"mode": {"type": "categorical", "choices": []}}}, "space.mode.choices"),
        ({"space": {"--tol": {"type": "float", "low": 0.1, "high": 0.5}}}, "space"),
        ({"options": {"out": "x"}}, "options"),
        ({"options": {"tol": 0.1}, "space": {"tol": {"type": "float", "low": 0.1, "high": 0.5}}}, "(top level)"),
        ({"objective": {"key": "x", "direction": "up"}}, "objective.direction"),
        ({"sampler": "grid"}, "sampler"),
        ({"unknown": 1}, "unknown"),
        ({"batch": 0}, "batch"),
    ],
)
def test_bad_fields_raise_one_line_errors_naming_file_and_field(change, field):
    with pytest.raises(DataFileError) as caught:
        parse_sweep_config({**VALID, **change}, "sweep.yaml")
    message = str(caught.value)
    assert message.startswith(f"sweep.yaml: field '{field}'") and "\n" not in message


def test_batch_needs_a_command_with_a_registered_batch_runner_and_may_change_on_resume(root_command):
    with pytest.raises(DataFileError, match=r"sweep.yaml: field 'batch': 'oraclelab elicit study' cannot run trials in batches"):
        check_command(parse_sweep_config({**VALID, "batch": 2}, "sweep.yaml"), "sweep.yaml", root_command)
    critics = {**VALID, "command": ["symbolic", "train-critic", "--library", "F11"], "options": {},
               "space": {"lr": VALID["space"]["tol"]}, "objective": {"key": "heldout_accuracy"}}
    batched = parse_sweep_config({**critics, "batch": 4}, "sweep.yaml")
    check_command(batched, "sweep.yaml", root_command)
    assert batched.batch == 4 and parse_sweep_config(critics, "sweep.yaml").batch == 1
    assert batched.same_sweep(parse_sweep_config(critics, "sweep.yaml"))
    assert not batched.same_sweep(parse_sweep_config({**critics, "batch": 4, "seed": 1}, "sweep.yaml"))


def test_unreadable_files_name_the_file(tmp_path):
    with pytest.raises(DataFileError, match="file not found"):
        load_sweep_config(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("space: [unclosed\n")
    with pytest.raises(DataFileError, match=r"broken.yaml: line \d+"):
        load_sweep_config(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n")
    with pytest.raises(DataFileError, match="expected a mapping"):
        load_sweep_config(listed)


def test_objective_reads_dotted_key_paths():
    summary = {"rows": [{"B_err_median": 0.5}, {"B_err_median": 2}], "ok": True, "name": "x"}
    assert Objective(key="rows.1.B_err_median").read(summary) == 2.0
    assert Objective(key="rows.-1.B_err_median").read(summary) == 2.0
    with pytest.raises(KeyError, match="stopped at '5'"):
        Objective(key="rows.5.B_err_median").read(summary)
    with pytest.raises(ValueError, match="not a number"):
        Objective(key="name").read(summary)
    with pytest.raises(ValueError, match="not a number"):
        Objective(key="ok").read(summary)


@pytest.mark.parametrize(
    "change, match",
    [({"command": ["elicit", "nope"]}, "field 'command': 'oraclelab elicit nope' is not a command"),
     ({"command": ["elicit"]}, "needs a sub-command"),
     ({"options": {"colour": "red"}}, "field 'options.colour': 'oraclelab elicit study' has no option --colour")],
)
def test_check_command_rejects_unknown_commands_and_options(change, match, root_command):
    with pytest.raises(DataFileError, match=match):
        check_command(parse_sweep_config({**VALID, **change}, "sweep.yaml"), "sweep.yaml", root_command)
    check_command(parse_sweep_config(VALID, "sweep.yaml"), "sweep.yaml", root_command)
