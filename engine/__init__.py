"""Pure scenario core: schema, loader, KSIM simulation and ensemble; no UI imports."""

from engine.ensemble import Projection, run_ensemble, sample_coefficients
from engine.loader import Problem, ScenarioError, load_scenario, parse_scenario
from engine.model import Model
from engine.schema import Scenario
from engine.simulation import compile_scenario, point_run, resolve_drivers, simulate

MODEL_VERSION = "ksim-1"

__all__ = [
    "MODEL_VERSION",
    "Model",
    "Problem",
    "Projection",
    "Scenario",
    "ScenarioError",
    "compile_scenario",
    "load_scenario",
    "parse_scenario",
    "point_run",
    "resolve_drivers",
    "run_ensemble",
    "sample_coefficients",
    "simulate",
]
