"""The Fellegi–Sunter model: m and u probabilities per comparison level, and their estimation.

- u (how often non-matching pairs fall in a level) is counted on random pairs of records:
  almost every random pair is a non-match.
- m (how often matching pairs fall in a level) and the share of matches among the compared
  pairs are estimated by expectation maximisation over the blocked candidate pairs, with u
  held fixed, starting from the configured model shipped in `default_model.json`.
- A pair's match weight is the sum over comparisons of log2(m/u) for its levels (unknown
  levels add nothing); its probability follows from the prior odds.
- Exact agreement on a name is adjusted for how common the name is (a shared "Smith" says
  less than a shared "Quigley"), as term-frequency adjustment does in Splink.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from coresponse.people.linkage.comparisons import (
    COMPARISON_BY_NAME,
    Comparison,
    PairLevels,
)

_DEFAULT_MODEL_FILE = Path(__file__).parent / "default_model.json"
# Probabilities never reach 0 or 1: one unseen level must not veto or force a match.
PROBABILITY_FLOOR = 1e-4
EM_MAX_ITERATIONS = 60
EM_TOLERANCE = 1e-5
FloatArray = npt.NDArray[np.float64]


@dataclass
class MatchModel:
    """m and u per level (index 0, "unknown", is unused) and the prior match probability."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float
    # Comparisons whose exact level is adjusted for value frequency.
    frequency_adjusted: tuple[str, ...] = ("first_name", "last_name")
    # Extra evidence against a match when fields agree that twins or a parent and child share.
    conflict_weight: float = 0.0
    # log2 of (expected same-person pairs) / (expected twins) among pairs that look like
    # twins, estimated from the list being deduplicated (`dedupe.estimate_relatives`);
    # None: not estimated, the conservative conflict weight applies; +inf: the list holds
    # no more twin-like pairs than its own recording errors explain.
    relatives_bits: float | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    def weights(self, name: str) -> FloatArray:
        """log2(m/u) per level of one comparison; 0 for "unknown"."""
        m = np.clip(np.asarray(self.m[name], dtype=np.float64), PROBABILITY_FLOOR, 1.0)
        u = np.clip(np.asarray(self.u[name], dtype=np.float64), PROBABILITY_FLOOR, 1.0)
        weights = np.log2(m / u)
        weights[0] = 0.0
        # Exact agreement is never weaker evidence than a near one, even when near
        # agreements are so rare among non-matches that their u makes them look stronger.
        weights[1] = max(weights[1:].max(), weights[1])
        return weights

    def to_json(self) -> str:
        return json.dumps(
            {
                "prior": self.prior,
                "m": self.m,
                "u": self.u,
                "frequency_adjusted": list(self.frequency_adjusted),
                "conflict_weight": self.conflict_weight,
                "relatives_bits": self.relatives_bits,
                "notes": self.notes,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str) -> MatchModel:
        raw = json.loads(text)
        return cls(
            m=raw["m"],
            u=raw["u"],
            prior=raw["prior"],
            frequency_adjusted=tuple(raw.get("frequency_adjusted", ())),
            conflict_weight=raw.get("conflict_weight", 0.0),
            relatives_bits=raw.get("relatives_bits"),
            notes=raw.get("notes", {}),
        )

    def copy(self) -> MatchModel:
        return MatchModel.from_json(self.to_json())


@functools.cache
def _default_model_text() -> str:
    return _DEFAULT_MODEL_FILE.read_text(encoding="utf-8")


def default_model() -> MatchModel:
    """The configured model (m and u of every level, prior), estimated on synthetic data."""
    return MatchModel.from_json(_default_model_text())


def estimate_u(levels: PairLevels) -> dict[str, list[float]]:
    """u per level from the levels of random pairs (add-one smoothing)."""
    estimates: dict[str, list[float]] = {}
    for column, comparison in enumerate(levels.comparisons):
        counts = np.bincount(levels.levels[:, column], minlength=comparison.level_count).astype(
            np.float64
        )
        counts[1:] = counts[1:] + 1.0
        known = counts[1:].sum()
        estimates[comparison.name] = [0.0, *(counts[1:] / known).tolist()]
    return estimates


def _patterns(levels: PairLevels) -> tuple[npt.NDArray[np.int8], FloatArray]:
    """Distinct rows of the level matrix and how many pairs share each."""
    if len(levels.levels) == 0:
        return levels.levels, np.zeros(0)
    patterns, counts = np.unique(levels.levels, axis=0, return_counts=True)
    return patterns, counts.astype(np.float64)


def _log_bayes_factors(
    model: MatchModel, comparisons: tuple[Comparison, ...], patterns: npt.NDArray[np.int8]
) -> FloatArray:
    total = np.zeros(len(patterns))
    for column, comparison in enumerate(comparisons):
        total += model.weights(comparison.name)[patterns[:, column]]
    return total


def estimate_m_and_prior(
    model: MatchModel,
    levels: PairLevels,
    *,
    iterations: int = EM_MAX_ITERATIONS,
    starting_prior: float | None = None,
) -> MatchModel:
    """EM over pairs: m and the share of matches among them re-estimated, u held fixed.

    Comparisons whose column is all "unknown" (excluded from a session) keep their m.
    """
    estimated = model.copy()
    patterns, counts = _patterns(levels)
    if not len(patterns):
        return estimated
    prior = min(max(starting_prior or model.prior, 1e-6), 0.5)
    iteration = 0
    for iteration in range(1, iterations + 1):  # noqa: B007 - reported after the loop
        bits = _log_bayes_factors(estimated, levels.comparisons, patterns)
        odds = np.exp2(np.clip(bits, -60, 60)) * prior / (1.0 - prior)
        posterior = odds / (1.0 + odds)
        weighted = posterior * counts
        new_prior = float(weighted.sum() / counts.sum())
        largest_change = abs(new_prior - prior)
        for column, comparison in enumerate(levels.comparisons):
            column_levels = patterns[:, column]
            per_level = np.bincount(
                column_levels, weights=weighted, minlength=comparison.level_count
            )
            known = per_level[1:].sum()
            if known <= 0:
                continue
            new_m = [0.0, *np.clip(per_level[1:] / known, PROBABILITY_FLOOR, 1.0).tolist()]
            old_m = estimated.m[comparison.name]
            largest_change = max(
                largest_change, max(abs(a - b) for a, b in zip(new_m, old_m, strict=True))
            )
            estimated.m[comparison.name] = new_m
        prior = min(max(new_prior, 1e-9), 0.5)
        if largest_change < EM_TOLERANCE:
            break
    estimated.prior = prior
    estimated.notes = {**estimated.notes, "em_iterations": iteration}
    return estimated


def match_weights(model: MatchModel, levels: PairLevels) -> FloatArray:
    """Sum of log2(m/u) over comparisons for each pair."""
    total = np.zeros(len(levels.levels))
    for column, comparison in enumerate(levels.comparisons):
        total += model.weights(comparison.name)[levels.levels[:, column]]
    return total


def probability_from_weight(weight: FloatArray | float, prior: float) -> FloatArray:
    """Posterior match probability from a match weight (bits) and the prior."""
    prior_bits = math.log2(prior / (1.0 - prior))
    bits = np.clip(np.asarray(weight, dtype=np.float64) + prior_bits, -60, 60)
    return 1.0 / (1.0 + np.exp2(-bits))


def frequency_adjustment(model: MatchModel, name: str, value_share: FloatArray) -> FloatArray:
    """Bits to add to an exact agreement on a value held by `value_share` of records.

    The exact level's u is the chance two random records agree on any value; agreeing on a
    particular value v happens with chance share(v) among non-matches, so the weight of
    that agreement is log2(m_exact / share(v)) rather than log2(m_exact / u_exact).
    """
    u_exact = max(model.u[name][1], PROBABILITY_FLOOR)
    share = np.clip(value_share, PROBABILITY_FLOOR, 1.0)
    adjustment = np.log2(u_exact / share)
    # Bounded, so one rare spelling cannot outweigh every other field.
    return np.clip(adjustment, -4.0, 4.0)


def comparison_named(name: str) -> Comparison:
    return COMPARISON_BY_NAME[name]
