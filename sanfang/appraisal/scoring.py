"""Scores as a view of the raw answer distributions (EV-3, EV-4): nothing here writes, nothing replaces raw data.

A distribution per criterion counts every answer: {"scale": "levels", "counts": {level: n}} or
{"scale": "score", "counts": {"87.5": n}} (each score given, as text, with how many gave it; a round of 100,000
ballots keeps a few hundred numbers per criterion, not 100,000: issue 9). The weighted score is computed from it with the standard's
weights and its "drop highest and lowest" option; objective indicators may be blended with a configured weight.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import Criterion, Level, Scale, Standard


def leaves(criteria: Iterable[Criterion]) -> list[Criterion]:
    items = list(criteria)
    parents = {c.parent_id for c in items if c.parent_id}
    return [c for c in items if c.pk not in parents]


def effective_weights(criteria: Iterable[Criterion]) -> dict[int, float]:
    """Each criterion's share of the whole: its weight among its siblings times its parent's share."""
    items = list(criteria)
    by_parent: dict[int | None, list[Criterion]] = {}
    for c in items:
        by_parent.setdefault(c.parent_id, []).append(c)
    out: dict[int, float] = {}

    def walk(parent_id: int | None, share: float) -> None:
        siblings = by_parent.get(parent_id, [])
        total = sum(float(c.weight) for c in siblings)
        for c in siblings:
            out[c.pk] = share * (float(c.weight) / total if total else 0.0)
            walk(c.pk, out[c.pk])

    walk(None, 1.0)
    return out


def ordered_tree(criteria: Iterable[Criterion]) -> list[tuple[Criterion, int]]:
    """(criterion, depth) in display order."""
    items = sorted(criteria, key=lambda c: (c.order, c.pk))
    by_parent: dict[int | None, list[Criterion]] = {}
    for c in items:
        by_parent.setdefault(c.parent_id, []).append(c)
    out: list[tuple[Criterion, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for c in by_parent.get(parent_id, []):
            out.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return out


def empty_distribution(criterion: Criterion) -> dict:
    if criterion.scale == Scale.SCORE:
        return {"scale": Scale.SCORE, "counts": {}}
    return {"scale": Scale.LEVELS, "counts": dict.fromkeys(Level.values, 0)}


def score_key(value) -> str:
    """A score as a distribution's key: the float's repr ("87.5", "90.0"), the same text as the kept tally's."""
    return repr(float(value))


def add_answer(dist: dict, value, n: int = 1) -> None:
    """Count an answer n times."""
    key = score_key(value) if dist["scale"] == Scale.SCORE else value
    dist["counts"][key] = dist["counts"].get(key, 0) + n


def finish(dist: dict) -> dict:
    """The stored form of a distribution: scores in ascending order of value."""
    if dist["scale"] == Scale.SCORE:
        dist["counts"] = dict(sorted(dist["counts"].items(), key=lambda kv: float(kv[0])))
    return dist


def score_counts(dist: dict) -> list[tuple[str, int]]:
    """A score distribution's (score, how many), ascending (a JSON column need not keep the key order)."""
    return sorted(
        ((k, int(n)) for k, n in dist.get("counts", {}).items() if int(n)), key=lambda kv: float(kv[0])
    )


def answers_given(dist: dict) -> int:
    return sum(int(n) for n in dist.get("counts", {}).values())


def points_counts(criterion: Criterion, dist: dict) -> list[tuple[float, int]]:
    """All answers of a criterion as (points, how many), ascending: three pairs for a level criterion whatever
    the number of ballots (issue 9)."""
    counts: Counter[float] = Counter()
    for key, n in dist.get("counts", {}).items():
        if int(n):
            points = float(key) if dist["scale"] == Scale.SCORE else criterion.points_for(key)
            counts[points] += int(n)
    return sorted(counts.items())


def criterion_mean(criterion: Criterion, dist: dict, drop_extremes: bool) -> float | None:
    """The mean of the answers' points, without one highest and one lowest if asked and there are 3 or more.

    Summed exactly (Decimal): the same answers give the same mean whatever order they were counted in.
    """
    pairs = [[Decimal(repr(p)), n] for p, n in points_counts(criterion, dist)]
    total_n = sum(n for _p, n in pairs)
    if drop_extremes and total_n >= 3:
        pairs[0][1] -= 1
        pairs[-1][1] -= 1
        total_n -= 2
    if not total_n:
        return None
    return float(sum((p * n for p, n in pairs), Decimal(0)) / total_n)


@dataclass
class Score:
    ballot: float | None
    indicator: float | None
    final: float | None
    by_criterion: dict[int, float | None]


def indicator_score(indicators: Iterable[dict]) -> float | None:
    """The mean of the indicators' rates, as points out of 100 (an indicator with no denominator is skipped)."""
    rates = [i["numerator"] / i["denominator"] for i in indicators if i.get("denominator")]
    if not rates:
        return None
    return 100.0 * sum(min(max(r, 0.0), 1.0) for r in rates) / len(rates)


def score_subject(
    standard: Standard,
    criteria: list[Criterion],
    subject_kind: str,
    distribution: dict,
    indicators: list[dict] | None = None,
) -> Score:
    """The weighted view of one subject's distributions (plus the blended indicators, EV-4)."""
    weights = effective_weights(criteria)
    total_w = 0.0
    total = 0.0
    by_criterion: dict[int, float | None] = {}
    for c in leaves(criteria):
        if not c.applies(subject_kind):
            continue
        dist = distribution.get(str(c.pk))
        mean = criterion_mean(c, dist, standard.drop_extremes) if dist else None
        by_criterion[c.pk] = mean
        if mean is not None and weights.get(c.pk):
            total += weights[c.pk] * mean
            total_w += weights[c.pk]
    ballot = total / total_w if total_w else None
    ind = indicator_score(indicators or [])
    w = float(standard.indicator_weight)
    if ballot is None:
        final = ind if (ind is not None and w > 0) else None
    elif ind is not None and w > 0:
        final = (1 - w) * ballot + w * ind
    else:
        final = ballot
    return Score(
        ballot=round(ballot, 2) if ballot is not None else None,
        indicator=round(ind, 2) if ind is not None else None,
        final=round(final, 2) if final is not None else None,
        by_criterion=by_criterion,
    )
