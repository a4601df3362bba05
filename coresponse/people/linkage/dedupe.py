"""The batch pipeline: block → compare → estimate → score → cluster."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coresponse.people.linkage.blocking import candidate_pairs
from coresponse.people.linkage.comparisons import (
    COMPARISON_FIELDS,
    COMPARISONS,
    Comparison,
    PairLevels,
    RecordTable,
    compare_pairs,
)
from coresponse.people.linkage.model import (
    MatchModel,
    default_model,
    estimate_m_and_prior,
    estimate_u,
    frequency_adjustment,
    match_weights,
    probability_from_weight,
)
from coresponse.people.linkage.records import PersonRecord

DEFAULT_THRESHOLD = 0.9
RANDOM_PAIRS = 300_000
# Below these sizes the data say too little; the configured model is used as it is.
MIN_RECORDS_FOR_U = 1_000
MIN_PAIRS_FOR_EM = 2_000
COMPARE_CHUNK = 250_000
IntArray = npt.NDArray[np.int64]
Progress = Callable[[int], None]


@dataclass
class DedupeResult:
    """Cluster number (from 1, in input order) per record, and what it took to get there."""

    cluster_of: list[int]
    compared_pairs: int
    matched_pairs: int
    skipped_blocks: int
    model: MatchModel


def active_comparisons(fields: set[str]) -> tuple[Comparison, ...]:
    """The comparisons for which at least one source field is present."""
    return tuple(
        comparison for comparison in COMPARISONS if set(COMPARISON_FIELDS[comparison.name]) & fields
    )


def _random_pairs(n: int, count: int, seed: int) -> tuple[IntArray, IntArray]:
    rng = np.random.default_rng(seed)
    left = rng.integers(0, n, size=count)
    right = rng.integers(0, n, size=count)
    distinct = left != right
    return left[distinct], right[distinct]


def _value_shares(table: RecordTable, name: str) -> npt.NDArray[np.float64]:
    codes = table.codes[name]
    counts = np.bincount(codes, minlength=len(table.values(name))).astype(np.float64)
    known = counts[1:].sum()
    return counts / known if known else counts


def scored_weights(
    model: MatchModel, table: RecordTable, left: IntArray, right: IntArray, levels: PairLevels
) -> npt.NDArray[np.float64]:
    """Match weights with frequency adjustment of exact names and the twin/parent conflict."""
    weights = match_weights(model, levels)
    columns = {comparison.name: index for index, comparison in enumerate(levels.comparisons)}
    for name in model.frequency_adjusted:
        # In a short list every name looks common or rare by accident.
        if name not in columns or table.size < MIN_RECORDS_FOR_U:
            continue
        exact = (levels.levels[:, columns[name]] == 1) & ~levels.swapped
        if exact.any():
            shares = _value_shares(table, name)[table.codes[name][left[exact]]]
            weights[exact] += frequency_adjustment(model, name, shares)
    return weights + relative_adjustment(model, levels)


# Fields a household shares: evidence of the same home, not of the same person.
HOUSEHOLD_COMPARISONS = ("address", "town", "postcode", "phone")


def relative_adjustment(model: MatchModel, levels: PairLevels) -> npt.NDArray[np.float64]:
    """Bits to add to pairs that look like relatives: their shared household evidence is
    withdrawn and the configured conflict weight applied."""
    conflict = conflicts(levels)
    adjustment = np.where(conflict, model.conflict_weight, 0.0)
    if not conflict.any():
        return adjustment
    for column, comparison in enumerate(levels.comparisons):
        if comparison.name in HOUSEHOLD_COMPARISONS:
            weights = model.weights(comparison.name)[levels.levels[:, column]]
            adjustment -= np.where(conflict & (weights > 0), weights, 0.0)
    return adjustment


def conflicts(levels: PairLevels) -> npt.NDArray[np.bool_]:
    """Pairs that look like two relatives rather than one person recorded twice.

    Fellegi–Sunter assumes fields disagree independently; families break that assumption.
    Twins share surname, birth date and address but not first names; a father and his
    "Jr." son share the whole name and address, but not the suffix nor the birth date. The
    shared fields would otherwise outvote the one that tells them apart. An exact external
    id overrides (then the differing field is the likelier error).
    """
    columns = {comparison.name: index for index, comparison in enumerate(levels.comparisons)}
    result = np.zeros(len(levels.levels), dtype=bool)
    if not {"first_name", "last_name", "dob"} <= set(columns):
        return result
    matrix = levels.levels
    first, last, dob = (matrix[:, columns[name]] for name in ("first_name", "last_name", "dob"))
    same_family = np.isin(last, [1, 2, 3])
    twins = (first == 6) & (dob == 1) & same_family
    generations = np.isin(first, [1, 2]) & same_family & (levels.suffix_differs is not None)
    if levels.suffix_differs is not None:
        generations &= levels.suffix_differs & (dob != 1)
    result = twins | generations
    if "external_id" in columns:
        result &= ~np.isin(matrix[:, columns["external_id"]], [1, 2])
    return result


def _clusters(n: int, left: IntArray, right: IntArray) -> list[int]:
    parent = list(range(n))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        root_a, root_b = root(a), root(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    numbers: dict[int, int] = {}
    return [numbers.setdefault(root(item), len(numbers) + 1) for item in range(n)]


def compare_in_chunks(
    table: RecordTable,
    left: IntArray,
    right: IntArray,
    comparisons: tuple[Comparison, ...],
    progress: Progress | None = None,
) -> PairLevels:
    parts = []
    for start in range(0, len(left), COMPARE_CHUNK):
        stop = start + COMPARE_CHUNK
        parts.append(compare_pairs(table, left[start:stop], right[start:stop], comparisons))
        if progress:
            progress(min(stop, len(left)) - start)
    if not parts:
        return compare_pairs(table, left, right, comparisons)
    return PairLevels(
        comparisons=comparisons,
        levels=np.concatenate([part.levels for part in parts]),
        swapped=np.concatenate([part.swapped for part in parts]),
        suffix_differs=np.concatenate(
            [part.suffix_differs for part in parts if part.suffix_differs is not None]
        ),
    )


# EM runs once per session: on the pairs of one blocking rule, with the comparisons that
# rule forces to agree left out (their agreement there says nothing about matches).
EM_SESSIONS = (
    ("date of birth", frozenset({"dob"})),
    ("last name sound + first initial", frozenset({"first_name", "last_name"})),
    ("external id", frozenset({"external_id"})),
)
EM_SESSION_PAIRS = 200_000


def estimate_by_sessions(
    model: MatchModel,
    table: RecordTable,
    by_rule: dict[str, IntArray],
    comparisons: tuple[Comparison, ...],
    *,
    seed: int = 7,
) -> MatchModel:
    """m from EM sessions on single blocking rules; the prior from the dob session.

    The prior (chance two random records match) follows from the dob session: it found
    share × n_pairs matches, which are the matches whose full birth dates agree, a
    fraction m(dob exact) × P(both dates known) of all matches.
    """
    n = table.size
    rng = np.random.default_rng(seed)
    estimates: dict[str, list[list[float]]] = {}
    total_matches: float | None = None
    trusted: set[str] = set()
    for rule, excluded in EM_SESSIONS:
        codes = by_rule.get(rule)
        if codes is None or len(codes) < MIN_PAIRS_FOR_EM // 4:
            continue
        if len(codes) > EM_SESSION_PAIRS:
            codes = rng.choice(codes, EM_SESSION_PAIRS, replace=False)
        levels = compare_pairs(table, codes // n, codes % n, comparisons)
        # Relatives would teach EM that a generation's gap in birth dates is an error.
        levels.levels = levels.levels[~conflicts(levels)]
        for column, comparison in enumerate(comparisons):
            if comparison.name in excluded:
                levels.levels[:, column] = 0
        session = estimate_m_and_prior(model, levels, starting_prior=0.1)
        for comparison in comparisons:
            if comparison.name not in excluded:
                estimates.setdefault(comparison.name, []).append(session.m[comparison.name])
        if rule == "date of birth":
            total_matches = session.prior * len(by_rule[rule])
        if rule == "external id":
            trusted = {c.name for c in comparisons} - excluded
    estimated = model.copy()
    for name, values in estimates.items():
        # Pairs sharing an external id are nearly all matches: their session is as good as
        # labelled data, so it wins where it ran; otherwise the sessions are averaged.
        estimated.m[name] = (
            values[-1] if name in trusted else np.mean(np.asarray(values), axis=0).tolist()
        )
    if total_matches is not None and "dob" in estimated.m:
        full = (table.day > 0).mean()
        share = max(estimated.m["dob"][1] * full * full, 1e-3)
        all_pairs = n * (n - 1) / 2
        estimated.prior = float(min(max(total_matches / share / all_pairs, 1e-9), 0.5))
    return estimated


@dataclass
class ScoredPairs:
    """Every candidate pair of a list with its levels and match probability."""

    left: IntArray
    right: IntArray
    probability: npt.NDArray[np.float64]
    levels: PairLevels
    model: MatchModel
    skipped_blocks: int


def score_list(
    records: Sequence[PersonRecord],
    *,
    fields: set[str],
    model: MatchModel | None = None,
    estimate: bool = True,
    seed: int = 7,
    on_pairs: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> ScoredPairs:
    """Block, compare, estimate the model from the list itself (when big enough), score."""
    n = len(records)
    model = (model or default_model()).copy()
    comparisons = active_comparisons(fields)
    table = RecordTable(records)
    candidates = candidate_pairs(records)
    left, right = candidates.left, candidates.right
    if on_pairs:
        on_pairs(len(left))
    if estimate and n >= MIN_RECORDS_FOR_U:
        random_left, random_right = _random_pairs(n, RANDOM_PAIRS, seed)
        random_levels = compare_pairs(table, random_left, random_right, comparisons)
        model.u.update(estimate_u(random_levels))
    levels = compare_in_chunks(table, left, right, comparisons, progress)
    if estimate and len(left) >= MIN_PAIRS_FOR_EM:
        model = estimate_by_sessions(model, table, candidates.by_rule, comparisons)
    weights = scored_weights(model, table, left, right, levels)
    return ScoredPairs(
        left=left,
        right=right,
        probability=probability_from_weight(weights, model.prior),
        levels=levels,
        model=model,
        skipped_blocks=candidates.skipped_blocks,
    )


def dedupe_records(
    records: Sequence[PersonRecord],
    *,
    fields: set[str],
    threshold: float = DEFAULT_THRESHOLD,
    model: MatchModel | None = None,
    estimate: bool = True,
    seed: int = 7,
    on_pairs: Callable[[int], None] | None = None,
    progress: Progress | None = None,
) -> DedupeResult:
    """Cluster records that are the same person (match probability ≥ threshold)."""
    scored = score_list(
        records,
        fields=fields,
        model=model,
        estimate=estimate,
        seed=seed,
        on_pairs=on_pairs,
        progress=progress,
    )
    linked = scored.probability >= threshold
    return DedupeResult(
        cluster_of=_clusters(len(records), scored.left[linked], scored.right[linked]),
        compared_pairs=len(scored.left),
        matched_pairs=int(linked.sum()),
        skipped_blocks=scored.skipped_blocks,
        model=scored.model,
    )


def link_people(
    query: PersonRecord,
    candidates: Sequence[PersonRecord],
    *,
    fields: set[str] | None = None,
    model: MatchModel | None = None,
) -> tuple[npt.NDArray[np.float64], PairLevels]:
    """Match probability of `query` against each candidate, with the levels behind it.

    For callers that already narrowed the candidates (the lookup, imports of encounters).
    """
    model = model or default_model()
    comparisons = active_comparisons(fields or set(COMPARISON_FIELDS))
    table = RecordTable([query, *candidates])
    right = np.arange(1, len(candidates) + 1, dtype=np.int64)
    left = np.zeros(len(candidates), dtype=np.int64)
    levels = compare_pairs(table, left, right, comparisons)
    weights = match_weights(model, levels) + relative_adjustment(model, levels)
    return probability_from_weight(weights, model.prior), levels


def compare_records(
    lefts: Sequence[PersonRecord], rights: Sequence[PersonRecord], *, fields: set[str]
) -> PairLevels:
    """Levels of each (lefts[i], rights[i]) pair, all compared in one vectorised pass."""
    table = RecordTable([*lefts, *rights])
    left = np.arange(len(lefts), dtype=np.int64)
    return compare_pairs(table, left, left + len(lefts), active_comparisons(fields))


def weights_and_probabilities(
    model: MatchModel, levels: PairLevels
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Match weight (bits) and probability of compared pairs (no frequency adjustment)."""
    weights = match_weights(model, levels) + relative_adjustment(model, levels)
    return weights, probability_from_weight(weights, model.prior)
