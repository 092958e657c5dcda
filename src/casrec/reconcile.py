"""Conflicting claims -> one low / best / high estimate per key, with the reasons.

The key is (event_id, metric, population, side, nationality): "34 civilians killed" is only
ever compared with other figures for civilians killed in the same event. Within a key:

1. superseded claims leave the estimate (they stay in the claims view, with their successor);
2. one voice per claimant: its own publication beats a relay, then the latest figure;
3. a party's claim about its enemy's losses never sets the estimate while another exists;
4. low / high span the considered intervals; best follows the policy;
5. status, discrepancy, sensitivity and a plain-language rationale describe the result.

Everything is computed with whole-column operations so a million claims reconcile in
seconds (see benchmarks/bench_reconcile.py); no rule is applied row by row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casrec.claims import KEY_COLUMNS, ROLE_LABELS
from casrec.consistency import DEFAULT_AS_OF_WINDOW_DAYS

POLICIES = ("reliability", "conservative", "range")
DEFAULT_POLICY = "reliability"
STATUSES = ("corroborated", "contested", "single_source", "party_only")

# Ranking of considered claims under the `reliability` policy, most trusted first.
ROLE_RANK = {"independent": 0, "party_own": 1, "party_other": 2, "party_enemy": 3}
SPECIFICITY_RANK = {
    "exact": 0,
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

OUTPUT_COLUMNS = [
    "event_id",
    "metric",
    "population",
    "side",
    "nationality",
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
    "best_without_party",
    "policy",
    "rationale",
    "claim_ids",
]

_BIG = np.iinfo(np.int64).max


@dataclass
class Reconciliation:
    """The result: one row per key (``estimates``) and every claim annotated (``claims``)."""

    estimates: pd.DataFrame
    claims: pd.DataFrame
    policy: str

    def output(self) -> pd.DataFrame:
        """The estimates with exactly the columns of reconciled.csv (DESIGN.md)."""
        return self.estimates[OUTPUT_COLUMNS].copy()


def _first_per_group(group: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Row positions of the first row of each group, after ordering rows by ``order``."""
    sorted_groups = group[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_groups[1:] != sorted_groups[:-1]
    return order[first]


def _key_codes(claims: pd.DataFrame) -> np.ndarray:
    """An integer per distinct key (missing side/nationality are a value of their own)."""
    return claims.groupby(KEY_COLUMNS, dropna=False, sort=True).ngroup().to_numpy()


def annotate_claims(
    claims: pd.DataFrame, as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """Mark each claim superseded / relayed / dated / considered, with the reason."""
    c = claims.reset_index(drop=True).copy()
    n = len(c)
    c["key_code"] = _key_codes(c)
    ids = c["claim_id"]

    # Superseded: some later claim names this one in `supersedes`.
    successors = c.loc[c["supersedes"].notna(), ["supersedes", "claim_id"]]
    successor_of = successors.groupby("supersedes")["claim_id"].agg(";".join)
    c["superseded_by"] = ids.map(successor_of).astype("str")
    superseded = c["superseded_by"].notna().to_numpy()

    # A breakdown under the very key of its whole would count the same people twice.
    key_of = pd.Series(c["key_code"].to_numpy(), index=ids)
    whole_key = c["part_of"].map(key_of)
    part_in_whole_key = (whole_key == c["key_code"]).fillna(False).to_numpy(dtype=bool)

    # Stocks and running totals (aggregate events) are estimated as of the latest date any
    # claim in the key refers to; older figures form the time series, not a contradiction.
    as_of = c["as_of_effective"].to_numpy(dtype="datetime64[ns]")
    live_as_of = pd.Series(np.where(superseded, np.datetime64("NaT"), as_of))
    latest = live_as_of.groupby(c["key_code"]).transform("max").to_numpy(dtype="datetime64[ns]")
    window = np.timedelta64(as_of_window_days, "D")
    earlier_stock = (c["event_kind"] == "aggregate").to_numpy() & (as_of < latest - window)
    c["latest_as_of"] = latest

    eligible = ~superseded & ~part_in_whole_key & ~earlier_stock

    # One voice per claimant and key: own publication, then latest, then claim_id.
    claimant_norm = c["claimant"].str.strip().str.casefold()
    own = (claimant_norm == c["source_publisher"].str.strip().str.casefold()).to_numpy()
    published = c["source_published_latest"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    claimant_code = pd.factorize(claimant_norm)[0]
    voice_group = c["key_code"].to_numpy() * (claimant_code.max() + 1) + claimant_code
    voice_group = np.where(eligible, voice_group, -1 - np.arange(n))  # ineligible: own group
    id_rank = pd.factorize(ids, sort=True)[0]
    order = np.lexsort((id_rank, -published, ~own, voice_group))
    voice_rows = _first_per_group(voice_group, order)
    is_voice = np.zeros(n, dtype=bool)
    is_voice[voice_rows] = True
    is_voice &= eligible
    # every row of a voice group points to the claim that speaks for it
    group_first = pd.Series(ids.to_numpy()[voice_rows], index=voice_group[voice_rows])
    c["voice_claim_id"] = pd.Series(voice_group).map(group_first).where(eligible, pd.NA)

    role = c["claimant_role"].to_numpy()
    is_enemy = role == "party_enemy"
    key = c["key_code"].to_numpy()
    n_keys = int(key.max()) + 1 if n else 0
    key_has_other = np.bincount(key, weights=(is_voice & ~is_enemy), minlength=n_keys) > 0
    considered = is_voice & (~is_enemy | ~key_has_other[key])

    c["superseded"] = superseded
    c["own_publication"] = own
    c["is_voice"] = is_voice
    c["considered"] = considered
    c["role_rank"] = c["claimant_role"].map(ROLE_RANK).astype("int64")
    c["specificity_rank"] = c["value_qualifier"].map(SPECIFICITY_RANK).astype("int64")
    c["source_type_rank"] = c["source_type"].map(SOURCE_TYPE_RANK).fillna(9).astype("int64")
    c["id_rank"] = id_rank
    c["published_ns"] = published
    # the upper figure a claim states: its high, or its floor when it gives no high
    c["stated_high"] = c["value_high"].fillna(c["value_low"]).astype("int64")
    c["earlier_stock"] = earlier_stock
    c["exclusion_reason"] = _exclusion_reasons(c, part_in_whole_key)
    return c


def _exclusion_reasons(c: pd.DataFrame, part_in_whole_key: np.ndarray) -> pd.Series:
    """Why a claim does not enter the estimate ('' when it does)."""
    reason = pd.Series("", index=c.index, dtype="str")
    relay = (~c["superseded"]) & (~part_in_whole_key) & (~c["earlier_stock"]) & (~c["is_voice"])
    enemy = c["is_voice"] & ~c["considered"]
    reason = reason.mask(
        enemy,
        "a party's claim about losses it inflicted on its enemy; shown, but never sets the "
        "estimate while other claims exist",
    )
    reason = reason.mask(
        relay,
        "the same claimant speaks once per key; this figure is represented by "
        + c["voice_claim_id"].fillna("").astype("str")
        + " (its own publication, or its latest figure)",
    )
    reason = reason.mask(
        pd.Series(part_in_whole_key, index=c.index),
        "a breakdown of " + c["part_of"].fillna("").astype("str") + "; checked against it, "
        "never added to it",
    )
    reason = reason.mask(
        c["earlier_stock"],
        "an earlier figure (as of "
        + c["as_of_effective"].dt.strftime("%Y-%m-%d")
        + ") for a total that changes over time; the estimate uses figures as of "
        + pd.Series(c["latest_as_of"]).dt.strftime("%Y-%m-%d")
        + ", and this one stays in the time series",
    )
    reason = reason.mask(
        c["superseded"], "superseded by " + c["superseded_by"].fillna("").astype("str")
    )
    return reason


def _pick(c: pd.DataFrame, mask: np.ndarray, policy: str) -> pd.DataFrame:
    """The claim that supplies `best` for each key among rows in ``mask``, per policy."""
    rows = np.flatnonzero(mask)
    if policy == "range" or len(rows) == 0:
        return pd.DataFrame({"key_code": [], "row": []}, dtype="int64")
    sub = c.iloc[rows]
    reliability = (
        sub["id_rank"].to_numpy(),
        sub["source_type_rank"].to_numpy(),
        -sub["published_ns"].to_numpy(),
        sub["specificity_rank"].to_numpy(),
        sub["role_rank"].to_numpy(),
    )
    if policy == "conservative":
        keys = (*reliability, sub["value_point"].to_numpy(), sub["key_code"].to_numpy())
    else:
        keys = (*reliability, sub["key_code"].to_numpy())
    order = np.lexsort(keys)
    first = _first_per_group(sub["key_code"].to_numpy(), order)
    return pd.DataFrame({"key_code": sub["key_code"].to_numpy()[first], "row": rows[first]})


def _best_by_key(c: pd.DataFrame, mask: np.ndarray, policy: str, n_keys: int) -> pd.Series:
    """Best point value per key among ``mask`` rows (NA where none or under `range`)."""
    picked = _pick(c, mask, policy)
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
    high = c["value_high"].fillna(_BIG).to_numpy(dtype=np.int64)[rows]
    order = np.lexsort((low, key))
    key, low, high = key[order], low[order], high[order]
    same_prev = np.r_[False, key[1:] == key[:-1]]
    same_next = np.r_[key[1:] == key[:-1], False]
    running_high = pd.Series(high).groupby(key).cummax().to_numpy()
    prev_high = np.r_[-1, running_high[:-1]]
    next_low = np.r_[low[1:], _BIG]
    overlap = (same_prev & (prev_high >= low)) | (same_next & (next_low <= high))
    result[rows[order]] = overlap
    return result


def reconcile(
    claims: pd.DataFrame,
    policy: str = DEFAULT_POLICY,
    as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS,
) -> Reconciliation:
    """Reconcile prepared claims (see ``casrec.claims.prepare_claims``) under ``policy``.

    ``as_of_window_days``: for aggregates, only figures this close to the key's latest as-of
    date enter the estimate.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; expected one of: {', '.join(POLICIES)}")
    c = annotate_claims(claims, as_of_window_days)
    n_keys = int(c["key_code"].max()) + 1 if len(c) else 0
    key = c["key_code"].to_numpy()
    considered = c["considered"].to_numpy()
    independent = c["claimant_role"].to_numpy() == "independent"

    cons = c[considered]
    high_eff = cons["value_high"].fillna(_BIG).astype("int64")
    open_stated = cons["stated_high"].where(cons["value_high_open"], -1)
    by_key = cons.assign(high_eff=high_eff, open_stated=open_stated).groupby("key_code")
    agg = by_key.agg(
        low=("value_low", "min"),
        high=("stated_high", "max"),
        open_stated=("open_stated", "max"),
        max_low=("value_low", "max"),
        min_high=("high_eff", "min"),
        max_point=("value_point", "max"),
        min_point=("value_point", "min"),
    ).reindex(range(n_keys))

    voices = c[c["is_voice"]]
    n_independent = (
        voices[voices["claimant_role"] == "independent"]
        .groupby("key_code")["claimant"]
        .nunique()
        .reindex(range(n_keys), fill_value=0)
    )
    n_claimants = c.groupby("key_code")["claimant"].nunique().reindex(range(n_keys), fill_value=0)
    n_claims = np.bincount(key, minlength=n_keys)

    first_rows = _first_per_group(key, np.argsort(key, kind="stable"))
    est = c.iloc[first_rows][KEY_COLUMNS].reset_index(drop=True)
    est["low"] = agg["low"].astype("Int64").array
    est["high"] = agg["high"].astype("Int64").array
    est["high_open"] = (agg["open_stated"] >= agg["high"]).fillna(False).to_numpy(dtype=bool)
    est["best"] = _best_by_key(c, considered, policy, n_keys).array
    est["best_without_party"] = _best_by_key(c, considered & independent, policy, n_keys).array
    corroborated_rows = considered & _overlaps_another_claimant(c, considered)
    est["best_without_single_source"] = _best_by_key(c, corroborated_rows, policy, n_keys).array

    contested = (agg["max_low"] > agg["min_high"]).fillna(False).to_numpy(dtype=bool)
    n_ind = n_independent.to_numpy()
    est["status"] = np.select(
        [n_ind == 0, contested, n_ind >= 2],
        ["party_only", "contested", "corroborated"],
        default="single_source",
    )
    ratio = agg["max_point"] / agg["min_point"].where(agg["min_point"] > 0)
    est["discrepancy"] = ratio.round(2).astype("Float64").to_numpy()
    est["n_claims"] = n_claims
    est["n_claimants"] = n_claimants.to_numpy()
    est["n_independent"] = n_ind
    picked = _pick(c, considered, policy)
    best_claim = pd.Series(pd.NA, index=range(n_keys), dtype="str")
    best_claim.iloc[picked["key_code"].to_numpy()] = c["claim_id"].to_numpy()[picked["row"]]
    est["best_claim_id"] = best_claim.to_numpy()
    est["policy"] = policy
    order = np.lexsort((c["id_rank"].to_numpy(), key))
    ids_sorted = c["claim_id"].to_numpy()[order]
    est["claim_ids"] = _join_by_key(key[order], ids_sorted, ";", n_keys)

    c["is_best"] = False
    c.loc[picked["row"].to_numpy(), "is_best"] = True
    low_rows = _extreme_rows(c, considered, "value_low", smallest=True)
    high_rows = _extreme_rows(c, considered, "stated_high", smallest=False)
    est["low_claim_id"] = _by_key_values(c, low_rows, "claim_id", n_keys)
    est["high_claim_id"] = _by_key_values(c, high_rows, "claim_id", n_keys)
    c["why_not_best"] = _why_not_best(c, picked, policy)
    est["rationale"] = _rationale(c, est, picked, low_rows, high_rows, policy, n_keys)
    est = est.sort_values(KEY_COLUMNS, na_position="first", kind="stable").reset_index(drop=True)
    return Reconciliation(estimates=est, claims=c, policy=policy)


def _extreme_rows(c: pd.DataFrame, mask: np.ndarray, column: str, smallest: bool) -> np.ndarray:
    """Per key, the row holding the smallest (or largest) ``column`` among ``mask`` rows."""
    rows = np.flatnonzero(mask)
    values = c[column].to_numpy()[rows]
    # ties go to the better-ranked claim so the rationale names the most credible holder
    order = np.lexsort(
        (
            c["id_rank"].to_numpy()[rows],
            c["role_rank"].to_numpy()[rows],
            values if smallest else -values,
            c["key_code"].to_numpy()[rows],
        )
    )
    return rows[_first_per_group(c["key_code"].to_numpy()[rows], order)]


def _by_key_values(c: pd.DataFrame, rows: np.ndarray, column: str, n_keys: int) -> np.ndarray:
    out = pd.Series(pd.NA, index=range(n_keys), dtype="str")
    out.iloc[c["key_code"].to_numpy()[rows]] = c[column].to_numpy()[rows]
    return out.to_numpy()


def _join_by_key(key_sorted: np.ndarray, texts: np.ndarray, sep: str, n_keys: int) -> np.ndarray:
    """Join texts per key (rows already sorted by key) without a Python call per key."""
    out = np.full(n_keys, "", dtype=object)
    if len(key_sorted) == 0:
        return out
    starts = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]])
    pieces = np.asarray(texts, dtype=object).copy()
    pieces[1:] = np.where(
        np.r_[False, key_sorted[1:] == key_sorted[:-1]][1:], sep + pieces[1:].astype(str), pieces[1:]
    )
    out[key_sorted[starts]] = np.add.reduceat(pieces, starts)
    return out


def _fmt(values: pd.Series) -> pd.Series:
    """Thousands separators for an integer column."""
    return values.map(lambda v: f"{int(v):,}" if pd.notna(v) else "")


def _claim_ref(c: pd.DataFrame) -> pd.Series:
    """'Human Rights Watch said "at least 34" [kobe-hrw-killed]' for every claim."""
    return c["claimant"] + ' said "' + c["value"] + '" [' + c["claim_id"] + "]"


def _why_not_best(c: pd.DataFrame, picked: pd.DataFrame, policy: str) -> pd.Series:
    """For each considered claim that did not supply best, the first rule it lost on."""
    n_keys = int(c["key_code"].max()) + 1 if len(c) else 0
    winner_row = np.full(n_keys, -1, dtype=np.int64)
    winner_row[picked["key_code"].to_numpy()] = picked["row"].to_numpy()
    w = winner_row[c["key_code"].to_numpy()]
    has_winner = w >= 0
    w_safe = np.where(has_winner, w, 0)

    def winner(column: str) -> np.ndarray:
        return c[column].to_numpy()[w_safe]

    role_loses = c["role_rank"].to_numpy() > winner("role_rank")
    spec_loses = c["specificity_rank"].to_numpy() > winner("specificity_rank")
    date_loses = c["published_ns"].to_numpy() < winner("published_ns")
    type_loses = c["source_type_rank"].to_numpy() > winner("source_type_rank")
    point_loses = c["value_point"].to_numpy() > winner("value_point")
    if policy == "conservative":
        conditions = [point_loses, role_loses, spec_loses, date_loses, type_loses]
        texts = [
            "a higher figure than the lowest considered one (conservative policy)",
            "ranked below by claimant role",
            "less specific wording",
            "published earlier",
            "less investigative source type",
        ]
    else:
        conditions = [role_loses, ~role_loses & spec_loses, date_loses, type_loses]
        texts = [
            "ranked below by claimant role: " + c["claimant_role"].map(ROLE_LABELS).fillna(""),
            "less specific wording: " + c["value_qualifier"],
            "published earlier",
            "less investigative source type: " + c["source_type"].fillna(""),
        ]
        texts = [t.to_numpy() if isinstance(t, pd.Series) else t for t in texts]
    reason = np.select(conditions, texts, default="tied on every rule; claim id breaks the tie")
    applies = c["considered"].to_numpy() & has_winner & ~c["is_best"].to_numpy()
    out = pd.Series(np.where(applies, reason, ""), index=c.index, dtype="str")
    if policy == "range":
        out = out.where(~c["considered"], "")
    return out


def _rationale(
    c: pd.DataFrame,
    est: pd.DataFrame,
    picked: pd.DataFrame,
    low_rows: np.ndarray,
    high_rows: np.ndarray,
    policy: str,
    n_keys: int,
) -> np.ndarray:
    """One plain paragraph per key: the chosen figure and why, then every alternative and why not."""
    ref = _claim_ref(c)
    role = c["claimant_role"].map(ROLE_LABELS).fillna("")
    key = c["key_code"].to_numpy()

    head = np.full(n_keys, "", dtype=object)
    if policy == "range":
        head[:] = "Range policy: no best figure is chosen; low and high span the considered claims."
    elif len(picked):
        rows = picked["row"].to_numpy()
        why = (
            "it is the lowest point value among the considered claims (conservative policy)"
            if policy == "conservative"
            else "it ranks first by claimant role, then specificity, then later publication"
        )
        head[picked["key_code"].to_numpy()] = (
            "Best "
            + _fmt(c["value_point"].iloc[rows]).to_numpy()
            + ": "
            + ref.iloc[rows].to_numpy()
            + " in "
            + c["source_id"].iloc[rows].to_numpy()
            + ", "
            + role.iloc[rows].to_numpy()
            + "; chosen because "
            + why
            + "."
        )
    low_text = np.full(n_keys, "", dtype=object)
    low_text[key[low_rows]] = " Low " + _fmt(c["value_low"].iloc[low_rows]).to_numpy() + " from " + (
        c["claimant"].iloc[low_rows].to_numpy()
    )
    high_text = np.full(n_keys, "", dtype=object)
    open_mark = np.where(est["high_open"].to_numpy()[key[high_rows]], "+ (open-ended)", "")
    high_text[key[high_rows]] = (
        "; high "
        + _fmt(c["stated_high"].iloc[high_rows]).to_numpy()
        + open_mark
        + " from "
        + c["claimant"].iloc[high_rows].to_numpy()
        + "."
    )

    others = ~c["is_best"].to_numpy()
    reason = c["exclusion_reason"].where(c["exclusion_reason"] != "", c["why_not_best"])
    in_range = reason.eq("") & c["considered"]
    reason = reason.mask(in_range, "considered; it sets the range, not the best figure")
    alt = ref + " — " + reason
    rows = np.flatnonzero(others)
    order = rows[np.lexsort((c["id_rank"].to_numpy()[rows], key[rows]))]
    alternatives = _join_by_key(key[order], alt.to_numpy()[order], "; ", n_keys)
    has_alt = alternatives != ""
    alt_text = np.where(has_alt, " Alternatives: " + alternatives.astype(str) + ".", "")
    alone = ~has_alt & (head != "")
    alt_text = np.where(alone, " No other claim.", alt_text)
    return (head + low_text + high_text + alt_text).astype(str)
