"""Fair performance metric elicitation (FPME): a group-fair metric from pairwise comparisons.

The hidden metric trades a group-weighted performance term against weighted rate gaps
between every pair of groups: phi(R) = (1 - lam) <a, sum_g T_g * r_g> +
(lam/2) sum_{g<h} (r_g - r_h)' B_gh (r_g - r_h). ``elicit_fair`` recovers (a, B, lam) by LPME
and one QME per parameterisation of the groups (the QME engine, batched over trials), then
a small linear system. ``published_fair_instances`` replays the published scripts' random
instances; ``FairStudyConfig`` and ``run_fair_study`` drive ``oraclelab elicit fair-study``.
"""

from oraclelab.elicit.fair._error_metrics import fair_errors
from oraclelab.elicit.fair._fpme import FAIR_MODES, FairResult, check_fair_gradients, elicit_fair
from oraclelab.elicit.fair._groups import cut_matrix, group_pairs, parameterisation_label, parameterisations
from oraclelab.elicit.fair._instances import fair_well_formed, published_fair_instances, random_fair_instances
from oraclelab.elicit.fair._metric import FairMetric, moved_shares
from oraclelab.elicit.fair._oracle import FairOracle, HiddenFairOracle
from oraclelab.elicit.fair._recovery import SCALES, Recovery, recover, scale_estimates, solve_pairs

__all__ = [
    "FairMetric", "moved_shares", "FairOracle", "HiddenFairOracle",
    "group_pairs", "parameterisations", "parameterisation_label", "cut_matrix",
    "published_fair_instances", "random_fair_instances", "fair_well_formed",
    "elicit_fair", "FairResult", "FAIR_MODES", "check_fair_gradients",
    "SCALES", "Recovery", "recover", "scale_estimates", "solve_pairs",
    "fair_errors",
]
