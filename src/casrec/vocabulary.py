"""casrec's one vocabulary: every enumeration, the label a reviewer reads for it, and its colour.

Everything else derives from here: the data contract's allowed values, the
great-expectations suites' value sets (a test fails when they drift), the views' labels and
the chart colours. Order matters where it is stated: it is the order reviewers see and, for
roles and statuses, the order of rank.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Term:
    """One allowed value: the code in files, what a reviewer reads, and an optional colour."""

    code: str
    label: str
    description: str = ""
    colour: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    """An ordered enumeration of terms."""

    name: str
    terms: tuple[Term, ...]

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes in their stated order."""
        return tuple(t.code for t in self.terms)

    @property
    def labels(self) -> dict[str, str]:
        """{code: label}, in order."""
        return {t.code: t.label for t in self.terms}

    @property
    def colours(self) -> dict[str, str]:
        """{code: colour} for the terms that have one."""
        return {t.code: t.colour for t in self.terms if t.colour}

    def label(self, code: object) -> str:
        """The reviewer's label for ``code``; an unknown code is shown as it is written."""
        return self.labels.get(str(code), str(code))

    def position(self, code: str) -> int:
        """Where ``code`` stands in the order (its rank, for ordered vocabularies)."""
        return self.codes.index(code)


def _vocabulary(name: str, *terms: Term | tuple) -> Vocabulary:
    return Vocabulary(name, tuple(t if isinstance(t, Term) else Term(*t) for t in terms))


SOURCE_TYPES = _vocabulary(
    "source_type",
    ("ngo", "non-governmental organisation"),
    ("un", "United Nations"),
    ("government", "government"),
    ("armed_group", "armed group"),
    ("media", "news media"),
    ("wire", "news agency"),
    ("encyclopedia", "encyclopedia"),
    ("research", "research"),
    ("other", "other"),
)

ACTOR_KINDS = _vocabulary(
    "actor_kind",
    ("state", "state forces"),
    ("armed_group", "armed group"),
    ("militia", "militia"),
    ("foreign_force", "foreign force"),
    ("un", "United Nations"),
    ("other", "other"),
)

EVENT_KINDS = _vocabulary(
    "event_kind",
    ("incident", "incident", "one attack, clash or massacre"),
    ("aggregate", "aggregate", "totals over a conflict or period"),
)

# Ordered by rank: an independent voice outranks a party's. Labels are part of every
# rationale sentence, so changing one changes reconciled.csv.
CLAIMANT_ROLES = _vocabulary(
    "claimant_role",
    Term("independent", "independent (not a party)", colour="#1b6ca8"),
    Term("party_own", "a party about its own losses", colour="#b8860b"),
    Term("party_other", "a party speaking about others, such as civilians", colour="#c0392b"),
    Term("party_enemy", "a party about losses it says it inflicted on its enemy", colour="#7f7f7f"),
)
PARTY_ROLES = tuple(code for code in CLAIMANT_ROLES.codes if code.startswith("party_"))

# `casualties` extends DESIGN.md's list: sources often say "casualties" without separating
# killed from injured, and forcing such a figure into `killed` would overstate deaths.
METRICS = _vocabulary(
    "metric",
    ("killed", "killed"),
    ("injured", "injured"),
    ("casualties", "casualties (killed or injured)"),
    ("missing", "missing"),
    ("captured", "captured"),
    ("detained", "detained"),
    ("abducted", "abducted"),
    ("hostages", "held hostage"),
    ("displaced", "displaced"),
    ("refugees", "refugees"),
    ("idps", "internally displaced"),
    ("sexual_violence", "survivors of sexual violence"),
)
DISPLACEMENT_METRICS = ("displaced", "refugees", "idps")

POPULATIONS = _vocabulary(
    "population",
    ("civilians", "civilians"),
    ("security_forces", "security forces"),
    ("militants", "militants"),
    ("peacekeepers", "peacekeepers"),
    ("combatants", "combatants"),
    ("all", "people"),
    ("unknown", "people (group not stated)"),
)
# What one member of a population on a named side is called: "Malian Armed Forces (FAMa)
# soldiers killed" rather than "security forces · side fama".
SIDE_MEMBERS = {
    "civilians": "civilians",
    "security_forces": "soldiers",
    "militants": "fighters",
    "peacekeepers": "peacekeepers",
    "combatants": "fighters",
    "all": "people",
    "unknown": "people",
}
# Metrics whose label reads after who was counted ("civilians killed"); the others are nouns
# and read before it ("refugees among civilians").
PARTICIPLE_METRICS = (
    "killed", "injured", "missing", "captured", "detained", "abducted", "hostages", "displaced",
    "idps",
)  # fmt: skip

QUALIFIERS = _vocabulary(
    "qualifier",
    ("exact", "exact"),
    ("estimate", "best estimate within bounds", "a stated best with its bounds: 30 (25–40)"),
    ("at_least", "at least"),
    ("more_than", "more than"),
    ("at_most", "at most"),
    ("approx", "approximately"),
    ("range", "range"),
    ("vague", "vague"),
)

CERTAINTIES = _vocabulary(
    "certainty",
    ("confirmed", "confirmed"),
    ("reported", "reported"),
    ("feared", "feared or unconfirmed"),
)
DEFAULT_CERTAINTY = "reported"

# Ordered as reviewers should meet them: disagreements first. Colours are shared by every
# chart and badge.
STATUSES = _vocabulary(
    "status",
    Term("contested", "contested", "considered figures that do not overlap", "#aa3333"),
    Term("party_only", "party only", "only parties to the conflict gave figures", "#8a5200"),
    Term("corroborated", "corroborated", "two or more independent voices agree", "#226622"),
    Term("single_source", "single source", "one independent voice", "#6b7580"),
)

VERDICTS = _vocabulary(
    "verdict",
    ("consistent", "consistent"),
    ("compatible_within_bounds", "compatible within bounds"),
    ("conflicting", "conflicting"),
    ("incomparable", "incomparable"),
)

# The column on which a part differs from its whole; each axis is summed on its own.
BREAKDOWN_AXES = _vocabulary(
    "breakdown axis",
    ("child_event", "child event", "the part is a figure of an event within the whole's event"),
    ("nationality", "nationality"),
    ("subgroup", "subgroup", "children, women, aid workers, ... (subgroups.csv)"),
    ("population", "population"),
    ("side", "side"),
    ("metric", "metric", "killed and injured within casualties, refugees within displaced"),
    ("group", "group", "the source's own words for who is counted (a village, a unit)"),
)

# The consistency checks, named as a reviewer reads them in a findings table.
CHECKS = _vocabulary(
    "consistency check",
    ("components", "parts against their whole", "a breakdown (part_of) summed per axis"),
    ("subgroup_subset", "subgroup within its whole", "children, women, ... not more than all"),
    ("displacement_hierarchy", "displacement totals", "IDPs and refugees within displaced"),
    ("stocks", "stock figures compared", "stock figures of one key from different claimants"),
    ("event_hierarchy", "child events within the parent", "children's lows not above its high"),
)

SEVERITIES = _vocabulary(
    "severity",
    ("critical", "critical", "stops the run"),
    ("warning", "warning", "shown, does not stop the run"),
)

POLICIES = _vocabulary(
    "policy",
    ("reliability", "most reliable", "the point value of the top-ranked considered claim"),
    ("conservative", "conservative", "the lowest point value among considered claims"),
    ("range", "range only", "no best figure; low and high only"),
)
DEFAULT_POLICY = "reliability"

ALL: tuple[Vocabulary, ...] = (
    SOURCE_TYPES,
    ACTOR_KINDS,
    EVENT_KINDS,
    CLAIMANT_ROLES,
    METRICS,
    POPULATIONS,
    QUALIFIERS,
    CERTAINTIES,
    STATUSES,
    VERDICTS,
    BREAKDOWN_AXES,
    CHECKS,
    SEVERITIES,
    POLICIES,
)


def normalise_claimant(name: object) -> str:
    """The one form under which claimant names are compared ('HRW ' and 'hrw' are one voice)."""
    return " ".join(str(name).split()).casefold()


def normalise_claimants(names: pd.Series) -> pd.Series:
    """``normalise_claimant`` over a column, computed once per distinct name."""
    codes, distinct = pd.factorize(names)
    normalised = np.array([normalise_claimant(n) for n in distinct], dtype=object)
    out = np.full(len(names), None, dtype=object)
    present = codes >= 0
    out[present] = normalised[codes[present]]
    return pd.Series(out, index=names.index, dtype="str")
