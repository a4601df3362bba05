"""The batch pipeline: block → compare → estimate → score → cluster."""

from __future__ import annotations

import math
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
FloatArray = npt.NDArray[np.float64]
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
    """Match weights with frequency adjustment of exact names and the relatives' rules."""
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
    return with_relatives(model, levels, weights)


# Fields a household shares: evidence of the same home, not of the same person.
HOUSEHOLD_COMPARISONS = ("address", "town", "postcode", "phone")
# Household fields precise enough to say two records share a home (a town is not).
SHARED_HOME_COMPARISONS = ("address", "postcode", "phone")


def _columns(levels: PairLevels) -> dict[str, int]:
    return {comparison.name: index for index, comparison in enumerate(levels.comparisons)}


def family_at_home(levels: PairLevels) -> npt.NDArray[np.bool_]:
    """The same family name (exact, compound part or typo), the same full date of birth and
    a shared home (address, postcode or phone agree or nearly)."""
    columns = _columns(levels)
    if not {"first_name", "last_name", "dob"} <= set(columns):
        return np.zeros(len(levels.levels), dtype=bool)
    matrix = levels.levels
    home = np.zeros(len(matrix), dtype=bool)
    for name in SHARED_HOME_COMPARISONS:
        if name in columns:
            home |= np.isin(matrix[:, columns[name]], [1, 2])
    last, dob = matrix[:, columns["last_name"]], matrix[:, columns["dob"]]
    return np.isin(last, [1, 2, 3]) & (dob == 1) & home


def twin_pattern(levels: PairLevels) -> npt.NDArray[np.bool_]:
    """Pairs that look like twins: one family at one home (`family_at_home`), first names
    that are not the same name by any measure (not exact, nickname, typo, sound-alike nor
    initial), and no agreeing external id."""
    result = family_at_home(levels)
    if not result.any():
        return result
    columns = _columns(levels)
    result &= levels.levels[:, columns["first_name"]] == 6
    if "external_id" in columns:
        result &= ~np.isin(levels.levels[:, columns["external_id"]], [1, 2])
    return result


def generation_pattern(levels: PairLevels) -> npt.NDArray[np.bool_]:
    """Pairs that look like a parent and a "Jr." child: the same first name (or nickname),
    the same family name, generational suffixes that differ, birth dates that differ, and
    no agreeing external id."""
    columns = _columns(levels)
    result = np.zeros(len(levels.levels), dtype=bool)
    if levels.suffix_differs is None or not {"first_name", "last_name", "dob"} <= set(columns):
        return result
    matrix = levels.levels
    first, last, dob = (matrix[:, columns[name]] for name in ("first_name", "last_name", "dob"))
    result = np.isin(first, [1, 2]) & np.isin(last, [1, 2, 3]) & levels.suffix_differs & (dob != 1)
    if "external_id" in columns:
        result &= ~np.isin(matrix[:, columns["external_id"]], [1, 2])
    return result


def conflicts(levels: PairLevels) -> npt.NDArray[np.bool_]:
    """Pairs that may be two relatives rather than one person recorded twice.

    Fellegi–Sunter assumes fields disagree independently; families break that assumption.
    Twins share surname, birth date and home but not first names; a father and his "Jr."
    son share the whole name and home, but not the suffix nor the birth date. The shared
    fields would otherwise outvote the one that tells them apart.
    """
    return twin_pattern(levels) | generation_pattern(levels)


def _conservative(model: MatchModel, levels: PairLevels, mask: npt.NDArray[np.bool_]) -> FloatArray:
    """The configured rule: household evidence withdrawn and the conflict weight added."""
    adjustment = np.where(mask, model.conflict_weight, 0.0)
    if not mask.any():
        return adjustment
    for column, comparison in enumerate(levels.comparisons):
        if comparison.name in HOUSEHOLD_COMPARISONS:
            weights = model.weights(comparison.name)[levels.levels[:, column]]
            adjustment -= np.where(mask & (weights > 0), weights, 0.0)
    return adjustment


def with_relatives(model: MatchModel, levels: PairLevels, weights: FloatArray) -> FloatArray:
    """Match weights once the chance that a pair is two relatives is taken into account.

    A father and his Jr. son, and twins when the relatives' share was not estimated from
    the list (`model.relatives_bits` is None: the lookup, short lists, lists without
    enough pairs that agree on an external id), get the conservative configured rule.

    Twins, when it was estimated, are a third class besides "same person" and "unrelated":
    the odds against "relatives" are the estimated odds `relatives_bits` times the
    likelihood ratio of the fields in which twins differ from one person recorded twice
    although both look alike in the pattern: sex and external id (relatives have their
    own, so their levels fall as among unrelated people, u). The odds of the same person
    against either other class are then 1 / (1/odds_unrelated + 1/odds_relatives).
    """
    generation = generation_pattern(levels)
    twins = twin_pattern(levels) & ~generation
    adjusted = weights + _conservative(model, levels, generation)
    if model.relatives_bits is None:
        return adjusted + _conservative(model, levels, twins)
    if math.isinf(model.relatives_bits) or not twins.any():
        return adjusted
    columns = _columns(levels)
    against_relatives = np.full(int(twins.sum()), model.relatives_bits)
    for name in ("sex", "external_id"):
        if name in columns:
            against_relatives += model.weights(name)[levels.levels[twins, columns[name]]]
    prior_bits = math.log2(model.prior / (1.0 - model.prior))
    against_unrelated = np.clip(adjusted[twins] + prior_bits, -60, 60)
    combined = -np.log2(np.exp2(-against_unrelated) + np.exp2(-np.clip(against_relatives, -60, 60)))
    adjusted[twins] = combined - prior_bits
    return adjusted


# Relatives are assumed only when the twin-like pairs exceed what recording errors explain
# by at least this many Poisson standard deviations (a one-sided test at about 2.3%).
RELATIVES_EXCESS_SD = 2.0
# Pairs agreeing on an external id that also look like one family at one home: below this
# number the share of their first names that differ is too uncertain to estimate from.
MIN_RELATIVES_ANCHORS = 100


@dataclass
class RelativesEstimate:
    anchors: int
    first_name_differs: float
    others: int
    expected_from_errors: float
    observed: int
    relatives_bits: float | None


def estimate_relatives(
    model: MatchModel, table: RecordTable, levels: PairLevels
) -> RelativesEstimate:
    """How many of the twin-like pairs are one person whose first name was mis-recorded.

    Among candidate pairs of one family at one home with the same birth date (the twin
    pattern without its first-name condition), some also agree on an external id: the
    anchors, almost all the same person. The share q of anchors whose first names are
    "different" is how often a recording error alone produces a twin-like pair. The A
    pairs of the family set whose first names do agree somehow are the same person almost
    always, so errors explain A·q/(1−q) twin-like pairs, of which the share D without an
    agreeing external id remains: E. With O twin-like pairs observed, relatives are
    assumed when O − E exceeds two Poisson standard deviations of E, and then number
    R = O − E; `relatives_bits` = log2(A·q/(1−q) / R), the odds of the same person before
    the external id and sex are looked at. Otherwise `relatives_bits` is +inf: there are
    no more twin-like pairs than errors explain (FEBRL's duplicates, whose first names
    and identifiers were replaced, are such a list). Too few anchors: None.
    """
    columns = _columns(levels)
    empty = RelativesEstimate(0, 0.0, 0, 0.0, 0, None)
    if "external_id" not in columns or not {"first_name", "last_name", "dob"} <= set(columns):
        return empty
    matrix = levels.levels
    first = matrix[:, columns["first_name"]]
    external = matrix[:, columns["external_id"]]
    family = family_at_home(levels)
    anchors = family & np.isin(external, [1, 2]) & (first > 0)
    anchor_count = int(anchors.sum())
    if anchor_count < MIN_RELATIVES_ANCHORS:
        return RelativesEstimate(anchor_count, 0.0, 0, 0.0, 0, None)
    share = float((first[anchors] == 6).mean())
    others = int((family & (first > 0) & (first < 6)).sum())
    observed = int(twin_pattern(levels).sum())
    with_external = float((table.codes["external_id"] > 0).mean()) ** 2
    m_external = model.m["external_id"]
    remaining = 1.0 - with_external * (m_external[1] + m_external[2])
    from_errors = others * share / max(1.0 - share, 1e-9)
    expected = from_errors * remaining
    excess = observed - expected
    if excess <= RELATIVES_EXCESS_SD * math.sqrt(max(expected, 1.0)):
        bits = math.inf
    else:
        bits = math.log2(max(from_errors, 1e-9) / excess)
    return RelativesEstimate(anchor_count, share, others, expected, observed, bits)


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
        model.relatives_bits = estimate_relatives(model, table, levels).relatives_bits
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
    weights = with_relatives(model, levels, match_weights(model, levels))
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
    weights = with_relatives(model, levels, match_weights(model, levels))
    return weights, probability_from_weight(weights, model.prior)
