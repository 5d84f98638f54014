"""Extension points: how one app offers data to another without importing it (apps meet in services only).

An app registers a provider in its hooks.py:

    from sanfang.core import extensions

    @extensions.provides("board.cases")
    def board_cases(compound): ...

and the consuming app calls `extensions.collect("board.cases", compound)` (a list of every provider's result)
or `extensions.first("case.gate_status", ...)`. A missing provider yields an empty list / the default, so
each app works and is tested on its own.

Documented points (add yours here, with the shape it returns):

- "board.cases" (compound: Place) -> list[dict]: the cases a compound's public board shows (PN-1). Keys:
  tracking_no, category, case_class, case_class_label, status, status_label, title, summary (no personal
  data), solution, reported_to, reply, progress (list of {"at", "text"}), opened_at, updated_at, url.
- "indicators" (subject: Organisation, community: Place, year: int) -> list[Indicator]: objective
  indicators for the annual appraisal (EV-4); see `Indicator` below. Closing a round asks for every subject
  at once (`collect_each`): a provider may register a batched form with `batch_of` —
  (subjects: list[Organisation], community, year) -> {organisation id: list[Indicator]}, the same values in
  a few grouped queries — which its app's tests prove equal to the per-subject provider.
- "major_matter.status" (compound: Place, kind: str) -> dict | None: the early-intervention gate (CS-7) for
  fund_use / company_change / fee_change: {"id", "kind", "title", "status", "gate_open": bool, "url"}.
- "agenda.propose" (actor, community: Place, kind: str, title: str, description: str, source) -> object:
  put an item on the community's next joint meeting agenda (JM-2), `source` being the case/report object.
- "board.disclosures" (compound: Place) -> list[dict]: the fee and fund disclosure status of a compound
  (for investigations, WN-3): {"kind", "kind_label", "period", "due_on", "published_at", "overdue", "url"}.
- "credit.history" (company: Organisation) -> list[dict]: the appraisal results feeding a property
  company's credit record (EV-5), shown when its contract comes up for renewal.
- "board.appraisal" (compound: Place) -> dict | None: the community's latest public appraisal result (EV-5).
- "appraisal.history" (organisation: Organisation) -> list[dict]: its approved appraisal results (EV-5), e.g.
  for an Owners' Committee's re-election.
- "bulletins.for_case" (tracking_no: str, user=None) -> list[dict]: the inter-party bulletins that link a case.

Notes: "agenda.propose" accepts the JM-2 kinds policy / common / rules_major / coordination (and the aliases
"case" and "report"); "board.cases" rows link (url) to the public case page at /cases/public/<tracking_no>/.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_PROVIDERS: dict[str, list[Callable[..., Any]]] = defaultdict(list)
_BATCHES: dict[Callable[..., Any], Callable[..., Any]] = {}


def provides(point: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        if func not in _PROVIDERS[point]:
            _PROVIDERS[point].append(func)
        return func

    return decorator


def collect(point: str, *args: Any, **kwargs: Any) -> list[Any]:
    """Every provider's result, flattened one level when a provider returns a list."""
    out: list[Any] = []
    for func in _PROVIDERS.get(point, []):
        result = func(*args, **kwargs)
        if isinstance(result, list | tuple):
            out.extend(result)
        elif result is not None:
            out.append(result)
    return out


def batch_of(provider: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `func(subjects, *args) -> {subject.pk: result}` as `provider` called for each subject at once
    (one set of grouped queries instead of one per subject); `collect_each` uses it."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        _BATCHES[provider] = func
        return func

    return decorator


def collect_each(point: str, subjects: list[Any], *args: Any, **kwargs: Any) -> dict[Any, list[Any]]:
    """`collect(point, subject, *args)` for each subject, keyed by its pk: the same values in the same order.
    A provider with a batched form (`batch_of`) is called once for all the subjects, any other per subject."""
    out: dict[Any, list[Any]] = {s.pk: [] for s in subjects}
    for func in _PROVIDERS.get(point, []):
        batch = _BATCHES.get(func)
        if batch is not None:
            results = batch(subjects, *args, **kwargs)
        else:
            results = {s.pk: func(s, *args, **kwargs) for s in subjects}
        for s in subjects:
            result = results.get(s.pk)
            if isinstance(result, list | tuple):
                out[s.pk].extend(result)
            elif result is not None:
                out[s.pk].append(result)
    return out


def first(point: str, *args: Any, default: Any = None, **kwargs: Any) -> Any:
    for func in _PROVIDERS.get(point, []):
        result = func(*args, **kwargs)
        if result is not None:
            return result
    return default


def has(point: str) -> bool:
    return bool(_PROVIDERS.get(point))


@dataclass(frozen=True)
class Indicator:
    """One objective indicator of an appraisal subject over a year (EV-4)."""

    code: str  # e.g. "meetings.on_schedule"
    label: str  # 中文 label
    numerator: float
    denominator: float
    source: str = ""  # which app computed it

    @property
    def rate(self) -> float | None:
        return None if not self.denominator else self.numerator / self.denominator
