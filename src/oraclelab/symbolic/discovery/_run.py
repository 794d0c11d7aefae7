"""One discovery run end to end: data, critic, model training, distillation, run folder."""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path
from typing import Any, Mapping

import torch
import yaml

from oraclelab.runs import RunFolder, progress_bar
from oraclelab.symbolic.discovery._config import DiscoveryConfig
from oraclelab.symbolic.discovery._data import DiscoveryData, load_discovery_data
from oraclelab.symbolic.discovery._readout import distill, distillation_steps
from oraclelab.symbolic.discovery._purity import PurifiedModel, purify
from oraclelab.symbolic.discovery._regulariser import CriticRegulariser
from oraclelab.symbolic.discovery._train import evaluate, train_discovery
from oraclelab.symbolic.models import build_model

logger = logging.getLogger(__name__)

#: The purified sum-output model (base weights plus reference rows and routing), beside model.pt.
PURIFIED_MODEL = "model_purified.pt"


def _save_model(run: RunFolder, name: str, model: torch.nn.Module) -> None:
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    run.write_bytes(name, buffer.getvalue())


def _critic(config: DiscoveryConfig, data: DiscoveryData, run: RunFolder, resume: bool):
    """The critic, its point set and its training settings: from --critic-dir, or trained into DIR/critic."""
    from oraclelab.symbolic.training._loop import load_critic, load_critic_points, train_critic

    critic_dir = Path(config.critic_dir) if config.critic_dir else run.path / "critic"
    if config.critic_dir is None and not (critic_dir / "critic.pt").exists():
        library = config.library or _default_library(config, data)
        points = config.critic_points or _default_points(data)
        train_critic({"library": library, "points": points, "critic": config.critic, "seed": config.seed,
                      "max_seconds": config.critic_max_seconds}, critic_dir, resume=resume, figures=False)
    return load_critic(critic_dir), load_critic_points(critic_dir), _critic_settings(critic_dir)


def _critic_settings(critic_dir: Path) -> dict:
    """The training settings (config.yaml) of a train-critic run folder."""
    return yaml.safe_load((critic_dir / "config.yaml").read_text(encoding="utf-8"))


def _default_library(config: DiscoveryConfig, data: DiscoveryData) -> str:
    """The built-in library named like the problem (F11), else the general one for the input dimension."""
    from oraclelab.symbolic import list_builtin_libraries

    if config.problem in list_builtin_libraries():
        return config.problem
    return "general1d" if data.X.shape[1] == 1 else "general2d"


def _default_points(data: DiscoveryData) -> str:
    lo, hi = float(data.X.min()), float(data.X.max())
    if data.X.shape[1] == 1:
        return f"grid:{lo:g}:{hi:g}:{min(len(data.X), 700)}"
    return f"normal:256:{data.X.shape[1]}"


def discover(config: DiscoveryConfig | Mapping[str, Any], out_dir: str | Path, *, resume: bool = False) -> dict[str, Any]:
    """Train a latent model under a critic, distil it to a formula, write the run folder; return the summary."""
    config = config if isinstance(config, DiscoveryConfig) else DiscoveryConfig.from_dict(config)
    run = RunFolder(out_dir, resume=resume)
    run.write_config(config.to_dict())
    start = time.perf_counter()
    torch.manual_seed(config.seed)
    data = load_discovery_data(config)
    from oraclelab.symbolic import FunctionLibrary

    if config.critic_weight > 0:
        critic, points, critic_settings = _critic(config, data, run, resume)
        subset = 256 if critic_settings.get("critic") == "set" else None
        regulariser = CriticRegulariser(critic, points, weight=config.critic_weight, shape=config.shape,
                                        point_subset=subset, generator=torch.Generator().manual_seed(config.seed + 1))
        library = FunctionLibrary.load(critic_settings["library"])
    else:  # no critic to train: its library still guides the read-out
        regulariser = None
        name = config.library or (_critic_settings(Path(config.critic_dir))["library"] if config.critic_dir
                                  else _default_library(config, data))
        library = FunctionLibrary.load(name)
    n_latents = config.n_latents or data.n_true_latents or 3
    model = build_model(config.model, data.X.shape[1], n_latents, **config.model_hyper)  # after the critic's draws
    state = train_discovery(config, data, model, regulariser, run, library=library, resume=resume)
    _save_model(run, "model.pt", model)
    run.write_json("model.json", model.config)
    min_corr_raw = evaluate(model, data, "validation")[1]
    if config.purity > 0 and model.outer.kind == "sum" and data.X.shape[1] > 1:
        model = purify(model, torch.as_tensor(data.part("train", data.X), dtype=torch.float32))
        _save_model(run, PURIFIED_MODEL, model)
    val_loss, min_corr = evaluate(model, data, "validation")
    with progress_bar("distillation", total=distillation_steps(model, config)) as bar:
        distilled = distill(model, data, config, library=library, progress=bar)
    summary = {"problem": config.problem, "data": config.data, "min_corr": min_corr, "val_loss": val_loss,
               **distilled.summary(), "purified": isinstance(model, PurifiedModel), "min_corr_unpurified": min_corr_raw,
               "epochs": state.epoch, "training_seconds": state.seconds,
               "seconds": time.perf_counter() - start}
    run.write_summary(summary)
    from oraclelab.symbolic.discovery._figures import write_discovery_figures

    write_discovery_figures(run, state.rows, model, data)
    logger.info("discovery: min_corr %s, R^2 test %.6g, equivalent %s", min_corr, summary["r2_test"], summary["equivalent"])
    return summary
