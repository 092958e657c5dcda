"""Conflicting claims -> one low / best / high estimate per key, with the reasons.

The key is ``claims.KEY_COLUMNS`` (event, metric, population, side, nationality, subgroup):
"34 civilians killed" is only ever compared with other figures for civilians killed in the
same event. ``reconcile`` runs the steps of METHODOLOGY.md sections 4 to 6, one function each:

1. ``select_voices`` (4.1, 4.2): superseded claims and breakdowns inside their own whole's
   key leave; each claimant speaks with one voice per key;
2. ``consider`` (4.3, 4.4): enemy-loss claims step aside while another claim exists, and
   totals that change over time are estimated as of their latest date;
3. ``bound`` (5): low and high span the considered intervals;
4. ``choose_best`` (5): the best figure under the policy, and the sensitivity figures;
5. ``assess`` (6): status, discrepancy and the counts of claims and claimants;
6. ``explain`` (6): why each claim did or did not set the figures, as one paragraph per key.

Each step works on whole columns (the machinery is in ``casrec.vectorised``) so a million
claims reconcile in seconds (benchmarks/bench_reconcile.py). ``casrec.reconcile_reference``
states the same rules key by key in plain pandas; a property test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casrec import vectorised as vx
from casrec import vocabulary
from casrec.claims import KEY_COLUMNS, ROLE_LABELS, as_of_period
from casrec.consistency import DEFAULT_AS_OF_WINDOW_DAYS
from casrec.vocabulary import CERTAINTIES, CLAIMANT_ROLES, normalise_claimants

POLICIES = vocabulary.POLICIES.codes
DEFAULT_POLICY = vocabulary.DEFAULT_POLICY
STATUSES = vocabulary.STATUSES.codes

# Ranking of considered claims under the `reliability` policy, most trusted first.
ROLE_RANK = {code: rank for rank, code in enumerate(CLAIMANT_ROLES.codes)}
SPECIFICITY_RANK = {
    "exact": 0,
    "estimate": 1,
    "at_least": 1,
    "more_than": 1,
    "approx": 2,
    "range": 3,
    "at_most": 3,
    "vague": 4,
}
# Source type breaks the last ties: monitors who investigate before those who relay.
SOURCE_TYPE_RANK = {
    "un": 0,
    "ngo": 1,
    "research": 2,
    "wire": 3,
    "media": 4,
    "encyclopedia": 5,
    "government": 6,
    "armed_group": 7,
    "other": 8,
}
UNKNOWN_SOURCE_TYPE_RANK = len(SOURCE_TYPE_RANK) + 1

OUTPUT_COLUMNS = [
    *KEY_COLUMNS,
    "low",
    "best",
    "high",
    "high_open",
    "status",
    "discrepancy",
    "n_claims",
    "n_claimants",
    "n_independent",
    "best_claim_id",
    "best_tied",
    "within_tolerance",
    "best_without_party",
    "policy",
    "rationale",
    "claim_ids",
]

CERTAINTY_RANK = {code: rank for rank, code in enumerate(CERTAINTIES.codes)}
FEARED = "feared"


@dataclass(frozen=True)
class AgreementTolerance:
    """How far apart two intervals may be and still agree.

    The larger of a share of the smaller figure and a number of people: 185 and "at least
    187" agree; 25 and "at least 34" do not.
    """

    share: float = 0.05
    people: int = 2

    def of(self, smaller: np.ndarray) -> np.ndarray:
        """The tolerance for each smaller figure."""
        return np.maximum(self.share * smaller, self.people)

    def text(self) -> str:
        """The rule in words, as the rationale states it."""
        return f"the larger of {self.share:.0%} of the smaller figure and {self.people}"


DEFAULT_TOLERANCE = AgreementTolerance()

TIE_LOST_TEXT = (
    "level with the best on every rule but with a higher figure; between equals the lower "
    "figure is taken (tie rule)"
)
LONE_TEXT = "it is the only figure considered"
TIE_OPENING = "it is level on every rule with "
TIE_CLOSING = " and gives the lower figure: between equals the lower figure is taken (tie rule)."
UP_TO_ALONE_TEXT = ' The low is unknown: an "up to" figure states no floor.'
UP_TO_NO_FLOOR_TEXT = ' An "up to" figure supplies no low while another claim states a floor.'
FEARED_HIGH_ONLY_TEXT = (
    " A feared or unconfirmed figure enters the high only; firmer figures set the low and "
    "the status."
)
FEARED_LOW_TEXT = (
    ' No firmer figure states a floor (an "up to" states none), so feared or unconfirmed '
    "figures count for the low; firmer figures set the best and the status."
)
BEST_FEARED_TEXT = " The best figure is feared or unconfirmed."
FLOORS_SO_FAR_TEXT = (
    " Only counts so far exist (figures from before the incident ended, or called "
    "provisional); each is read as a floor."
)
COUNT_SO_FAR_TEXT = (
    "a count so far (it refers to a date before the incident ended, or says it is "
    "provisional); complete figures exist, and they supply the estimate"
)

WHY_CHOSEN = {
    "reliability": "it ranks first by claimant role, then certainty, then specificity, then "
    "later publication",
    "conservative": "it is the lowest point value among the considered claims (conservative "
    "policy)",
}
RANGE_POLICY_TEXT = (
    "Range policy: no best figure is chosen; low and high span the considered claims."
)


@dataclass
class Reconciliation:
    """The result: one row per key (``estimates``) and every claim annotated (``claims``)."""

    estimates: pd.DataFrame
    claims: pd.DataFrame
    policy: str

    def output(self) -> pd.DataFrame:
        """The estimates with exactly the columns of reconciled.csv (DESIGN.md)."""
        return self.estimates[OUTPUT_COLUMNS].copy()


def reconcile(
    claims: pd.DataFrame,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
    tolerance: AgreementTolerance = DEFAULT_TOLERANCE,
) -> Reconciliation:
    """Reconcile prepared claims (see ``casrec.claims.prepare_claims``) under ``policy``.

    ``as_of_window_days``: for aggregates, only figures this close to the key's latest as-of
    date enter the estimate. ``tolerance``: how far apart intervals may be and still agree.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; expected one of: {', '.join(POLICIES)}")
    c = consider(select_voices(claims), as_of_window_days)
    keys = _Keys.of(c)
    est, spread = bound(c, keys)
    picked = choose_best(c, keys, est, policy)
    assess(c, keys, est, spread, tolerance)
    explain(c, keys, est, picked, policy, tolerance)
    return Reconciliation(estimates=est, claims=c, policy=policy)


def annotate_claims(
    claims: pd.DataFrame, as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """Each claim marked superseded / relayed / dated / considered, with the reason."""
    return consider(select_voices(claims), as_of_window_days)


# --- 4. which claims enter the estimate -----------------------------------------------------


def select_voices(claims: pd.DataFrame) -> pd.DataFrame:
    """Superseded claims and breakdowns under their whole's key leave; one voice per claimant.

    A claimant speaks once per key: with its own publication before a relay of it, then
    with the figure it said last, then by claim id. A figure known only through relays is
    dated by its first appearance: a later document repeating an old figure does not make
    it the claimant's latest. Adds ``key_code``, ``superseded(_by)``,
    ``breakdown_in_whole_key``, ``own_publication``, ``is_voice``, ``voice_claim_id``,
    ``role_rank``, ``id_rank`` and ``published_us``.
    """
    # copy-on-write: the columns added below never reach the caller's frame
    c = claims.reset_index(drop=True)
    n = len(c)
    c["key_code"] = _key_codes(c)
    key = c["key_code"].to_numpy()
    ids = vx.text(c["claim_id"])
    sorted_ids = vx.SortedIds(ids)

    # Superseded: some later claim names this one in `supersedes`; several successors are
    # listed together, in row order.
    successors = np.flatnonzero(c["supersedes"].notna().to_numpy())
    target = sorted_ids.find(c["supersedes"])[successors]
    successors, target = successors[target >= 0], target[target >= 0]
    by_target = np.argsort(target, kind="stable")
    joined = vx.join_by_key(target[by_target], ";", [ids[successors[by_target]]], n)
    superseded = np.bincount(target, minlength=n) > 0
    c["superseded_by"] = vx.series(vx.take(joined, np.where(superseded, np.arange(n), -1)))

    # A breakdown under the very key of its whole would count the same people twice.
    whole = sorted_ids.find(c["part_of"])
    part_in_whole_key = (whole >= 0) & (key[whole] == key)
    eligible = ~superseded & ~part_in_whole_key

    # One voice per claimant and key: own publication, then latest, then claim_id.
    # Claimants and publishers are few: each distinct name is normalised once.
    claimant_code, claimant_names = pd.factorize(c["claimant"])
    norm_code, norm_names = pd.factorize(normalise_claimants(pd.Series(claimant_names)))
    voice_claimant = np.append(norm_code, -1)[claimant_code]  # -1: no claimant
    publisher_code, publishers = pd.factorize(c["source_publisher"])
    publisher_as_claimant = pd.Index(norm_names).get_indexer(
        normalise_claimants(pd.Series(publishers))
    )
    publisher_norm = np.append(publisher_as_claimant, -1)[publisher_code]
    own = (voice_claimant == publisher_norm) & (voice_claimant >= 0)
    published = c["source_published_latest"].to_numpy(dtype="datetime64[us]").astype(np.int64)
    id_rank = sorted_ids.rank
    # Eligible claims of one claimant in one key form a voice group; its voice is the first
    # claim by preference, and every claim of the group points to it.
    rows = np.flatnonzero(eligible)
    voice_group = key[rows] * (voice_claimant.max() + 1) + voice_claimant[rows]
    groups, group_of_row = np.unique(voice_group, return_inverse=True)
    group = np.full(n, -1, dtype=np.int64)
    group[rows] = group_of_row
    # when the claimant said it: its own publication's date; for a relay, the first date any
    # document of this claimant and key gave the same figure (a repetition adds nothing).
    # Only relays need it: where the claimant has an own publication in the key, that speaks
    # whatever the relays' dates, so the earliest relay of a figure is its first appearance
    # wherever the dates of relays decide.
    said = published.copy()
    relays = rows[~own[rows]]
    if len(relays):
        figure = vx.sort_key((
            c["value_point"].to_numpy()[relays],
            c["value_high"].fillna(-1).to_numpy(dtype=np.int64)[relays],
            c["value_low"].to_numpy()[relays], group[relays],
        ))  # fmt: skip
        figure_code = np.unique(figure, return_inverse=True)[1]
        first_seen = np.full(int(figure_code.max()) + 1, vx.BIG, dtype=np.int64)
        np.minimum.at(first_seen, figure_code, published[relays])
        said[relays] = first_seen[figure_code]
    # Of figures the claimant gave on one date, one whose as-of period ends before another's
    # begins is an earlier figure of a changing total (an update quoting March and June):
    # the later speaks. Periods keep their precision, so "2025" and "2025-06" overlap.
    first_day, last_day = (
        d.to_numpy(dtype="datetime64[us]").view(np.int64) for d in as_of_period(c)
    )
    same_date = np.unique(
        vx.sort_key((published[rows], said[rows], group[rows])), return_inverse=True
    )[1]
    latest_start = np.full(len(rows), np.iinfo(np.int64).min, dtype=np.int64)  # NaT: undated
    np.maximum.at(latest_start, same_date, first_day[rows])
    earlier_figure = np.zeros(n, dtype=bool)
    dated = last_day[rows] != np.iinfo(np.int64).min
    earlier_figure[rows] = dated & (last_day[rows] < latest_start[same_date])
    # figures the claimant gave on one date: the lower one (as for ties of best); the same
    # figure twice: the firmer, more specific, better sourced, more recent and complete
    # statement of it. The claim id only names one of claims that agree on all of these.
    certainty_rank = vx.map_distinct(c["certainty_effective"], CERTAINTY_RANK).astype("int64")
    specificity_rank = vx.map_distinct(c["value_qualifier"], SPECIFICITY_RANK).astype("int64")
    source_type_rank = vx.map_distinct(c["source_type"], SOURCE_TYPE_RANK)
    source_type_rank = source_type_rank.fillna(UNKNOWN_SOURCE_TYPE_RANK).astype("int64")
    preference = vx.sort_key((
        id_rank, c["value_provisional"].to_numpy(dtype=bool), _later_first(last_day),
        source_type_rank.to_numpy(), specificity_rank.to_numpy(), certainty_rank.to_numpy(),
        c["value_high"].fillna(vx.BIG).to_numpy(dtype=np.int64),
        c["value_low"].to_numpy(), c["value_point"].to_numpy(), earlier_figure, published,
        -said, ~own,
    ))  # fmt: skip
    voice = vx.first_by_group(group, rows, preference, len(groups))
    is_voice = np.zeros(n, dtype=bool)
    is_voice[voice] = True
    speaker = np.full(n, -1, dtype=np.int64)
    speaker[rows] = voice[group[rows]]
    c["voice_claim_id"] = vx.series(vx.take(ids, speaker))

    c["superseded"] = superseded
    c["breakdown_in_whole_key"] = part_in_whole_key
    c["own_publication"] = own
    c["is_voice"] = is_voice
    c["role_rank"] = vx.map_distinct(c["claimant_role"], ROLE_RANK).astype("int64").to_numpy()
    c["certainty_rank"] = certainty_rank
    c["specificity_rank"] = specificity_rank
    c["source_type_rank"] = source_type_rank
    c["id_rank"] = id_rank
    c["published_us"] = published
    return c


def consider(c: pd.DataFrame, as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS) -> pd.DataFrame:
    """Enemy-loss claims and earlier figures of a changing total leave; the rest is considered.

    Adds ``latest_as_of``, ``earlier_stock``, ``considered``, the ranks the best is chosen
    by, ``stated_high`` and ``exclusion_reason`` (why a claim does not enter; '' if it does).
    """
    key = c["key_code"].to_numpy()
    n_keys = int(key.max()) + 1 if len(c) else 0
    is_voice = c["is_voice"].to_numpy().copy()
    is_enemy = c["role_rank"].to_numpy() == ROLE_RANK["party_enemy"]

    # Stocks and running totals (aggregate events) are estimated as of the latest date a
    # voice in the key refers to; older figures form the time series, not a contradiction.
    # Chosen after the voices, so a relay's later date never displaces its own publication;
    # set by claims other than enemy-loss ones, which must not push the others out; and
    # compared by period bounds, so a figure "as of 2025" does not outdate one of 2025-06-17.
    first_day, last_day = as_of_period(c)
    as_of_first = first_day.to_numpy(dtype="datetime64[us]").view(np.int64)
    as_of_last = last_day.to_numpy(dtype="datetime64[us]")
    has_other_voice = np.bincount(key, weights=(is_voice & ~is_enemy), minlength=n_keys) > 0
    sets_date = is_voice & (~is_enemy | ~has_other_voice[key])
    # the latest date per key; NaT is the smallest int64, so a maximum skips it
    latest = np.full(n_keys, np.datetime64("NaT"), dtype="datetime64[us]").view(np.int64)
    np.maximum.at(latest, key[sets_date], as_of_first[sets_date])
    latest = latest.view("datetime64[us]")[key]
    window = np.timedelta64(as_of_window_days, "D")
    aggregate = (c["event_kind"] == "aggregate").to_numpy()
    earlier_stock = aggregate & is_voice & (as_of_last < latest - window)
    c["latest_as_of"] = latest
    is_voice &= ~earlier_stock

    key_has_other = np.bincount(key, weights=(is_voice & ~is_enemy), minlength=n_keys) > 0
    considered = is_voice & (~is_enemy | ~key_has_other[key])

    # Running tolls: a figure for an incident that refers to a date before the incident
    # ended, or that calls itself provisional ("so far", "the toll rose to"), is a count so
    # far. Complete figures, where any exist, supply the estimate; alone, each count so far
    # is a floor.
    incident = (c["event_kind"] == "incident").to_numpy()
    event_end = c["event_end_first_day"].to_numpy(dtype="datetime64[us]")
    before_end = as_of_last < event_end  # False where either date is missing
    so_far = incident & (before_end | c["value_provisional"].to_numpy(dtype=bool))
    complete_exists = _any_per_key(key, considered & ~so_far, n_keys)
    so_far_left = considered & so_far & complete_exists[key]
    considered &= ~so_far_left
    floor_so_far = considered & so_far

    # Feared or unconfirmed figures enter the high only, while a firmer figure exists. An
    # "up to N" figure says nothing of a floor: while a claim that supplies the low states
    # one, it offers N, not 0, to the low (so it sets the low only when it is below every
    # floor).
    certainty = c["certainty_effective"]
    feared = (certainty == FEARED).to_numpy()
    firm = considered & (~feared | ~_any_per_key(key, considered & ~feared, n_keys)[key])
    at_most = (c["value_qualifier"] == "at_most").to_numpy()
    # The low comes from the firm claims; but where the only firm ones are "up to" figures,
    # which state no floor, a feared floor is the only floor there is, and it gives the low
    # beside them (an "up to" never leaves the low at 0 while a considered claim states one).
    states_floor = considered & ~at_most
    no_firm_floor = ~_any_per_key(key, firm & states_floor, n_keys)
    feared_floor_only = no_firm_floor & _any_per_key(key, states_floor, n_keys)
    supplies_low = firm | (considered & feared_floor_only[key])
    floor_exists = _any_per_key(key, supplies_low & ~at_most, n_keys)
    up_to_beside_floor = supplies_low & at_most & floor_exists[key]
    low_offered = c["value_low"].to_numpy().copy()
    low_offered[up_to_beside_floor] = c["value_high"].to_numpy()[up_to_beside_floor]

    c["is_voice"] = is_voice
    c["earlier_stock"] = earlier_stock
    c["count_so_far"] = so_far
    c["count_so_far_left"] = so_far_left
    c["considered"] = considered
    c["firm"] = firm
    c["supplies_low"] = supplies_low
    c["up_to_beside_floor"] = up_to_beside_floor
    c["low_offered"] = low_offered
    # the interval a claim contributes: as stated, except that a count so far standing
    # alone is a floor (open above); the reported figures stay as they are
    c["bound_high"] = c["value_high"].where(~floor_so_far)
    c["bound_high_open"] = c["value_high_open"].to_numpy(dtype=bool) | floor_so_far
    # the upper figure a claim states: its high, or its floor when it gives no high
    c["stated_high"] = c["bound_high"].fillna(c["value_low"]).astype("int64")
    c["exclusion_reason"] = vx.series(_exclusion_reasons(c))
    return c


# --- 5. low, best and high ------------------------------------------------------------------


@dataclass(frozen=True)
class _Keys:
    """The keys: each claim's key number, and the row of the estimates each key takes.

    Estimates are listed sorted by key (as ``sort_values(KEY_COLUMNS, na_position="first")``
    would list them). Every per-key value is put in this order as it is assigned, so long
    texts are built directly in it rather than sorted afterwards.
    """

    code: np.ndarray  # per claim: its key's number
    n: int  # how many keys
    order: np.ndarray  # per estimates row: the key number it shows
    position: np.ndarray  # per key number: its estimates row
    values: pd.DataFrame  # per estimates row: the key columns

    @classmethod
    def of(cls, c: pd.DataFrame) -> _Keys:
        code = c["key_code"].to_numpy()
        n_keys = int(code.max()) + 1 if len(c) else 0
        first_rows = np.full(n_keys, len(c), dtype=np.int64)
        np.minimum.at(first_rows, code, np.arange(len(c)))
        key_values = c[KEY_COLUMNS].iloc[first_rows]
        codes = [pd.factorize(key_values[k], sort=True)[0] for k in KEY_COLUMNS]  # missing: -1
        order = vx.lexsort(tuple(reversed(codes)))
        position = np.empty(n_keys, dtype=np.int64)
        position[order] = np.arange(n_keys)
        values = key_values.iloc[order].reset_index(drop=True)
        return cls(code, n_keys, order, position, values)


def bound(c: pd.DataFrame, keys: _Keys) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The estimates table with low, high and high_open; and the spread of the figures.

    low: the lowest lower bound among the claims that supply it (``consider``: an "up to"
    or a feared figure does not while a firmer claim states a floor); high: the highest
    stated upper bound considered (an open-ended claim states its floor), open when the
    claim stating it is open-ended. The spread (per estimates row: largest low and smallest
    high of the firm claims) is what ``assess`` judges agreement by.
    """
    considered = c["considered"].to_numpy()
    low = c["value_low"].to_numpy()
    stated_high = c["stated_high"].to_numpy()
    lows = vx.aggregate(
        keys.code,
        c["supplies_low"].to_numpy(),
        keys.n,
        low=(c["low_offered"].to_numpy(), np.minimum),
    ).iloc[keys.order]
    highs = vx.aggregate(
        keys.code,
        considered,
        keys.n,
        high=(stated_high, np.maximum),
        open_stated=(np.where(c["bound_high_open"].to_numpy(), stated_high, -1), np.maximum),
    ).iloc[keys.order]
    spread = vx.aggregate(
        keys.code,
        c["firm"].to_numpy(),
        keys.n,
        max_low=(low, np.maximum),
        min_high=(c["bound_high"].fillna(vx.BIG).to_numpy(dtype=np.int64), np.minimum),
    ).iloc[keys.order]
    est = keys.values.copy()
    est["low"] = lows["low"].astype("Int64").array
    est["high"] = highs["high"].astype("Int64").array
    est["high_open"] = (highs["open_stated"] >= highs["high"]).fillna(False).to_numpy(dtype=bool)
    return est, spread


def choose_best(c: pd.DataFrame, keys: _Keys, est: pd.DataFrame, policy: str) -> pd.DataFrame:
    """The claim that sets best in each key (none under `range`), and the sensitivity figures.

    Claims equal on every ranking criterion but giving different figures are tied: the
    lower figure is taken and the key flagged (``best_tied``), never decided by claim id.
    best_without_party: the best among independent claims only; best_without_single_source:
    the best among claims whose interval overlaps another considered claim's. Marks
    ``is_best`` and ``tied_with_best`` on the claims; returns the picked (key_code, row) pairs.
    """
    considered = c["considered"].to_numpy()
    # best comes from the claims that also supply the low: a feared figure beside a firmer
    # one enters the high only, so it can never set a best below the low
    firm = c["firm"].to_numpy()
    independent = c["role_rank"].to_numpy() == ROLE_RANK["independent"]
    # the policy's order of claims, once; each `best` below is the first of a subset
    preference = None if policy == "range" else vx.sort_key(_priority(c, policy))
    picked = _pick(keys.code, firm, preference)
    est["best"] = _best_by_key(c, picked, keys.n).array[keys.order]
    without_party = _pick(keys.code, considered & independent, preference)
    est["best_without_party"] = _best_by_key(c, without_party, keys.n).array[keys.order]
    overlapping = considered & _overlaps_another_claimant(c, considered)
    corroborated = _pick(keys.code, overlapping, preference)
    est["best_without_single_source"] = _best_by_key(c, corroborated, keys.n).array[keys.order]
    ids = vx.text(c["claim_id"])
    est["best_claim_id"] = vx.by_key(
        ids, keys.position[picked["key_code"].to_numpy()], picked["row"].to_numpy(), keys.n
    )
    c["is_best"] = False
    c.loc[picked["row"].to_numpy(), "is_best"] = True

    # ties: claims level with the best on every criterion that give another figure
    tied = np.zeros(len(c), dtype=bool)
    if policy != "range" and len(picked):
        criteria = vx.sort_key(_criteria(c, policy))
        winner = np.full(keys.n, -1, dtype=np.int64)
        winner[picked["key_code"].to_numpy()] = picked["row"].to_numpy()
        w = winner[keys.code]
        point = c["value_point"].to_numpy()
        tied = firm & (w >= 0)
        tied &= criteria == criteria[np.maximum(w, 0)]
        tied &= point != point[np.maximum(w, 0)]
    c["tied_with_best"] = tied
    est["best_tied"] = _any_per_key(keys.code, tied, keys.n)[keys.order]
    return picked


# --- 6. how sure: status, discrepancy, counts; the rationale ---------------------------------


def assess(
    c: pd.DataFrame,
    keys: _Keys,
    est: pd.DataFrame,
    spread: pd.DataFrame,
    tolerance: AgreementTolerance = DEFAULT_TOLERANCE,
) -> None:
    """Status, discrepancy, agreement within tolerance, and the counts of claims and claimants.

    Claimants are counted over the considered claims (one voice each), independent ones
    among them; ``n_claimants_all`` counts every claimant in the key. Statuses are tested
    in the order party_only, contested, corroborated, single_source. Firm intervals whose
    gap is within ``tolerance`` agree. The discrepancy is the gap as a ratio, the largest
    low over the smallest high: 1.00 when the intervals overlap.
    """
    key = keys.code
    # distinct claimants per key (case and spacing ignored, as for voices), on integer codes
    claimant_code, claimants = pd.factorize(c["claimant"])
    same_claimant = pd.factorize(normalise_claimants(pd.Series(claimants)))[0][claimant_code]
    independent = c["role_rank"].to_numpy() == ROLE_RANK["independent"]
    considered = c["considered"].to_numpy()
    voices = considered & independent
    n_ind = vx.distinct_per_key(key[voices], same_claimant[voices], keys.n)[keys.order]
    n_claimants = vx.distinct_per_key(key[considered], same_claimant[considered], keys.n)[
        keys.order
    ]
    n_all = vx.distinct_per_key(key, same_claimant, keys.n)[keys.order]
    n_claims = np.bincount(key, minlength=keys.n)[keys.order]

    max_low = spread["max_low"].to_numpy(dtype=float)  # NaN: no firm claim
    min_high = spread["min_high"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        gap = max_low - min_high
        apart = gap > 0
        within = apart & (gap <= tolerance.of(min_high))
    contested = apart & ~within
    status = np.select(
        [n_ind == 0, contested, n_ind >= 2],
        ["party_only", "contested", "corroborated"],
        default="single_source",
    )
    est["status"] = vx.series(status.astype(object))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(apart, max_low / np.where(min_high > 0, min_high, np.nan), 1.0)
    ratio[np.isnan(max_low)] = np.nan
    est["discrepancy"] = pd.Series(ratio).round(2).astype("Float64").to_numpy()
    est["within_tolerance"] = within
    est["n_claims"] = n_claims
    est["n_claimants"] = n_claimants
    est["n_independent"] = n_ind
    est["n_claimants_all"] = n_all


def explain(
    c: pd.DataFrame,
    keys: _Keys,
    est: pd.DataFrame,
    picked: pd.DataFrame,
    policy: str,
    tolerance: AgreementTolerance = DEFAULT_TOLERANCE,
) -> None:
    """The claim ids of each key, who set low and high, why each claim lost, the rationale."""
    key = keys.code
    considered = c["considered"].to_numpy()
    ids = vx.text(c["claim_id"])
    est["policy"] = policy
    # every claim by its key's row, then claim id
    by_id = vx.lexsort((c["id_rank"].to_numpy(), keys.position[key]))
    est["claim_ids"] = vx.series(
        vx.join_by_key(keys.position[key[by_id]], ";", [ids[by_id]], keys.n)
    )
    low_rows = _extreme_rows(c, c["supplies_low"].to_numpy(), "low_offered", smallest=True)
    high_rows = _extreme_rows(c, considered, "stated_high", smallest=False)
    est["low_claim_id"] = vx.by_key(ids, keys.position[key[low_rows]], low_rows, keys.n)
    est["high_claim_id"] = vx.by_key(ids, keys.position[key[high_rows]], high_rows, keys.n)
    c["why_not_best"] = vx.series(_why_not_best(c, picked, policy), index=c.index)
    claimant_code, claimants = pd.factorize(c["claimant"])
    est["rationale"] = vx.series(
        _rationale(
            c, est, picked, low_rows, high_rows, by_id, keys.position, policy, claimant_code,
            claimants, tolerance,
        )
    )  # fmt: skip


# --- rule machinery: the steps above, on whole columns --------------------------------------


def _any_per_key(key: np.ndarray, mask: np.ndarray, n_keys: int) -> np.ndarray:
    """Per key, whether any of its rows is in ``mask``."""
    return np.bincount(key[mask], minlength=n_keys) > 0


def _later_first(days: np.ndarray) -> np.ndarray:
    """Dates (int64 microseconds, NaT the smallest) as integers: later first, missing last."""
    # NaT is the smallest int64, whose negation overflows: it takes the next value up
    return -np.maximum(days, np.iinfo(np.int64).min + 1)


def _key_codes(claims: pd.DataFrame) -> np.ndarray:
    """An integer per distinct key (missing key values are a value of their own)."""
    return claims.groupby(KEY_COLUMNS, dropna=False, sort=True).ngroup().to_numpy()


def _role_labels(c: pd.DataFrame) -> Callable[[np.ndarray], np.ndarray]:
    """The claimant role label (``ROLE_LABELS``) of an array of rows.

    Read off ``role_rank``, which numbers the roles one to one: no text is compared.
    """
    labels = [""] * (max(ROLE_RANK.values()) + 1)
    for role, rank in ROLE_RANK.items():
        labels[rank] = ROLE_LABELS.get(role, "")
    ranks = c["role_rank"].to_numpy()
    return lambda rows: vx.choose(labels, ranks[rows])


def _exclusion_reasons(c: pd.DataFrame) -> np.ndarray:
    """Why a claim does not enter the estimate ('' when it does)."""
    part_in_whole_key = c["breakdown_in_whole_key"].to_numpy()
    superseded = c["superseded"].to_numpy()
    earlier_stock = c["earlier_stock"].to_numpy()
    is_voice = c["is_voice"].to_numpy()
    relay = ~superseded & ~part_in_whole_key & ~earlier_stock & ~is_voice
    so_far = c["count_so_far_left"].to_numpy()
    enemy = is_voice & ~c["considered"].to_numpy() & ~so_far
    # where several rules apply, the first listed wins
    rule = np.select([superseded, earlier_stock, part_in_whole_key, relay, enemy, so_far],
                     [0, 1, 2, 3, 4, 5], default=-1)  # fmt: skip

    def text(name: str) -> Callable[[np.ndarray], np.ndarray]:
        column = c[name].fillna("").to_numpy(dtype=object)
        return lambda rows: column[rows]

    def date(name: str) -> Callable[[np.ndarray], np.ndarray]:
        values = c[name].to_numpy()
        return lambda rows: vx.fmt_dates(values[rows])

    return vx.rule_texts(
        rule,
        [
            ("superseded by ", text("superseded_by")),
            (
                "an earlier figure (as of ",
                date("as_of_effective"),
                ") for a total that changes over time; the estimate uses figures as of ",
                date("latest_as_of"),
                ", and this one stays in the time series",
            ),
            ("a breakdown of ", text("part_of"), "; checked against it, never added to it"),
            (
                "the same claimant speaks once per key; this figure is represented by ",
                text("voice_claim_id"),
                " (its own publication, or its latest figure)",
            ),
            "a party's claim about losses it inflicted on its enemy; shown, but never sets the "
            "estimate while other claims exist",
            COUNT_SO_FAR_TEXT,
        ],
    )


def _criteria(c: pd.DataFrame, policy: str) -> tuple[np.ndarray, ...]:
    """The ranking criteria for `best` (``np.lexsort`` order, last is primary), ids aside.

    Claims equal on all of them are tied: a judgement between equals (see ``_priority``).
    """
    reliability = (
        c["source_type_rank"].to_numpy(),
        -c["published_us"].to_numpy(),
        c["specificity_rank"].to_numpy(),
        c["certainty_rank"].to_numpy(),
        c["role_rank"].to_numpy(),
    )
    if policy == "conservative":
        return (*reliability, c["value_point"].to_numpy())
    return reliability


def _priority(c: pd.DataFrame, policy: str) -> tuple[np.ndarray, ...]:
    """The full order for `best`: the criteria, then the tie rule, then the claim id.

    The tie rule takes the lower figure; the claim id only names one of several claims
    giving the very same figure.
    """
    return (c["id_rank"].to_numpy(), c["value_point"].to_numpy(), *_criteria(c, policy))


def _pick(key: np.ndarray, mask: np.ndarray, preference: np.ndarray | None) -> pd.DataFrame:
    """The claim that supplies `best` for each key among ``mask`` rows.

    ``preference``: the policy's order of claims (a ``vx.sort_key``); None under `range`.
    """
    if preference is None:
        return pd.DataFrame({"key_code": [], "row": []}, dtype="int64")
    n_keys = int(key.max()) + 1 if len(key) else 0
    keys, rows = vx.first_by_key(key, mask, preference, n_keys)
    return pd.DataFrame({"key_code": keys, "row": rows})


def _best_by_key(c: pd.DataFrame, picked: pd.DataFrame, n_keys: int) -> pd.Series:
    """Best point value per key from ``picked`` (NA where none or under `range`)."""
    best = pd.Series(pd.NA, index=range(n_keys), dtype="Int64")
    if len(picked):
        best.iloc[picked["key_code"].to_numpy()] = c["value_point"].to_numpy()[picked["row"]]
    return best


def _overlaps_another_claimant(c: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """Whether each ``mask`` row's interval overlaps a different ``mask`` row in its key.

    Rows are sorted by low within their key; a row overlaps an earlier one iff the running
    maximum of earlier highs reaches its low, and a later one iff the next low is within it.
    """
    rows = np.flatnonzero(mask)
    result = np.zeros(len(c), dtype=bool)
    if len(rows) < 2:
        return result
    key = c["key_code"].to_numpy()[rows]
    low = c["value_low"].to_numpy()[rows]
    high = c["value_high"].fillna(vx.BIG).to_numpy(dtype=np.int64)[rows]
    order = vx.lexsort((low, key))
    key, low, high = key[order], low[order], high[order]
    same_prev = np.r_[False, key[1:] == key[:-1]]
    same_next = np.r_[key[1:] == key[:-1], False]
    running_high = pd.Series(high).groupby(key).cummax().to_numpy()
    prev_high = np.r_[-1, running_high[:-1]]
    next_low = np.r_[low[1:], vx.BIG]
    overlap = (same_prev & (prev_high >= low)) | (same_next & (next_low <= high))
    result[rows[order]] = overlap
    return result


def _extreme_rows(c: pd.DataFrame, mask: np.ndarray, column: str, smallest: bool) -> np.ndarray:
    """Per key, the row holding the smallest (or largest) ``column`` among ``mask`` rows."""
    values = c[column].to_numpy()
    # ties go to the better-ranked claim so the rationale names the most credible holder
    order = vx.sort_key(
        (c["id_rank"].to_numpy(), c["role_rank"].to_numpy(), values if smallest else -values)
    )
    key = c["key_code"].to_numpy()
    return vx.first_by_key(key, mask, order, int(key.max()) + 1 if len(key) else 0)[1]


def _why_not_best(c: pd.DataFrame, picked: pd.DataFrame, policy: str) -> np.ndarray:
    """For each considered claim that did not supply best, the first rule it lost on."""
    key = c["key_code"].to_numpy()
    n_keys = int(key.max()) + 1 if len(c) else 0
    winner_row = np.full(n_keys, -1, dtype=np.int64)
    winner_row[picked["key_code"].to_numpy()] = picked["row"].to_numpy()
    # the claims it concerns, each compared with the winner of its key
    rows = np.flatnonzero(c["considered"].to_numpy() & ~c["is_best"].to_numpy())
    rows = rows[winner_row[key[rows]] >= 0]
    if policy == "range":
        rows = rows[:0]
    winner = winner_row[key[rows]]

    def loses(column: str, compare: np.ufunc) -> np.ndarray:
        values = c[column].to_numpy()
        return compare(values[rows], values[winner])

    role_loses = loses("role_rank", np.greater)
    certainty_loses = loses("certainty_rank", np.greater)
    spec_loses = loses("specificity_rank", np.greater)
    date_loses = loses("published_us", np.less)
    type_loses = loses("source_type_rank", np.greater)
    point_loses = loses("value_point", np.greater)

    # details of the claim itself, for the rules that name them
    role = _role_labels(c)

    def qualifier(rows: np.ndarray) -> np.ndarray:
        return vx.text(c["value_qualifier"].iloc[rows])

    def source_type(rows: np.ndarray) -> np.ndarray:
        return c["source_type"].iloc[rows].fillna("").to_numpy(dtype=object)

    certainty_labels = [CERTAINTIES.label(code) for code in CERTAINTIES.codes]
    certainty_ranks = c["certainty_rank"].to_numpy()

    def certainty(rows: np.ndarray) -> np.ndarray:
        return vx.choose(certainty_labels, certainty_ranks[rows])

    if policy == "conservative":
        conditions = [point_loses, role_loses, certainty_loses, spec_loses, date_loses, type_loses]
        texts = [
            "a higher figure than the lowest considered one (conservative policy)",
            "ranked below by claimant role",
            "ranked below by certainty",
            "less specific wording",
            "published earlier",
            "less investigative source type",
        ]
    else:
        conditions = [role_loses, certainty_loses, spec_loses, date_loses, type_loses, point_loses]
        texts = [
            ("ranked below by claimant role: ", role),
            ("ranked below by certainty: ", certainty),
            ("less specific wording: ", qualifier),
            "published earlier",
            ("less investigative source type: ", source_type),
            TIE_LOST_TEXT,
        ]
    texts.append("tied on every rule, with the same figure")
    # the first rule each claim loses on (the last entry: none, a tie)
    rule = np.full(len(c), -1, dtype=np.int64)
    rule[rows] = np.select(conditions, list(range(len(conditions))), default=len(conditions))
    return vx.rule_texts(rule, texts)


def _rationale(
    c: pd.DataFrame,
    est: pd.DataFrame,
    picked: pd.DataFrame,
    low_rows: np.ndarray,
    high_rows: np.ndarray,
    by_id: np.ndarray,
    position: np.ndarray,
    policy: str,
    claimant_code: np.ndarray,
    claimants: pd.Index,
    tolerance: AgreementTolerance = DEFAULT_TOLERANCE,
) -> np.ndarray:
    """One plain paragraph per key: the chosen figure and why, then every alternative and why not.

    ``position``: each key's row in ``est``, which the paragraphs follow. ``by_id``: every
    claim, ordered by that row and then claim id (the order alternatives are listed).
    ``claimant_code``, ``claimants``: the claimants, factorized.

    Each string concatenation is one C loop over an object array that creates a string per
    row, so the paragraphs are assembled from as few of them as possible: parts that repeat
    (a formatted figure, a claimant's name, a source and role) are written once per distinct
    value and shared. Which claim each sentence names is settled for all keys first; the
    sentences are then written a batch of keys at a time (see ``vx.batched``).
    """
    n_keys = len(position)
    key = position[c["key_code"].to_numpy()]

    def row_of_key(keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
        where = np.full(n_keys, -1, dtype=np.int64)
        where[keys] = rows
        return where

    claim_ids = vx.text(c["claim_id"])
    names = np.asarray(claimants, dtype=object)
    from_claimant = vx.concat(" from ", names)
    from_claimant_stop = vx.concat(" from ", names, ".")

    def claimant(rows: np.ndarray, texts: np.ndarray) -> np.ndarray:
        # the claimant's text of each row (missing where a row is -1)
        return vx.take(texts, np.where(rows < 0, -1, claimant_code[rows]))

    # 'Human Rights Watch said "at least 34" [kobe-hrw-killed' for a claim (the closing
    # bracket comes with what follows): the part before the id once per claimant and value
    value_code, values = pd.factorize(c["value"])
    pair = (claimant_code + 1) * (len(values) + 1) + (value_code + 1)
    _, first, pair_code = np.unique(pair, return_index=True, return_inverse=True)
    said = vx.concat(vx.text(c["claimant"])[first], ' said "', vx.text(c["value"])[first], '" [')

    best = np.full(n_keys, -1, dtype=np.int64)
    if policy != "range":
        best = row_of_key(position[picked["key_code"].to_numpy()], picked["row"].to_numpy())
        # '] in hrw-2025-02-kobe, independent (not a party); chosen because ...' once per
        # source and role
        rows = np.maximum(best, 0)
        source_code = pd.factorize(c["source_id"].iloc[rows])[0]
        role_rank = c["role_rank"].to_numpy()[rows]
        combo = (source_code + 1) * (int(role_rank.max(initial=0)) + 1) + role_rank
        _, first, combo_code = np.unique(combo, return_index=True, return_inverse=True)
        combo_code = np.where(best < 0, -1, combo_code)
        roles = _role_labels(c)(rows[first])
        sources = vx.text(c["source_id"])[rows[first]]
        chosen = vx.concat("] in ", sources, ", ", roles, "; chosen because ")
    low = row_of_key(key[low_rows], low_rows)
    high = row_of_key(key[high_rows], high_rows)
    high_open = est["high_open"].to_numpy().astype(np.int64)

    # why the best won: the ranking, being the only figure, or the tie rule (naming the
    # claims it was level with)
    considered = c["considered"].to_numpy()
    tied = c["tied_with_best"].to_numpy()
    lone = np.bincount(key[considered], minlength=n_keys) == 1
    why_code = np.where(est["best_tied"].to_numpy(dtype=bool), 2, lone.astype(np.int64))
    tied_rows = by_id[tied[by_id]]
    tied_ids = vx.join_by_key(key[tied_rows], ", ", [claim_ids[tied_rows]], n_keys)
    why_opening = [f"{WHY_CHOSEN.get(policy, '')}.", f"{LONE_TEXT}.", TIE_OPENING]
    why_closing = ["", "", TIE_CLOSING]

    # what else a reviewer must know about the figures, a sentence each where it applies
    firm = c["firm"].to_numpy()
    supplies_low = c["supplies_low"].to_numpy()
    at_most = (c["value_qualifier"] == "at_most").to_numpy()
    feared = (c["certainty_effective"] == FEARED).to_numpy()
    beside_floor = c["up_to_beside_floor"].to_numpy()
    low_is_up_to = np.zeros(n_keys, dtype=bool)
    low_is_up_to[low >= 0] = (at_most & ~beside_floor)[low[low >= 0]]
    up_to_no_floor = _any_per_key(key, beside_floor, n_keys)
    up_to_no_floor[low >= 0] &= ~beside_floor[low[low >= 0]]
    best_feared = np.zeros(n_keys, dtype=bool)
    best_feared[best >= 0] = feared[best[best >= 0]]
    notes = [
        (low_is_up_to, UP_TO_ALONE_TEXT),
        (up_to_no_floor, UP_TO_NO_FLOOR_TEXT),
        (_any_per_key(key, considered & ~supplies_low, n_keys), FEARED_HIGH_ONLY_TEXT),
        (_any_per_key(key, supplies_low & ~firm, n_keys), FEARED_LOW_TEXT),
        (best_feared, BEST_FEARED_TEXT),
        (_any_per_key(key, considered & c["count_so_far"].to_numpy(), n_keys), FLOORS_SO_FAR_TEXT),
        (est["within_tolerance"].to_numpy(dtype=bool),
         f" The figures do not overlap but agree within the tolerance ({tolerance.text()})."),
    ]  # fmt: skip

    # Every claim but the best, in key and claim-id order, with the reason it lost: its
    # exclusion reason, else why it is not best, else that it only sets the range.
    alternatives = by_id[~c["is_best"].to_numpy()[by_id]]
    alternative_key = key[alternatives]  # ascending
    exclusion = vx.text(c["exclusion_reason"])[alternatives]
    reason = np.where(exclusion != "", exclusion, vx.text(c["why_not_best"])[alternatives])
    in_range = (reason == "") & c["considered"].to_numpy()[alternatives]
    reason[in_range] = "considered; it sets the range, not the best figure"
    # the list ends with a full stop: the last alternative of each key carries it
    last = np.r_[alternative_key[1:] != alternative_key[:-1], True].astype(np.int64)
    has_alt = np.bincount(alternative_key, minlength=n_keys) > 0
    alone = ~has_alt & ((best >= 0) | (policy == "range"))  # a head and nothing else
    lead_code = (has_alt + 2 * alone).astype(np.int64)

    def paragraphs(keys: slice) -> np.ndarray:
        n = keys.stop - keys.start
        if policy == "range":
            head = vx.choose([RANGE_POLICY_TEXT], np.zeros(n, dtype=np.int64))
        else:
            b = best[keys]
            head = vx.concat(
                vx.formatted(c["value_point"].to_numpy()[b], "Best {:,}: ", missing=b < 0),
                vx.take(said, np.where(b < 0, -1, pair_code[b])),
                vx.take(claim_ids, b),
                vx.take(chosen, combo_code[keys]),
                vx.choose(why_opening, np.where(b < 0, -1, why_code[keys])),
                tied_ids[keys],
                vx.choose(why_closing, why_code[keys]),
            )
        lo, hi = low[keys], high[keys]
        low_text = vx.concat(
            vx.formatted(c["low_offered"].to_numpy()[lo], " Low {:,}", missing=lo < 0),
            claimant(lo, from_claimant),
        )
        high_text = vx.concat(
            vx.formatted(c["stated_high"].to_numpy()[hi], "; high {:,}", missing=hi < 0),
            vx.choose(["", "+ (open-ended)"], high_open[keys]),
            claimant(hi, from_claimant_stop),
        )
        # each alternative: 'CSP said "98" [dioura-csp-initial] — superseded by ...', the
        # last of its key followed by a full stop
        span = vx.span(alternative_key, keys)
        rows = alternatives[span]
        listed = vx.join_by_key(
            alternative_key[span] - keys.start,
            "; ",
            [
                said[pair_code[rows]],
                claim_ids[rows],
                "] — ",
                reason[span],
                vx.choose(["", "."], last[span]),
            ],
            n,
        )
        lead = vx.choose(["", " Alternatives: ", " No other claim."], lead_code[keys])
        noted = [vx.choose(["", text], flags[keys].astype(np.int64)) for flags, text in notes]
        # the short sentences first, the long list of alternatives once at the end
        return vx.concat(
            vx.present(head), vx.present(low_text), vx.present(high_text), *noted, lead, listed
        )

    return vx.batched(n_keys, paragraphs)
