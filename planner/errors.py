"""One error hierarchy for the whole package.

Every error a user can cause is an :class:`InputError` (also a ``ValueError``) carrying one
:class:`Problem` per bad field, so the command line and the pages can show each problem next to the
field it concerns. Anything that is not a ``PlannerError`` is a bug and propagates.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class Problem:
    """One problem with one input field.

    ``field`` is a dotted path into the input (``children[1].birth_date``), ``value`` the bad value
    as given, ``expected`` what would be accepted and how to fix it (English). ``key`` and ``params``
    optionally name the same text in ``planner/locales`` so pages can show it in Finnish and Swedish.
    """

    field: str
    value: Any
    expected: str
    key: str | None = None
    params: Mapping[str, Any] | None = None

    def message(self) -> str:
        return f"{self.field}: got {self.value!r}; {self.expected}"

    @classmethod
    def keyed(cls, field: str, value: Any, key: str, **params: Any) -> "Problem":
        """A Problem whose fix text is ``key`` in ``planner/locales``; ``expected`` keeps the English text."""
        from planner.i18n import translate  # local import: i18n imports this module

        return cls(field, value, translate(key, "en", **params), key, params)

    def expected_in(self, lang: str) -> str:
        """The 'expected' text in ``lang`` (falls back to the English text when no key is set)."""
        if not self.key:
            return self.expected
        from planner.i18n import translate  # local import: i18n imports this module

        return translate(self.key, lang, **dict(self.params or {}))

    def to_dict(self) -> dict[str, Any]:
        value = self.value if isinstance(self.value, (str, int, float, bool, type(None))) else repr(self.value)
        return {"field": self.field, "value": value, "expected": self.expected, "message": self.message()}


class PlannerError(Exception):
    """Base class of every error the planner raises on purpose."""


class InputError(ValueError, PlannerError):
    """Bad user input: one or more :class:`Problem` objects, each naming field, value and fix."""

    def __init__(self, problems: Problem | Iterable[Problem]):
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one Problem")
        super().__init__("\n".join(p.message() for p in self.problems))

    @classmethod
    def single(cls, field: str, value: Any, expected: str) -> "InputError":
        return cls(Problem(field, value, expected))

    def fields(self) -> set[str]:
        return {p.field for p in self.problems}


class MissingRuleError(PlannerError, LookupError):
    """No dated rule row covers the requested date (or municipality)."""


class RuleTableError(PlannerError):
    """A rule table is inconsistent: overlapping or gapped periods, contradictory values."""


class DataError(PlannerError):
    """A dataset or data file is missing, corrupt or inconsistent (not caused by the user's typing)."""


class UnreachableError(PlannerError):
    """No route exists between two points on the requested network."""


class InfeasibleError(PlannerError):
    """An optimisation problem has no solution; the message gives the numbers why."""


class ProblemCollector:
    """Collects problems while validating, then raises them all at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str, value: Any, expected: str) -> None:
        self.problems.append(Problem(field, value, expected))

    def add_keyed(self, field: str, value: Any, key: str, **params: Any) -> None:
        """Add a problem whose fix text is the i18n ``key`` (see :meth:`Problem.keyed`)."""
        self.problems.append(Problem.keyed(field, value, key, **params))

    def extend(self, error: InputError) -> None:
        self.problems.extend(error.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)

    def __bool__(self) -> bool:
        return bool(self.problems)


def interrupted_by_user(error: BaseException) -> bool:
    """Whether ``error`` is the user's Ctrl-C: a ``KeyboardInterrupt``, or the ``SystemError`` a compiled
    call (numba, numpy) raises when the signal arrived while it ran ("returned a result with an
    exception set", caused by the ``KeyboardInterrupt``)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
