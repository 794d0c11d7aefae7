"""ANOVA purity: a penalty that makes the latents of an additive model identifiable.

A sum of latents f = g_1 + ... + g_L can be split in many ways (x0**2 may sit in the latent
that also holds x0*x1). For independent inputs, the functional ANOVA decomposition
(Hooker 2007; "purification", Lengerich et al. 2020) is unique: every function is its mean,
one main effect per input m_j(x_j) = E[g | x_j] - E[g], and a remainder of interactions,
all mutually orthogonal. A latent is *pure* when one of these d + 1 parts carries all of
its variance (a function of one input, or an interaction without main effects). The
penalty is each latent's variance times the Gini impurity of its variance shares,
sum_l (V_l - sum_k V_lk**2 / V_l), which is zero exactly when every latent is pure, so the
additive model converges to the ANOVA components, e.g. 2.7*x0**2, 5*cos(3*x1) and
4.5*x0*x1 for F07. Main effects are estimated on a cross product: each of N rows' x_j
paired with a reference sample of M rows for the other inputs (the product of the
empirical marginals). With one input every latent is pure and the penalty is zero.
"""

from __future__ import annotations

import torch

from oraclelab.errors import ParameterError
from oraclelab.symbolic.models import LatentModel

__all__ = ["main_effects", "anova_parts", "anova_impurity", "PurifiedModel", "purify"]

#: Points per latent evaluation when estimating main effects (bounds memory, not the result).
_CHUNK_POINTS = 1 << 16


def main_effects(model: LatentModel, x: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """E over ``reference`` rows of each latent with input j taken from ``x``: shape (N, L, d).

    Point (n, j, m) is ``reference[m]`` with its j-th input replaced by ``x[n, j]``; rows of
    ``x`` are evaluated in chunks of about 65k points.
    """
    n, d = x.shape
    m = reference.shape[0]
    index = torch.arange(d, device=x.device)
    rows = max(1, _CHUNK_POINTS // (d * m))
    chunks = []
    for begin in range(0, n, rows):
        part = x[begin:begin + rows]
        grid = reference.expand(len(part), d, m, d).clone()
        grid[:, index, :, index] = part.T[:, :, None].expand(d, len(part), m)
        values = model.latents(grid.reshape(-1, d)).reshape(len(part), d, m, -1)
        chunks.append(values.mean(dim=2).transpose(1, 2))
    return torch.cat(chunks)


def anova_parts(model: LatentModel, x: torch.Tensor, reference: torch.Tensor,
                centre: torch.Tensor | None = None) -> torch.Tensor:
    """Each latent's ANOVA parts at ``x``: d main effects and the interaction remainder, (N, L, d + 1).

    The main effects are centred on the latent's mean over the product of the reference's
    marginals (``centre``, shape (L,), computed from ``reference`` when not given), so the
    parts of a latent sum to the latent minus that mean.
    """
    if centre is None:
        centre = grand_mean(model, reference)
    effects = main_effects(model, x, reference) - centre[:, None]
    remainder = model.latents(x) - centre - effects.sum(dim=-1)
    return torch.cat([effects, remainder[..., None]], dim=-1)


def grand_mean(model: LatentModel, reference: torch.Tensor) -> torch.Tensor:
    """Each latent's mean over the product of the reference's marginals, shape (L,)."""
    return main_effects(model, reference, reference)[:, :, 0].mean(dim=0)


def _variance_shares(parts: torch.Tensor) -> torch.Tensor:
    """Mean square of each part over rows, shape (L, d + 1)."""
    return (parts**2).mean(dim=0)


def anova_impurity(model: LatentModel, x: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """sum over latents of V_l times the Gini impurity of its ANOVA variance shares (a scalar).

    The shares are those of the d main effects and the interaction remainder, estimated at
    the rows ``x`` (N, d) with main effects averaged over ``reference`` (M, d); zero for d = 1.
    """
    if x.shape[1] == 1:
        return torch.zeros((), device=x.device)
    parts = _variance_shares(anova_parts(model, x, reference))
    variance = parts.sum(dim=-1).clamp_min(1e-12)
    return (variance - (parts**2).sum(dim=-1) / variance).sum()


class PurifiedModel(LatentModel):
    """A sum-output model with its latents re-split into pure ANOVA parts; the same prediction.

    ``routing`` (L, d + 1, L) sends part k of latent l to one latent. Each latent keeps its
    dominant part; a minor part moves to the latent that part dominates most (and stays
    where it is when no latent is dominated by it). Each latent also keeps its own mean, so
    the latents' sum, the prediction, is unchanged.
    """

    def __init__(self, base: LatentModel, reference: torch.Tensor, routing: torch.Tensor) -> None:
        super().__init__()
        if base.outer.kind != "sum":
            raise ParameterError(f"only a sum-output model can be purified without changing its prediction; "
                                 f"this one's output is {base.outer.kind!r}.")
        self.base = base
        self.n_inputs, self.n_latents, self.outer, self.config = base.n_inputs, base.n_latents, base.outer, base.config
        self.register_buffer("reference", reference)
        self.register_buffer("routing", routing)
        with torch.no_grad():
            self.register_buffer("centre", grand_mean(base, reference))

    def latents(self, x: torch.Tensor) -> torch.Tensor:
        parts = anova_parts(self.base, x, self.reference, self.centre)
        return torch.einsum("nlk,lkm->nm", parts, self.routing) + self.centre

    def regularisation(self) -> torch.Tensor:
        return self.base.regularisation()


def purification_routing(shares: torch.Tensor) -> torch.Tensor:
    """Routing (L, K, L) from variance shares (L, K): minor parts go to the latent they dominate most."""
    n_latents, n_parts = shares.shape
    dominant = shares.argmax(dim=-1)
    routing = torch.zeros(n_latents, n_parts, n_latents, dtype=shares.dtype)
    for latent in range(n_latents):
        for part in range(n_parts):
            owners = [m for m in range(n_latents) if dominant[m] == part]
            target = latent if part == dominant[latent] or not owners else max(owners, key=lambda m: shares[m, part])
            routing[latent, part, target] = 1.0
    return routing


@torch.no_grad()
def purify(model: LatentModel, X: torch.Tensor, max_reference: int = 1000) -> PurifiedModel:
    """Purify a trained sum-output model on its training inputs X (at most ``max_reference`` rows as reference)."""
    reference = X[:max_reference]
    shares = _variance_shares(anova_parts(model, reference, reference))
    return PurifiedModel(model, reference, purification_routing(shares))
