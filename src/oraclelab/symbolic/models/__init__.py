"""Discovery models with exposed latents and input Jacobians: MLP, DSN, SRNet."""

from oraclelab.symbolic.models._base import LatentModel, OuterFunction
from oraclelab.symbolic.models._dsn import DSN
from oraclelab.symbolic.models._factory import MODELS, build_model, model_from_config
from oraclelab.symbolic.models._mlp import MLP, SRNet

__all__ = ["LatentModel", "OuterFunction", "MLP", "SRNet", "DSN", "MODELS", "build_model", "model_from_config"]
