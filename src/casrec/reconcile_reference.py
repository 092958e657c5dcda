"""The reconciliation rules stated plainly, one key and one claim at a time.

``casrec.reconcile`` runs these rules on whole columns so a million claims take seconds;
that speed makes it hard to read. This module says the same thing the obvious way, in the
order of METHODOLOGY.md sections 4 to 6, and a property test (tests/test_reconcile_reference.py)
holds the two to identical output on many keys at once. It is slow (a Python loop per
claim) and is not used by the product: it is the specification the fast path is checked
against, kept in the package beside it so the two are read and changed together.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from casrec.claims import KEY_COLUMNS, ROLE_LABELS
from casrec.consistency import DEFAULT_AS_OF_WINDOW_DAYS
from casrec.reconcile import (
    BEST_FEARED_TEXT,
    CERTAINTY_RANK,
    COUNT_SO_FAR_TEXT,
    DEFAULT_POLICY,
    DEFAULT_TOLERANCE,
    FEARED,
    FEARED_HIGH_ONLY_TEXT,
    FEARED_LOW_TEXT,
    FLOORS_SO_FAR_TEXT,
    LONE_TEXT,
    OUTPUT_COLUMNS,
    POLICIES,
    RANGE_POLICY_TEXT,
    ROLE_RANK,
    SOURCE_TYPE_RANK,
    SPECIFICITY_RANK,
    TIE_CLOSING,
    TIE_LOST_TEXT,
    TIE_OPENING,
    UNKNOWN_SOURCE_TYPE_RANK,
    UP_TO_ALONE_TEXT,
    UP_TO_NO_FLOOR_TEXT,
    WHY_CHOSEN,
    AgreementTolerance,
    Reconciliation,
)
from casrec.vocabulary import CERTAINTIES, normalise_claimant

ANNOTATION_COLUMNS = ["claim_id", "considered", "is_best", "exclusion_reason", "why_not_best"]
# The prepared claims' columns these rules read. Taking only these keeps each row the loops
# handle short (a prepared claim has about seventy columns); a rule that reads another column
# fails with a KeyError until it is listed here.
READ_COLUMNS = [
    "claim_id", *KEY_COLUMNS, "claimant", "claimant_role", "source_id", "value",
    "value_low", "value_high", "value_point", "value_qualifier", "value_high_open",
    "value_provisional", "certainty_effective", "supersedes", "part_of", "source_publisher",
    "source_published_latest", "source_type", "as_of_effective", "as_of_effective_earliest",
    "event_kind", "event_end_first_day",
]  # fmt: skip


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _key(claim: pd.Series) -> tuple:
    """The claim's key; a missing value (None) sorts before every text."""
    return tuple((0, "") if _missing(claim[k]) else (1, claim[k]) for k in KEY_COLUMNS)


def _number(value: int) -> str:
    return f"{int(value):,}"


def _said(claim: pd.Series) -> str:
    return f'{claim["claimant"]} said "{claim["value"]}" [{claim["claim_id"]}'


def _criteria(claim: pd.Series, policy: str) -> tuple:
    """The ranking criteria for best, smaller first; claims equal on all of them are tied."""
    reliability = (
        claim["role_rank"],
        claim["certainty_rank"],
        claim["specificity_rank"],
        -_microseconds(claim["source_published_latest"]),  # later publication first
        claim["source_type_rank"],
    )
    if policy == "conservative":
        return (claim["value_point"], *reliability)
    return reliability


def _rank(claim: pd.Series, policy: str) -> tuple:
    """The order of claims for best: the criteria, then the lower figure, then the id."""
    return (*_criteria(claim, policy), claim["value_point"], claim["claim_id"])


def _first(claims: list[pd.Series], policy: str) -> pd.Series | None:
    if policy == "range" or not claims:
        return None
    return min(claims, key=lambda claim: _rank(claim, policy))


def _compact(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its columns stored together again, one block per type.

    A frame grown a column at a time keeps a block per column, and every group of rows the
    loops below select then costs milliseconds; the values are unchanged.
    """
    return frame.copy()


def _annotate(claims: pd.DataFrame, window_days: int) -> pd.DataFrame:
    """Section 4: which claims are voices, which are considered, and why the others are not."""
    c = claims[READ_COLUMNS].reset_index(drop=True)
    # texts as plain Python objects (a missing one is NaN either way): the loops below take
    # and assign single rows, which costs milliseconds a row on pandas' text arrays
    c = c.astype({column: object for column in c.columns if c[column].dtype == "str"})
    ids = set(c["claim_id"])
    successors: dict[str, list[str]] = {}
    for _, claim in c.iterrows():  # row order, as successors are listed
        if not _missing(claim["supersedes"]) and claim["supersedes"] in ids:
            successors.setdefault(claim["supersedes"], []).append(claim["claim_id"])
    key_of_id = {claim["claim_id"]: _key(claim) for _, claim in c.iterrows()}

    c["key"] = [_key(claim) for _, claim in c.iterrows()]
    c["who"] = [normalise_claimant(name) for name in c["claimant"]]
    c["role_rank"] = [ROLE_RANK[role] for role in c["claimant_role"]]
    c["specificity_rank"] = [SPECIFICITY_RANK[q] for q in c["value_qualifier"]]
    c["source_type_rank"] = [
        SOURCE_TYPE_RANK.get(t, UNKNOWN_SOURCE_TYPE_RANK) if not _missing(t) else
        UNKNOWN_SOURCE_TYPE_RANK
        for t in c["source_type"]
    ]  # fmt: skip
    c["superseded_by"] = [";".join(successors.get(i, [])) for i in c["claim_id"]]
    c["superseded"] = c["claim_id"].isin(successors)
    c["breakdown_in_whole_key"] = [
        not _missing(claim["part_of"])
        and claim["part_of"] in key_of_id
        and key_of_id[claim["part_of"]] == claim["key"]
        for _, claim in c.iterrows()
    ]
    c["own_publication"] = [
        not _missing(publisher) and normalise_claimant(publisher) == who
        for publisher, who in zip(c["source_publisher"], c["who"], strict=True)
    ]
    eligible = ~c["superseded"] & ~c["breakdown_in_whole_key"]
    c["certainty_rank"] = [CERTAINTY_RANK[x] for x in c["certainty_effective"]]

    c = _compact(c)
    # 4.2 one voice per claimant and key: own publication, then latest, then claim id
    c["voice_claim_id"] = None
    c["is_voice"] = False
    for _, group in c[eligible].groupby(["key", "who"], sort=False):
        claims_of_voice = [claim for _, claim in group.iterrows()]

        def said(claim: pd.Series, claims_of_voice: list = claims_of_voice) -> int:
            """When the claimant said it (a relay: the figure's first appearance)."""
            if claim["own_publication"]:
                return _microseconds(claim["source_published_latest"])
            return min(
                _microseconds(other["source_published_latest"])
                for other in claims_of_voice
                if _figure(other) == _figure(claim)
            )

        def earlier_figure(claim: pd.Series, claims_of_voice: list = claims_of_voice) -> bool:
            """Its period ends before that of another figure the claimant gave that day."""
            same_day = [
                other["as_of_effective_earliest"]
                for other in claims_of_voice
                if said(other) == said(claim)
                and other["source_published_latest"] == claim["source_published_latest"]
                and not pd.isna(other["as_of_effective_earliest"])
            ]
            return (
                not pd.isna(claim["as_of_effective"])
                and bool(same_day)
                and claim["as_of_effective"] < max(same_day)
            )

        voice = min(
            claims_of_voice,
            key=lambda claim: (
                not claim["own_publication"],
                -said(claim),
                _microseconds(claim["source_published_latest"]),
                earlier_figure(claim),
                claim["value_point"],
                claim["value_low"],
                math.inf if _missing(claim["value_high"]) else claim["value_high"],
                # the same figure twice: the firmer, more specific, better sourced, more
                # recent and complete statement of it; the id only among equals in all these
                claim["certainty_rank"],
                claim["specificity_rank"],
                claim["source_type_rank"],
                _later_first(claim["as_of_effective"]),
                bool(claim["value_provisional"]),
                claim["claim_id"],
            ),
        )
        c.loc[group.index, "voice_claim_id"] = voice["claim_id"]
        c.loc[voice.name, "is_voice"] = True

    # 4.3 and 4.4, key by key
    enemy = ROLE_RANK["party_enemy"]
    window = pd.Timedelta(days=window_days)
    c["latest_as_of"] = pd.NaT
    c["earlier_stock"] = False
    c["considered"] = False
    c = _compact(c)
    for _, group in c.groupby("key", sort=False):
        voices = group[group["is_voice"]]
        not_enemy = voices[voices["role_rank"] != enemy]
        dating = not_enemy if len(not_enemy) else voices
        latest = dating["as_of_effective_earliest"].max()  # NaT when none is dated
        c.loc[group.index, "latest_as_of"] = latest
        for index, claim in voices.iterrows():
            if (
                claim["event_kind"] == "aggregate"
                and not pd.isna(latest)
                and not pd.isna(claim["as_of_effective"])
                and claim["as_of_effective"] < latest - window
            ):
                c.loc[index, "earlier_stock"] = True
                c.loc[index, "is_voice"] = False
        voices = c.loc[group.index][c.loc[group.index, "is_voice"]]
        has_other = (voices["role_rank"] != enemy).any()
        for index, claim in voices.iterrows():
            c.loc[index, "considered"] = claim["role_rank"] != enemy or not has_other

    c = _compact(c)
    # running tolls: counts so far leave while a complete figure exists; alone, floors
    c["count_so_far"] = [
        claim["event_kind"] == "incident"
        and (
            bool(claim["value_provisional"])
            or (
                not pd.isna(claim["as_of_effective"])
                and not pd.isna(claim["event_end_first_day"])
                and claim["as_of_effective"] < claim["event_end_first_day"]
            )
        )
        for _, claim in c.iterrows()
    ]
    c["count_so_far_left"] = False
    c["bound_high"] = c["value_high"]
    c["bound_high_open"] = c["value_high_open"].astype(bool)
    c["firm"] = False
    c["supplies_low"] = False
    c["up_to_beside_floor"] = False
    c = _compact(c)
    for _, group in c.groupby("key", sort=False):
        considered = group[group["considered"]]
        complete = considered[~considered["count_so_far"]]
        for index, claim in considered.iterrows():
            if claim["count_so_far"] and len(complete):
                c.loc[index, ["considered", "count_so_far_left"]] = [False, True]
            elif claim["count_so_far"]:
                c.loc[index, "bound_high"] = pd.NA
                c.loc[index, "bound_high_open"] = True
        considered = c.loc[group.index][c.loc[group.index, "considered"]]
        not_feared = considered[considered["certainty_effective"] != FEARED]
        firm = not_feared if len(not_feared) else considered
        c.loc[firm.index, "firm"] = True
        # the low: the firm claims, unless none of them states a floor (all "up to") and a
        # feared claim does; then every considered claim
        supplies = firm
        no_firm_floor = (firm["value_qualifier"] == "at_most").all()
        if no_firm_floor and (considered["value_qualifier"] != "at_most").any():
            supplies = considered
        c.loc[supplies.index, "supplies_low"] = True
        floors = supplies[supplies["value_qualifier"] != "at_most"]
        if len(floors):  # an "up to N" beside a floor offers N to the low, not 0
            up_to = supplies.index[supplies["value_qualifier"] == "at_most"]
            c.loc[up_to, "up_to_beside_floor"] = True
    c["low_offered"] = [
        claim["value_high"] if claim["up_to_beside_floor"] else claim["value_low"]
        for _, claim in c.iterrows()
    ]
    c["stated_high"] = [
        low if _missing(high) else high
        for low, high in zip(c["value_low"], c["bound_high"], strict=True)
    ]

    c["exclusion_reason"] = [_exclusion_reason(claim) for _, claim in c.iterrows()]
    return _compact(c)


def _microseconds(date: pd.Timestamp) -> int:
    """A date as an integer that orders like it (NaT smallest), for any year a file may hold.

    ``Timestamp.value`` counts nanoseconds, which cannot hold a year after 2262.
    """
    return int(pd.Timestamp(date).as_unit("us").asm8.view("i8")) if pd.notna(date) else -(2**63)


def _later_first(date: pd.Timestamp) -> tuple:
    """Orders the later date first and a missing date last."""
    return (1, 0) if pd.isna(date) else (0, -_microseconds(date))


def _figure(claim: pd.Series) -> tuple:
    high = None if _missing(claim["value_high"]) else int(claim["value_high"])
    return (int(claim["value_low"]), high, int(claim["value_point"]))


def _exclusion_reason(claim: pd.Series) -> str:
    """Why a claim does not enter the estimate ('' when it does); the first rule that applies."""
    if claim["superseded"]:
        return f"superseded by {claim['superseded_by']}"
    if claim["earlier_stock"]:
        return (
            f"an earlier figure (as of {claim['as_of_effective']:%Y-%m-%d}) for a total that "
            f"changes over time; the estimate uses figures as of "
            f"{claim['latest_as_of']:%Y-%m-%d}, and this one stays in the time series"
        )
    if claim["breakdown_in_whole_key"]:
        return f"a breakdown of {claim['part_of']}; checked against it, never added to it"
    if not claim["is_voice"]:
        return (
            "the same claimant speaks once per key; this figure is represented by "
            f"{claim['voice_claim_id']} (its own publication, or its latest figure)"
        )
    if claim["count_so_far_left"]:
        return COUNT_SO_FAR_TEXT
    if not claim["considered"]:
        return (
            "a party's claim about losses it inflicted on its enemy; shown, but never sets "
            "the estimate while other claims exist"
        )
    return ""


def _why_not_best(claim: pd.Series, winner: pd.Series, policy: str) -> str:
    """The first ranking rule on which a considered claim lost to the winner of its key."""
    source_type = "" if _missing(claim["source_type"]) else claim["source_type"]
    certainty = CERTAINTIES.label(claim["certainty_effective"])
    role = ROLE_LABELS.get(claim["claimant_role"], "")
    # (lost, what a reviewer reads), in the order the policy ranks by
    rules = [
        (claim["role_rank"] > winner["role_rank"], f"ranked below by claimant role: {role}"),
        (
            claim["certainty_rank"] > winner["certainty_rank"],
            f"ranked below by certainty: {certainty}",
        ),
        (
            claim["specificity_rank"] > winner["specificity_rank"],
            f"less specific wording: {claim['value_qualifier']}",
        ),
        (claim["source_published_latest"] < winner["source_published_latest"], "published earlier"),
        (
            claim["source_type_rank"] > winner["source_type_rank"],
            f"less investigative source type: {source_type}",
        ),
    ]
    if policy == "conservative":
        # the figure first; the same rules after it, named without the claim's details
        lower = claim["value_point"] > winner["value_point"]
        rules = [
            (lower, "a higher figure than the lowest considered one (conservative policy)"),
            *((lost, text.split(":")[0]) for lost, text in rules),
        ]
    else:
        rules.append((claim["value_point"] > winner["value_point"], TIE_LOST_TEXT))
    for lost, text in rules:
        if lost:
            return text
    return "tied on every rule, with the same figure"


def reconcile_reference(
    claims: pd.DataFrame,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
    tolerance: AgreementTolerance = DEFAULT_TOLERANCE,
) -> Reconciliation:
    """What ``casrec.reconcile.reconcile`` computes, key by key: estimates and annotations.

    ``estimates`` has the columns of reconciled.csv; ``claims`` has ``ANNOTATION_COLUMNS``.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    c = _annotate(claims, as_of_window_days)
    c["is_best"] = False
    c["why_not_best"] = ""
    independent = ROLE_RANK["independent"]
    rows = []
    for key in sorted(set(c["key"])):
        group = c[c["key"] == key]
        claims_in_key = [claim for _, claim in group.iterrows()]
        considered = [claim for claim in claims_in_key if claim["considered"]]
        firm = [claim for claim in considered if claim["firm"]]
        estimate = {k: (None if present == 0 else value) for k, (present, value) in
                    zip(KEY_COLUMNS, key, strict=True)}  # fmt: skip

        # 5. low, best and high
        low_holder = high_holder = None
        supplies_low = [claim for claim in considered if claim["supplies_low"]]
        if supplies_low:
            low_holder = min(
                supplies_low, key=lambda x: (x["low_offered"], x["role_rank"], x["claim_id"])
            )
        if considered:
            high_holder = min(
                considered, key=lambda x: (-x["stated_high"], x["role_rank"], x["claim_id"])
            )
        estimate["low"] = None if low_holder is None else int(low_holder["low_offered"])
        estimate["high"] = None if high_holder is None else int(high_holder["stated_high"])
        estimate["high_open"] = any(
            x["bound_high_open"] and x["stated_high"] == estimate["high"] for x in considered
        )
        best = _first(firm, policy)  # a feared figure beside a firmer one is never best
        without_party = _first([x for x in considered if x["role_rank"] == independent], policy)
        estimate["best"] = None if best is None else int(best["value_point"])
        estimate["best_claim_id"] = None if best is None else best["claim_id"]
        estimate["best_without_party"] = (
            None if without_party is None else int(without_party["value_point"])
        )
        tied = [] if best is None else [
            x for x in firm
            if _criteria(x, policy) == _criteria(best, policy)
            and x["value_point"] != best["value_point"]
        ]  # fmt: skip
        estimate["best_tied"] = bool(tied)

        # 6. status, discrepancy, counts
        counted = group[group["considered"]]
        n_independent = counted[counted["role_rank"] == independent]["who"].nunique()
        max_low = max((x["value_low"] for x in firm), default=None)
        min_high = min(
            (math.inf if _missing(x["bound_high"]) else x["bound_high"] for x in firm),
            default=None,
        )
        apart = bool(firm) and max_low > min_high
        within = apart and max_low - min_high <= max(tolerance.share * min_high, tolerance.people)
        estimate["within_tolerance"] = within
        if n_independent == 0:
            estimate["status"] = "party_only"
        elif apart and not within:
            estimate["status"] = "contested"
        elif n_independent >= 2:
            estimate["status"] = "corroborated"
        else:
            estimate["status"] = "single_source"
        if not firm:
            estimate["discrepancy"] = None
        elif not apart:
            estimate["discrepancy"] = 1.0
        elif min_high == 0:
            estimate["discrepancy"] = None
        else:
            # rounded as numpy rounds (half to even, after scaling), as pandas' round does
            estimate["discrepancy"] = float(np.round(max_low / min_high, 2))
        estimate["n_claims"] = len(group)
        estimate["n_claimants"] = counted["who"].nunique()
        estimate["n_independent"] = n_independent
        estimate["policy"] = policy
        estimate["claim_ids"] = ";".join(sorted(group["claim_id"]))

        # 6. the rationale: the chosen figure, low and high, notes, then every other claim
        if best is not None:
            c.loc[best.name, "is_best"] = True
            for claim in considered:
                if claim.name != best.name:
                    c.loc[claim.name, "why_not_best"] = _why_not_best(claim, best, policy)
        if policy == "range":
            text = RANGE_POLICY_TEXT
        elif best is None:
            text = ""
        else:
            role = ROLE_LABELS.get(best["claimant_role"], "")
            if tied:
                why = TIE_OPENING + ", ".join(sorted(x["claim_id"] for x in tied)) + TIE_CLOSING
            elif len(considered) == 1:
                why = f"{LONE_TEXT}."
            else:
                why = f"{WHY_CHOSEN[policy]}."
            text = (
                f"Best {_number(best['value_point'])}: {_said(best)}] in {best['source_id']}, "
                f"{role}; chosen because {why}"
            )
        if low_holder is not None:
            text += f" Low {_number(low_holder['low_offered'])} from {low_holder['claimant']}"
        if high_holder is not None:
            text += f"; high {_number(high_holder['stated_high'])}"
            text += "+ (open-ended)" if estimate["high_open"] else ""
            text += f" from {high_holder['claimant']}."
        holder_beside_floor = low_holder is not None and low_holder["up_to_beside_floor"]
        if low_holder is not None and low_holder["value_qualifier"] == "at_most":
            text += "" if holder_beside_floor else UP_TO_ALONE_TEXT
        if any(x["up_to_beside_floor"] for x in considered) and not holder_beside_floor:
            text += UP_TO_NO_FLOOR_TEXT
        if any(not x["supplies_low"] for x in considered):
            text += FEARED_HIGH_ONLY_TEXT
        if any(x["supplies_low"] and not x["firm"] for x in considered):
            text += FEARED_LOW_TEXT
        if best is not None and best["certainty_effective"] == FEARED:
            text += BEST_FEARED_TEXT
        if any(x["count_so_far"] for x in considered):
            text += FLOORS_SO_FAR_TEXT
        if within:
            text += (
                f" The figures do not overlap but agree within the tolerance ({tolerance.text()})."
            )
        others = []
        for claim in sorted(claims_in_key, key=lambda x: x["claim_id"]):
            if best is not None and claim.name == best.name:
                continue
            reason = claim["exclusion_reason"] or c.loc[claim.name, "why_not_best"]
            if not reason and claim["considered"]:
                reason = "considered; it sets the range, not the best figure"
            others.append(f"{_said(claim)}] — {reason}")
        if others:
            text += " Alternatives: " + "; ".join(others) + "."
        elif best is not None or policy == "range":
            text += " No other claim."
        estimate["rationale"] = text
        rows.append(estimate)

    estimates = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for column in ("low", "best", "high", "best_without_party"):
        estimates[column] = estimates[column].astype("Int64")
    return Reconciliation(estimates=estimates, claims=c[ANNOTATION_COLUMNS], policy=policy)
