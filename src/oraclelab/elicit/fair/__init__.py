"""Fair performance metric elicitation (FPME): a group-fair metric from pairwise comparisons.

The hidden metric trades a group-weighted performance term against weighted rate gaps
between every pair of groups: phi(R) = (1 - lam) <a, sum_g T_g * r_g> +
(lam/2) sum_{g<h} (r_g - r_h)' B_gh (r_g - r_h). ``elicit_fair`` recovers (a, B, lam) by LPME
and one QME per parameterisation of the groups (the QME engine, batched over trials), then
a small linear system. ``published_fair_instances`` replays the published scripts' random
instances; ``FairStudyConfig`` and ``run_fair_study`` drive ``oraclelab elicit fair-study``.
``elicit_fair_active`` elicits the same metrics with the active elicitor over whole stacks of
group rates (``FairFeatures``), with credible intervals. On real data, ``grouped_rate_space``
splits the rows by a sensitive column, ``simulate_fair_on_data`` runs a simulated person on
realised group-aware classifiers, and ``ElicitedFairMetric`` is the exported metric.
"""

from oraclelab.elicit.fair._active import FAIR_TOL, FairActiveResult, elicit_fair_active
from oraclelab.elicit.fair._elicited import ElicitedFairMetric
from oraclelab.elicit.fair._error_metrics import fair_errors
from oraclelab.elicit.fair._features import FairFeatures, fair_parameters, pack_fair, stacked_metric
from oraclelab.elicit.fair._group_data import GroupedRateSpace, group_column, grouped_rate_space
from oraclelab.elicit.fair._fpme import FAIR_MODES, FairResult, check_fair_gradients, elicit_fair
from oraclelab.elicit.fair._groups import cut_matrix, group_pairs, parameterisation_label, parameterisations
from oraclelab.elicit.fair._instances import fair_well_formed, published_fair_instances, random_fair_instances
from oraclelab.elicit.fair._metric import FairMetric, moved_shares
from oraclelab.elicit.fair._oracle import FairOracle, HiddenFairOracle
from oraclelab.elicit.fair._recovery import SCALES, Recovery, recover, scale_estimates, solve_pairs
from oraclelab.elicit.fair._simulate_data import FairSimulation, RealisedFairOracle, hidden_fair_metrics, simulate_fair_on_data

__all__ = [
    "FairMetric", "moved_shares", "FairOracle", "HiddenFairOracle",
    "group_pairs", "parameterisations", "parameterisation_label", "cut_matrix",
    "published_fair_instances", "random_fair_instances", "fair_well_formed",
    "elicit_fair", "FairResult", "FAIR_MODES", "check_fair_gradients",
    "SCALES", "Recovery", "recover", "scale_estimates", "solve_pairs",
    "fair_errors",
    "FairFeatures", "pack_fair", "fair_parameters", "stacked_metric",
    "elicit_fair_active", "FairActiveResult", "FAIR_TOL",
    "GroupedRateSpace", "grouped_rate_space", "group_column",
    "RealisedFairOracle", "FairSimulation", "hidden_fair_metrics", "simulate_fair_on_data",
    "ElicitedFairMetric",
]
