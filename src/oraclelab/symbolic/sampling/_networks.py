"""Batched random MLPs: the "fake" functions a critic learns to tell from formulas.

A random network is a freshly initialised MLP ``d -> width -> ... -> width -> latent_width``
with PyTorch's default ``nn.Linear`` initialisation (``kaiming_uniform_(a=sqrt(5))``:
weights and biases uniform on ``[-1/sqrt(fan_in), 1/sqrt(fan_in)]``). One latent unit
(a column of the last, linear layer) is one sampled function.

The defaults follow symrep's ``SRNet`` whose latent features the symbolic discriminator
judged: ``hid_num=(2, 0)``, ``hid_size=32``, ``lat_size=3``, ``nn.ReLU`` hidden
activations and a linear latent layer (``srnet.py``, ``train_disc.py``).

S networks are evaluated together with stacked weights and batched matmuls; the input
Jacobian is carried forward alongside the values (forward-mode, closed form: activation
derivative times weights), which costs ``d`` extra channels per layer.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable

import torch

from oraclelab._validation import check_choice, check_int_at_least
from oraclelab.symbolic.sampling._activations import NETWORK_ACTIVATIONS

#: writes activation(z) into ``out`` and returns activation'(z); both shaped like z.
Activation = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _relu(z: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    torch.clamp(z, min=0.0, out=out)
    return torch.sign(out)  # 1 where z > 0; much faster on CPU than casting a bool mask


def _leaky_relu(z: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    slope = 0.01
    out.copy_(torch.nn.functional.leaky_relu(z, slope))
    return slope + (1.0 - slope) * torch.sign(torch.relu(z))


def _tanh(z: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    torch.tanh(z, out=out)
    return 1.0 - out * out


def _sigmoid(z: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    torch.sigmoid(z, out=out)
    return out * (1.0 - out)


def _elu(z: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    out.copy_(torch.nn.functional.elu(z))
    return torch.exp(torch.clamp(z, max=0.0))


def _silu(z: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    s = torch.sigmoid(z)
    torch.mul(z, s, out=out)
    return s * (1.0 + z * (1.0 - s))


def _softplus(z: torch.Tensor, out: torch.Tensor) -> torch.Tensor:
    out.copy_(torch.nn.functional.softplus(z))
    return torch.sigmoid(z)


#: name -> activation (see ``Activation``): ``_<name>`` for each of :data:`NETWORK_ACTIVATIONS`.
ACTIVATIONS: dict[str, Activation] = {name: globals()[f"_{name}"] for name in NETWORK_ACTIVATIONS}


def default_uniform(shape: tuple[int, ...], fan_in: int, *, generator: torch.Generator | None,
                    device: torch.device | str = "cpu", dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Draw ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``: ``nn.Linear``'s default weights and biases.

    Drawn on the generator's device (so a seed gives the same numbers wherever the
    result goes), then moved to ``device``.
    """
    where = generator.device if generator is not None else torch.device("cpu")
    bound = 1.0 / math.sqrt(fan_in)
    sample = torch.rand(shape, generator=generator, device=where, dtype=dtype)
    return ((2.0 * sample - 1.0) * bound).to(device)


@dataclass(frozen=True)
class RandomNetworkConfig:
    """Architecture of the random networks.

    Parameters
    ----------
    depth : number of hidden layers (0 means the latent is a linear function of x).
    width : units per hidden layer.
    activation : hidden activation, one of ``ACTIVATIONS``.
    latent_width : units of the linear latent layer; each unit is one sampled function.
    """

    depth: int = 2
    width: int = 32
    activation: str = "relu"
    latent_width: int = 3

    def __post_init__(self) -> None:
        owner = "RandomNetworkConfig"
        check_int_at_least(self.depth, "depth", owner, 0)
        check_int_at_least(self.width, "width", owner, 1)
        check_int_at_least(self.latent_width, "latent_width", owner, 1)
        check_choice(self.activation, "activation", owner, tuple(ACTIVATIONS))


@dataclass(frozen=True)
class RandomNetworks:
    """S random networks with stacked parameters.

    Attributes
    ----------
    weights : tuple of Tensors of shape (S, fan_out, fan_in): hidden layers, then the
        latent layer.
    biases : tuple of Tensors of shape (S, fan_out, 1), matching ``weights``.
    activation : name of the hidden activation.
    """

    weights: tuple[torch.Tensor, ...]
    biases: tuple[torch.Tensor, ...]
    activation: str

    def __call__(self, points: torch.Tensor, *, jacobians: bool = True) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Values and input Jacobians of every latent unit of every network.

        Channels first: pre-activations ``z`` are (S, units, P) and their derivatives
        ``dz/dx`` (S, units, d, P), carried forward layer by layer (forward mode:
        ``dz'/dx = W' (act'(z) * dz/dx)``), two batched matmuls per layer.

        Parameters
        ----------
        points : Tensor of shape (P, d).
        jacobians : when False only values are computed (half the work) and None is
            returned in place of the Jacobians.

        Returns
        -------
        values : Tensor of shape (S, L, P), L = latent width.
        jacobians : Tensor of shape (S, L, P, d), ``d value / d x``, or None.
        """
        act = ACTIVATIONS[self.activation]
        n_points, n_inputs = points.shape
        weight = self.weights[0]
        z = torch.matmul(weight, points.T).add_(self.biases[0])
        dz = None  # the first layer's dz/dx is ``weight`` at every point
        for weight_next, bias in zip(self.weights[1:], self.biases[1:]):
            h = torch.empty_like(z)
            slope = act(z, h)[:, :, None, :]
            if jacobians:
                dh = weight[..., None] * slope if dz is None else dz * slope
                dz = torch.bmm(weight_next, dh.flatten(2)).unflatten(2, (n_inputs, n_points))
            weight = weight_next
            z = torch.bmm(weight, h).add_(bias)
        if not jacobians:
            return z, None
        if dz is None:
            dz = weight[..., None].expand(-1, -1, -1, n_points)
        return z, dz.transpose(-1, -2)


def sample_random_networks(n: int, n_inputs: int, config: RandomNetworkConfig = RandomNetworkConfig(), *,
                           generator: torch.Generator | None = None, device: torch.device | str = "cpu",
                           dtype: torch.dtype = torch.float32) -> RandomNetworks:
    """Draw ``n`` freshly initialised networks ``d -> width^depth -> latent_width``.

    Layer by layer, weights (n, fan_out, fan_in) then biases (n, fan_out, 1) are drawn
    from ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` as ``nn.Linear`` does.
    """
    check_int_at_least(n, "n", "sample_random_networks", 1)
    sizes = [n_inputs] + [config.width] * config.depth + [config.latent_width]
    weights, biases = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        weights.append(default_uniform((n, fan_out, fan_in), fan_in, generator=generator, device=device, dtype=dtype))
        biases.append(default_uniform((n, fan_out, 1), fan_in, generator=generator, device=device, dtype=dtype))
    return RandomNetworks(tuple(weights), tuple(biases), config.activation)


def random_network_functions(n: int, points: torch.Tensor, config: RandomNetworkConfig = RandomNetworkConfig(), *,
                             generator: torch.Generator | None = None, gradients: bool = True,
                             per_network: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` random-network latent functions on ``points`` (P, d).

    Every latent unit of a network is one function, as the ``latent_width`` latents of
    one symrep SRNet were: ``ceil(n / per_network)`` networks are drawn, each with
    ``per_network`` latent units (default ``config.latent_width``), and their units taken
    in order (network-major). A unit's weights and bias are drawn independently of how
    many units its layer has, so every function has the distribution of a latent unit
    of a fresh ``config`` network whatever ``per_network`` is; a larger ``per_network``
    shares the hidden layers among more functions (cheaper, but the functions of one
    network are not independent of each other).

    With ``gradients=False`` the Jacobians are not computed and the returned gradients
    are a zero tensor (an expanded view, no memory); the values are the same.

    Returns
    -------
    values : Tensor of shape (n, P).
    gradients : Tensor of shape (n, P, d).
    """
    if per_network is not None and per_network != config.latent_width:
        check_int_at_least(per_network, "per_network", "random_network_functions", 1)
        config = replace(config, latent_width=per_network)
    networks = sample_random_networks(-(-n // config.latent_width), points.shape[-1], config, generator=generator,
                                      device=points.device, dtype=points.dtype)
    values, jacobians = networks(points, jacobians=gradients)
    if jacobians is None:
        return values.flatten(0, 1)[:n], points.new_zeros(()).expand(n, *points.shape)
    return values.flatten(0, 1)[:n], jacobians.flatten(0, 1)[:n]
