"""Metric elicitation: recover a stakeholder's performance metric from pairwise preferences.

Rates live in R^q (q = k*k - k off-diagonal confusion rates for k classes). An ``Oracle``
answers which of two rate vectors it prefers; ``lpme`` elicits a linear metric's direction by
searching spherical angles; ``elicit_quadratic`` (QME) runs LPME on q + 2 small spheres and
solves for (a, B) of score(r) = <a, r> + 1/2 r'Br. ``elicit_active`` keeps a posterior over
the metric under an explicit answer model (``FlipNoise``, ``IndifferenceNoise``,
``LogisticNoise``) and asks the most informative pair anywhere in the sphere; it reports
uncertainty with its estimates. Everything is batched over trials.
"""

from oraclelab.elicit._data import (
    BUNDLED_DATASETS,
    ValidationData,
    load_validation_file,
    read_column,
    split_validation,
    validation_from_arrays,
    validation_from_bundled,
    validation_from_estimator,
)
from oraclelab.elicit._elicited_metric import ElicitedMetric, Ranking, rank_predictions
from oraclelab.elicit._active import DEFAULT_TOL, ActiveElicitor, ActiveResult, Query, elicit_active
from oraclelab.elicit._answers import AnswerModel, LogisticNoise, answer_model, parse_answer_model
from oraclelab.elicit._estimators import ActiveMetricElicitor, LinearMetricElicitor, QuadraticMetricElicitor
from oraclelab.elicit._feature_maps import FeatureMap, RateFeatures
from oraclelab.elicit._features import features, n_parameters, pack_metric, pair_features, unpack_metric
from oraclelab.elicit._judge import JudgeConfig
from oraclelab.elicit._likelihood import AnswerLikelihood
from oraclelab.elicit._noise_study import NoiseStudyConfig, NoiseStudyRow, NoiseStudyTable, information_limit, run_noise_study
from oraclelab.elicit._geometry import Sphere, angles_to_unit, n_rates, orthant_ranges, sign_test_directions, unit_to_angles
from oraclelab.elicit._lpme import LPMEResult, classic_halvings, elicit_linear, lpme
from oraclelab.elicit._metrics import (
    QuadraticMetric,
    is_well_formed,
    published_metrics,
    random_metrics,
    random_spd_matrices,
    regularity_margins,
)
from oraclelab.elicit._oracles import Arcs, FlipNoise, HiddenMetricOracle, IndifferenceNoise, NoiseModel, Oracle
from oraclelab.elicit._outputs import WorstCase, find_worst
from oraclelab.elicit._plots import plot_noise_study
from oraclelab.elicit._qme import (
    GradientCheck,
    QMEResult,
    check_gradients,
    elicit_quadratic,
    gradient_names,
    qme_from_true_gradients,
    solve_quadratic,
    true_gradients,
)
from oraclelab.elicit._rate_space import (
    RateSpace,
    build_rate_space,
    confusion_rates,
    expected_rates,
    rate_pairs,
    trivial_rates,
)
from oraclelab.elicit._realise import RealisedClassifier, binomial_band, max_rate_gap, realise, realise_many
from oraclelab.elicit._records import EstimateRecord, load_metrics_file, load_record
from oraclelab.elicit._study import PUBLISHED_MEDIANS, Elicitation, StudyConfig, elicit_with, run_study
from oraclelab.elicit._simulate import SimulationResult, simulate_on_data
from oraclelab.elicit._simulate_config import SimulateConfig, run_simulation

__all__ = [
    "n_rates", "Sphere", "angles_to_unit", "unit_to_angles", "orthant_ranges", "sign_test_directions",
    "QuadraticMetric", "random_metrics", "published_metrics", "random_spd_matrices", "is_well_formed", "regularity_margins",
    "Oracle", "HiddenMetricOracle", "Arcs", "NoiseModel", "AnswerModel", "FlipNoise", "IndifferenceNoise", "LogisticNoise",
    "AnswerLikelihood", "answer_model", "parse_answer_model", "JudgeConfig",
    "NoiseStudyConfig", "NoiseStudyRow", "NoiseStudyTable", "run_noise_study", "information_limit", "plot_noise_study",
    "elicit_active", "ActiveElicitor", "ActiveResult", "Query", "DEFAULT_TOL",
    "n_parameters", "features", "pair_features", "pack_metric", "unpack_metric", "FeatureMap", "RateFeatures",
    "lpme", "elicit_linear", "LPMEResult", "classic_halvings",
    "elicit_quadratic", "QMEResult", "solve_quadratic", "qme_from_true_gradients", "true_gradients",
    "check_gradients", "GradientCheck", "gradient_names",
    "LinearMetricElicitor", "QuadraticMetricElicitor", "ActiveMetricElicitor",
    "StudyConfig", "run_study", "PUBLISHED_MEDIANS", "Elicitation", "elicit_with",
    "EstimateRecord", "load_record", "load_metrics_file", "find_worst", "WorstCase",
    "ValidationData", "validation_from_arrays", "load_validation_file", "validation_from_estimator",
    "validation_from_bundled", "split_validation", "read_column", "BUNDLED_DATASETS",
    "rate_pairs", "confusion_rates", "expected_rates", "trivial_rates", "RateSpace", "build_rate_space",
    "RealisedClassifier", "realise", "realise_many", "binomial_band", "max_rate_gap",
    "ElicitedMetric", "Ranking", "rank_predictions",
    "SimulationResult", "simulate_on_data", "SimulateConfig", "run_simulation",
]
