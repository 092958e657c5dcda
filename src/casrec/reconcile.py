"""Conflicting claims -> one low / best / high estimate per key, with the reasons.

The key is (event_id, metric, population, side, nationality, subgroup): "34 civilians
killed" is only ever compared with other figures for civilians killed in the same event.
Within a key:

1. superseded claims leave the estimate (they stay in the claims view, with their successor);
2. one voice per claimant: its own publication beats a relay, then the latest figure;
3. a party's claim about its enemy's losses never sets the estimate while another exists;
4. low / high span the considered intervals; best follows the policy;
5. status, discrepancy, sensitivity and a plain-language rationale describe the result.

Everything is computed with whole-column operations so a million claims reconcile in
seconds (see benchmarks/bench_reconcile.py); no rule is applied row by row in Python:

- "the first claim of each group in some order" (a claimant's voice, best, the holders of
  low and high) is a minimum per group of one packed integer sort key, not a sort;
- texts (exclusion reasons, rationales, joined claim ids) are built by concatenating object
  arrays of strings, one C loop over all rows per step (never with fixed-width numpy
  unicode arrays, which pad every string to the longest one); parts that repeat, such as a
  formatted figure or a claimant's name, are written once per distinct value and shared,
  and long texts are written a batch of keys at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

from casrec import vocabulary
from casrec.claims import KEY_COLUMNS, ROLE_LABELS
from casrec.consistency import DEFAULT_AS_OF_WINDOW_DAYS
from casrec.vocabulary import CLAIMANT_ROLES, normalise_claimants

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
    "best_without_party",
    "policy",
    "rationale",
    "claim_ids",
]

_BIG = np.iinfo(np.int64).max
# Texts are written for this many claims or keys at a time (see _batched).
_BATCH = 1 << 15


@dataclass
class Reconciliation:
    """The result: one row per key (``estimates``) and every claim annotated (``claims``)."""

    estimates: pd.DataFrame
    claims: pd.DataFrame
    policy: str

    def output(self) -> pd.DataFrame:
        """The estimates with exactly the columns of reconciled.csv (DESIGN.md)."""
        return self.estimates[OUTPUT_COLUMNS].copy()


# --- text helpers: object arrays of Python strings, missing values as None ----------------


def _text(values: pd.Series) -> np.ndarray:
    """A text column as an object array of its strings (missing values as they are stored)."""
    return values.to_numpy(dtype=object)


def _series(texts: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """An object array of texts as a pandas ``str`` Series (None and NaN become missing)."""
    return pd.Series(texts, index=index, dtype="str")


def _take(texts: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``texts[positions]``, None where a position is negative."""
    taken = texts[positions]
    taken[positions < 0] = None
    return taken


def _choose(options: list[str], choice: np.ndarray) -> np.ndarray:
    """``options[choice]`` per row, None where ``choice`` is negative.

    Every row gets the very same string object for an option: no string is created.
    """
    return _take(np.array(options, dtype=object), choice)


def _concat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of texts and literals; missing if any part is missing.

    (As pandas' ``+`` on text. Each ``+`` of object arrays is one C loop over the rows.)
    """
    missing = None
    result = None
    for part in parts:
        if not isinstance(part, str):
            absent = pd.isna(part)
            if absent.any():
                missing = absent if missing is None else missing | absent
                part = np.where(absent, "", part)
        result = part if result is None else result + part
    if len(parts) == 1:
        result = result.copy()  # never hand back (and later modify) the caller's array
    if missing is not None:
        result[missing] = None
    return result


def _assemble(n: int, pieces: list[tuple[np.ndarray, np.ndarray | str]]) -> np.ndarray:
    """``n`` texts: each piece gives the texts of its rows (later pieces win), '' elsewhere.

    A piece's texts are an array aligned with its rows, or one string shared by all of them.
    This is how a column of sentences is built from rules that each concern some rows: only
    those rows' sentences are formed.
    """
    texts = np.full(n, "", dtype=object)
    for rows, sentences in pieces:  # a handful of rules, never one iteration per row
        texts[rows] = sentences
    return texts


def _batched(n: int, build: Callable[[slice], np.ndarray]) -> np.ndarray:
    """``build`` over consecutive slices of ``n`` rows (or keys), concatenated.

    Texts are formed a batch at a time: a batch's intermediate strings then take a few
    megabytes that the next batch reuses, where all rows at once would need hundreds of
    fresh megabytes (allocating them costs more than writing the text).
    """
    batches = [build(slice(i, min(i + _BATCH, n))) for i in range(0, n, _BATCH)]
    return np.concatenate(batches) if batches else np.zeros(0, dtype=object)


def _rule_texts(rule: np.ndarray, templates: list[str | tuple]) -> np.ndarray:
    """Per row, the sentence of the rule it falls under ('' where ``rule`` is -1).

    ``rule`` indexes ``templates``. A template is a fixed sentence, or a tuple of literal
    strings and functions that give, for an array of rows, each row's detail (texts).
    A rule's sentences are formed for its rows only (see ``_assemble``), batch by batch.
    """

    def batch(rows: slice) -> np.ndarray:
        pieces = []
        for number, template in enumerate(templates):  # a few rules, not a step per row
            where = np.flatnonzero(rule[rows] == number)
            if isinstance(template, str):
                pieces.append((where, template))
                continue
            parts = [p if isinstance(p, str) else p(where + rows.start) for p in template]
            pieces.append((where, _concat(*parts)))
        return _assemble(rows.stop - rows.start, pieces)

    return _batched(len(rule), batch)


def _role_labels(c: pd.DataFrame) -> Callable[[np.ndarray], np.ndarray]:
    """The claimant role label (``ROLE_LABELS``) of an array of rows.

    Read off ``role_rank``, which numbers the roles one to one: no text is compared.
    """
    labels = [""] * (max(ROLE_RANK.values()) + 1)
    for role, rank in ROLE_RANK.items():
        labels[rank] = ROLE_LABELS.get(role, "")
    ranks = c["role_rank"].to_numpy()
    return lambda rows: _choose(labels, ranks[rows])


def _map_distinct(values: pd.Series, mapping: Mapping[str, int]) -> pd.Series:
    """``values.map(mapping)``, looking each distinct value up once (NaN where unmapped)."""
    codes, uniques = pd.factorize(values)
    looked_up = np.array([mapping.get(value, np.nan) for value in uniques] + [np.nan], dtype=float)
    return pd.Series(looked_up[codes], index=values.index)  # code -1 (missing) -> the NaN


def _formatted(values: np.ndarray, template: str, missing: np.ndarray) -> np.ndarray:
    """``template.format(value)`` per integer (None where ``missing``), each distinct value once.

    The template gives thousands separators, as in ``"Best {:,}: "``.
    """
    distinct, positions = np.unique(values, return_inverse=True)
    return _choose(
        [template.format(v) for v in distinct.tolist()], np.where(missing, -1, positions)
    )


def _fmt_dates(values: np.ndarray) -> np.ndarray:
    """Dates as YYYY-MM-DD, formatting each distinct date once."""
    distinct, positions = np.unique(values, return_inverse=True)
    return _choose(list(pd.DatetimeIndex(distinct).strftime("%Y-%m-%d")), positions)


def _join_by_key(
    key_sorted: np.ndarray, sep: str, parts: list[np.ndarray | str], n_keys: int
) -> np.ndarray:
    """Per key, the texts of its rows joined by ``sep``; '' for a key without rows.

    Rows come sorted by key and each row's text is the concatenation of ``parts`` (see
    ``_concat``). Every text but the first of its key gets ``sep`` in front, and
    ``np.add.reduceat`` then concatenates each key's run of texts in one C loop.
    """
    joined = np.full(n_keys, "", dtype=object)
    if len(key_sorted) == 0:
        return joined
    texts = _concat(*parts)
    later = np.r_[False, key_sorted[1:] == key_sorted[:-1]]
    texts[later] = sep + texts[later]
    starts = np.flatnonzero(~later)
    joined[key_sorted[starts]] = np.add.reduceat(texts, starts)
    return joined


class _SortedIds:
    """The claim ids, sorted once: each claim's rank, and claims looked up by id.

    The sort runs on numpy's native variable-width strings (StringDType), several times
    faster than comparing a million Python strings; lookups are binary searches.
    """

    def __init__(self, ids: np.ndarray):
        present = np.flatnonzero(~pd.isna(ids))  # a missing id has no rank
        order = np.argsort(ids[present].astype(StringDType()), kind="stable")
        self.rows = present[order]
        self.sorted = ids[self.rows]
        new = np.ones(len(order), dtype=bool)
        new[1:] = self.sorted[1:] != self.sorted[:-1]
        # each id's number among the distinct ids in sorted order, -1 where missing
        # (as pd.factorize(ids, sort=True) numbers them)
        self.rank = np.full(len(ids), -1, dtype=np.int64)
        self.rank[self.rows] = np.cumsum(new) - 1

    def find(self, wanted: pd.Series) -> np.ndarray:
        """For each ``wanted`` claim id, the row of that claim (-1 where missing or unknown)."""
        found = np.full(len(wanted), -1, dtype=np.int64)
        named = np.flatnonzero(wanted.notna().to_numpy())
        if len(named) == 0 or len(self.sorted) == 0:
            return found
        values = wanted.to_numpy(dtype=object)[named]
        # (searched as Python strings: numpy 2.4 searchsorted on StringDType is unreliable)
        at = np.minimum(np.searchsorted(self.sorted, values), len(self.sorted) - 1)
        hit = self.sorted[at] == values
        found[named[hit]] = self.rows[at[hit]]
        return found


def _present(texts: np.ndarray) -> np.ndarray:
    """Missing texts as ''."""
    return np.where(pd.isna(texts), "", texts)


def _span(sorted_key: np.ndarray, keys: slice) -> slice:
    """The positions in ``sorted_key`` (ascending) whose key lies in the range ``keys``."""
    first, last = np.searchsorted(sorted_key, [keys.start, keys.stop])
    return slice(int(first), int(last))


# --- grouping helpers -----------------------------------------------------------------------


def _key_codes(claims: pd.DataFrame) -> np.ndarray:
    """An integer per distinct key (missing side/nationality are a value of their own)."""
    return claims.groupby(KEY_COLUMNS, dropna=False, sort=True).ngroup().to_numpy()


def _distinct_per_key(key: np.ndarray, code: np.ndarray, n_keys: int) -> np.ndarray:
    """How many distinct non-negative ``code`` values each key has (like groupby nunique)."""
    present = code >= 0  # -1: missing, which nunique does not count
    width = int(code.max()) + 1 if present.any() else 1
    pairs = np.sort(key[present] * width + code[present])
    distinct = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    return np.bincount(distinct // width, minlength=n_keys)


def _sort_key(sort_keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """One int64 per row that orders rows as ``np.lexsort(sort_keys)`` orders them.

    The last key is the primary one, as for np.lexsort; rows equal on every key get equal
    values. np.lexsort makes a pass per key; the keys packed into one integer (mixed radix)
    are ordered by one ``argsort``, or give each group's first row as a ``minimum`` per
    group, with no sort at all. A key spanning more values than there are rows (timestamps)
    enters as its rank among its distinct values, and when the next key would overflow
    63 bits, what is packed so far is replaced by its rank first.
    """
    n = len(sort_keys[0])
    packed = np.zeros(n, dtype=np.int64)
    span = 1
    for values in sort_keys:  # least significant first
        values = np.asarray(values).astype(np.int64)
        if n == 0:
            break
        low, high = int(values.min()), int(values.max())
        if high - low >= n:
            values = np.unique(values, return_inverse=True)[1]
            low, high = 0, int(values.max())
        width = high - low + 1
        if span * width > _BIG:
            packed = np.unique(packed, return_inverse=True)[1]
            span = int(packed.max()) + 1
        packed += (values - low) * span
        span *= width
    return packed


def _lexsort(sort_keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(sort_keys)``, ties in row order, as one integer sort (see ``_sort_key``)."""
    packed = _sort_key(sort_keys)
    n = len(packed)
    if n and (int(packed.max()) + 1) * n <= _BIG:
        # with the row number as the last tie-break every value is distinct, so the faster
        # unstable sort gives the stable order
        return np.argsort(packed * n + np.arange(n))
    return np.argsort(packed, kind="stable")


def _first_by_group(
    group: np.ndarray, rows: np.ndarray, sort_key: np.ndarray, n_groups: int
) -> np.ndarray:
    """Per group, the row among ``rows`` with the lowest ``sort_key``; ties go to the earlier row.

    -1 for a group without such a row. Minimums per group; nothing is sorted.
    """
    best = np.full(n_groups, _BIG, dtype=np.int64)
    np.minimum.at(best, group[rows], sort_key[rows])
    winners = rows[sort_key[rows] == best[group[rows]]]
    first = np.full(n_groups, _BIG, dtype=np.int64)
    np.minimum.at(first, group[winners], winners)
    return np.where(first < _BIG, first, -1)


def _first_by_key(
    key: np.ndarray, mask: np.ndarray, sort_key: np.ndarray, n_keys: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per key, the ``mask`` row with the lowest ``sort_key`` (ties: the earlier row).

    Returns the keys that have such a row (ascending) and the row for each.
    """
    first = _first_by_group(key, np.flatnonzero(mask), sort_key, n_keys)
    keys = np.flatnonzero(first >= 0)
    return keys, first[keys]


# --- the rules ------------------------------------------------------------------------------


def annotate_claims(
    claims: pd.DataFrame, as_of_window_days: int = DEFAULT_AS_OF_WINDOW_DAYS
) -> pd.DataFrame:
    """Mark each claim superseded / relayed / dated / considered, with the reason."""
    # copy-on-write: the columns added below never reach the caller's frame
    c = claims.reset_index(drop=True)
    n = len(c)
    c["key_code"] = _key_codes(c)
    key = c["key_code"].to_numpy()
    ids = _text(c["claim_id"])
    sorted_ids = _SortedIds(ids)

    # Superseded: some later claim names this one in `supersedes`; several successors are
    # listed together, in claim order.
    successors = np.flatnonzero(c["supersedes"].notna().to_numpy())
    target = sorted_ids.find(c["supersedes"])[successors]
    successors, target = successors[target >= 0], target[target >= 0]
    by_target = np.argsort(target, kind="stable")
    joined = _join_by_key(target[by_target], ";", [ids[successors[by_target]]], n)
    superseded = np.bincount(target, minlength=n) > 0
    c["superseded_by"] = _series(_take(joined, np.where(superseded, np.arange(n), -1)))

    # A breakdown under the very key of its whole would count the same people twice.
    whole = sorted_ids.find(c["part_of"])
    part_in_whole_key = (whole >= 0) & (key[whole] == key)

    n_keys = int(key.max()) + 1 if n else 0
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
    published = c["source_published_latest"].to_numpy(dtype="datetime64[ns]").astype(np.int64)
    id_rank = sorted_ids.rank
    # Eligible claims of one claimant in one key form a voice group; its voice is the first
    # claim by preference, and every claim of the group points to it.
    rows = np.flatnonzero(eligible)
    voice_group = key[rows] * (voice_claimant.max() + 1) + voice_claimant[rows]
    groups, group_of_row = np.unique(voice_group, return_inverse=True)
    group = np.full(n, -1, dtype=np.int64)
    group[rows] = group_of_row
    preference = _sort_key((id_rank, -published, ~own))
    voice = _first_by_group(group, rows, preference, len(groups))
    is_voice = np.zeros(n, dtype=bool)
    is_voice[voice] = True
    speaker = np.full(n, -1, dtype=np.int64)
    speaker[rows] = voice[group[rows]]
    c["voice_claim_id"] = _series(_take(ids, speaker))

    role_rank = _map_distinct(c["claimant_role"], ROLE_RANK).astype("int64").to_numpy()
    is_enemy = role_rank == ROLE_RANK["party_enemy"]

    # Stocks and running totals (aggregate events) are estimated as of the latest date a
    # voice in the key refers to; older figures form the time series, not a contradiction.
    # Chosen after the voices, so a relay's later date never displaces its own publication;
    # set by claims other than enemy-loss ones, which must not push the others out; and
    # compared by period bounds, so a figure "as of 2025" does not outdate one of 2025-06-17.
    as_of_first = c["as_of_effective_earliest"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    as_of_last = c["as_of_effective"].to_numpy(dtype="datetime64[ns]")
    has_other_voice = np.bincount(key, weights=(is_voice & ~is_enemy), minlength=n_keys) > 0
    sets_date = is_voice & (~is_enemy | ~has_other_voice[key])
    # the latest date per key; NaT is the smallest int64, so a maximum skips it
    latest = np.full(n_keys, np.datetime64("NaT"), dtype="datetime64[ns]").view(np.int64)
    np.maximum.at(latest, key[sets_date], as_of_first[sets_date])
    latest = latest.view("datetime64[ns]")[key]
    window = np.timedelta64(as_of_window_days, "D")
    aggregate = (c["event_kind"] == "aggregate").to_numpy()
    earlier_stock = aggregate & is_voice & (as_of_last < latest - window)
    c["latest_as_of"] = latest
    is_voice &= ~earlier_stock

    key_has_other = np.bincount(key, weights=(is_voice & ~is_enemy), minlength=n_keys) > 0
    considered = is_voice & (~is_enemy | ~key_has_other[key])

    c["superseded"] = superseded
    c["own_publication"] = own
    c["is_voice"] = is_voice
    c["considered"] = considered
    c["role_rank"] = role_rank
    c["specificity_rank"] = _map_distinct(c["value_qualifier"], SPECIFICITY_RANK).astype("int64")
    source_type_rank = _map_distinct(c["source_type"], SOURCE_TYPE_RANK).fillna(9)
    c["source_type_rank"] = source_type_rank.astype("int64")
    c["id_rank"] = id_rank
    c["published_ns"] = published
    # the upper figure a claim states: its high, or its floor when it gives no high
    c["stated_high"] = c["value_high"].fillna(c["value_low"]).astype("int64")
    c["earlier_stock"] = earlier_stock
    c["exclusion_reason"] = _series(_exclusion_reasons(c, part_in_whole_key))
    return c


def _exclusion_reasons(c: pd.DataFrame, part_in_whole_key: np.ndarray) -> np.ndarray:
    """Why a claim does not enter the estimate ('' when it does)."""
    superseded = c["superseded"].to_numpy()
    earlier_stock = c["earlier_stock"].to_numpy()
    is_voice = c["is_voice"].to_numpy()
    relay = ~superseded & ~part_in_whole_key & ~earlier_stock & ~is_voice
    enemy = is_voice & ~c["considered"].to_numpy()
    # where several rules apply, the first listed wins
    rule = np.select([superseded, earlier_stock, part_in_whole_key, relay, enemy],
                     [0, 1, 2, 3, 4], default=-1)  # fmt: skip

    def text(name: str) -> Callable[[np.ndarray], np.ndarray]:
        column = c[name].fillna("").to_numpy(dtype=object)
        return lambda rows: column[rows]

    def date(name: str) -> Callable[[np.ndarray], np.ndarray]:
        values = c[name].to_numpy()
        return lambda rows: _fmt_dates(values[rows])

    return _rule_texts(
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
        ],
    )


def _priority(c: pd.DataFrame, policy: str) -> tuple[np.ndarray, ...]:
    """Sort keys (``np.lexsort`` order, last is primary) for choosing `best` under ``policy``."""
    reliability = (
        c["id_rank"].to_numpy(),
        c["source_type_rank"].to_numpy(),
        -c["published_ns"].to_numpy(),
        c["specificity_rank"].to_numpy(),
        c["role_rank"].to_numpy(),
    )
    if policy == "conservative":
        return (*reliability, c["value_point"].to_numpy())
    return reliability


def _pick(key: np.ndarray, mask: np.ndarray, preference: np.ndarray | None) -> pd.DataFrame:
    """The claim that supplies `best` for each key among ``mask`` rows.

    ``preference``: the policy's order of claims (a ``_sort_key``); None under `range`.
    """
    if preference is None:
        return pd.DataFrame({"key_code": [], "row": []}, dtype="int64")
    n_keys = int(key.max()) + 1 if len(key) else 0
    keys, rows = _first_by_key(key, mask, preference, n_keys)
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
    high = c["value_high"].fillna(_BIG).to_numpy(dtype=np.int64)[rows]
    order = _lexsort((low, key))
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
    n = len(c)
    n_keys = int(c["key_code"].max()) + 1 if n else 0
    key = c["key_code"].to_numpy()
    considered = c["considered"].to_numpy()
    independent = c["role_rank"].to_numpy() == ROLE_RANK["independent"]

    low = c["value_low"].to_numpy()
    stated_high = c["stated_high"].to_numpy()
    point = c["value_point"].to_numpy()
    agg = _aggregate(
        key,
        considered,
        n_keys,
        low=(low, np.minimum),
        high=(stated_high, np.maximum),
        open_stated=(np.where(c["value_high_open"].to_numpy(), stated_high, -1), np.maximum),
        max_low=(low, np.maximum),
        min_high=(c["value_high"].fillna(_BIG).to_numpy(dtype=np.int64), np.minimum),
        max_point=(point, np.maximum),
        min_point=(point, np.minimum),
    )

    # distinct claimants per key (case and spacing ignored, as for voices), on integer codes
    claimant_code, claimants = pd.factorize(c["claimant"])
    same_claimant = pd.factorize(normalise_claimants(pd.Series(claimants)))[0][claimant_code]
    voices = c["is_voice"].to_numpy() & independent
    n_ind = _distinct_per_key(key[voices], same_claimant[voices], n_keys)
    n_claimants = _distinct_per_key(key, same_claimant, n_keys)
    n_claims = np.bincount(key, minlength=n_keys)

    # One row per key, listed sorted by key (as sort_values(KEY_COLUMNS, na_position="first")
    # would list them). Every per-key value below is put in this order as it is assigned
    # (`order`: the key of each row; `position`: the row of each key), so the long texts are
    # built directly in it rather than sorted afterwards.
    first_rows = np.full(n_keys, n, dtype=np.int64)
    np.minimum.at(first_rows, key, np.arange(n))
    key_values = c[KEY_COLUMNS].iloc[first_rows]
    codes = [pd.factorize(key_values[k], sort=True)[0] for k in KEY_COLUMNS]  # missing: -1
    order = _lexsort(tuple(reversed(codes)))
    position = np.empty(n_keys, dtype=np.int64)
    position[order] = np.arange(n_keys)
    est = key_values.iloc[order].reset_index(drop=True)
    agg = agg.iloc[order]
    est["low"] = agg["low"].astype("Int64").array
    est["high"] = agg["high"].astype("Int64").array
    est["high_open"] = (agg["open_stated"] >= agg["high"]).fillna(False).to_numpy(dtype=bool)
    # the policy's order of claims, once; each `best` below is the first of a subset
    preference = None if policy == "range" else _sort_key(_priority(c, policy))
    picked = _pick(key, considered, preference)
    est["best"] = _best_by_key(c, picked, n_keys).array[order]
    without_party = _pick(key, considered & independent, preference)
    est["best_without_party"] = _best_by_key(c, without_party, n_keys).array[order]
    corroborated = _pick(key, considered & _overlaps_another_claimant(c, considered), preference)
    est["best_without_single_source"] = _best_by_key(c, corroborated, n_keys).array[order]

    contested = (agg["max_low"] > agg["min_high"]).fillna(False).to_numpy(dtype=bool)
    n_ind = n_ind[order]
    status = np.select(
        [n_ind == 0, contested, n_ind >= 2],
        ["party_only", "contested", "corroborated"],
        default="single_source",
    )
    est["status"] = _series(status.astype(object))
    ratio = agg["max_point"] / agg["min_point"].where(agg["min_point"] > 0)
    est["discrepancy"] = ratio.round(2).astype("Float64").to_numpy()
    est["n_claims"] = n_claims[order]
    est["n_claimants"] = n_claimants[order]
    est["n_independent"] = n_ind
    ids = _text(c["claim_id"])
    est["best_claim_id"] = _by_key(
        ids, position[picked["key_code"].to_numpy()], picked["row"].to_numpy(), n_keys
    )
    est["policy"] = policy
    # every claim by its key's row, then claim id
    by_id = _lexsort((c["id_rank"].to_numpy(), position[key]))
    est["claim_ids"] = _series(_join_by_key(position[key[by_id]], ";", [ids[by_id]], n_keys))

    c["is_best"] = False
    c.loc[picked["row"].to_numpy(), "is_best"] = True
    low_rows = _extreme_rows(c, considered, "value_low", smallest=True)
    high_rows = _extreme_rows(c, considered, "stated_high", smallest=False)
    est["low_claim_id"] = _by_key(ids, position[key[low_rows]], low_rows, n_keys)
    est["high_claim_id"] = _by_key(ids, position[key[high_rows]], high_rows, n_keys)
    c["why_not_best"] = _series(_why_not_best(c, picked, policy), index=c.index)
    est["rationale"] = _series(
        _rationale(
            c, est, picked, low_rows, high_rows, by_id, position, policy, claimant_code, claimants
        )
    )
    return Reconciliation(estimates=est, claims=c, policy=policy)


def _aggregate(
    key: np.ndarray, mask: np.ndarray, n_keys: int, **columns: tuple[np.ndarray, np.ufunc]
) -> pd.DataFrame:
    """Per key, each named (values, np.minimum / np.maximum) reduction over ``mask`` rows.

    Like ``groupby(key).agg(...).reindex(range(n_keys))``: a key without rows gets NaN
    (and its columns become float). Reductions in place per key; nothing is sorted.
    """
    rows = np.flatnonzero(mask)
    present = np.bincount(key[rows], minlength=n_keys) > 0
    reduced = {}
    for name, (values, reduce) in columns.items():  # a handful of columns
        start = _BIG if reduce is np.minimum else np.iinfo(np.int64).min
        result = np.full(n_keys, start, dtype=np.int64)
        reduce.at(result, key[rows], values[rows])
        reduced[name] = result[present]
    return pd.DataFrame(reduced, index=np.flatnonzero(present)).reindex(range(n_keys))


def _extreme_rows(c: pd.DataFrame, mask: np.ndarray, column: str, smallest: bool) -> np.ndarray:
    """Per key, the row holding the smallest (or largest) ``column`` among ``mask`` rows."""
    values = c[column].to_numpy()
    # ties go to the better-ranked claim so the rationale names the most credible holder
    order = _sort_key(
        (c["id_rank"].to_numpy(), c["role_rank"].to_numpy(), values if smallest else -values)
    )
    key = c["key_code"].to_numpy()
    return _first_by_key(key, mask, order, int(key.max()) + 1 if len(key) else 0)[1]


def _by_key(
    texts: np.ndarray, keys: np.ndarray, rows: np.ndarray, n_keys: int
) -> pd.Series | np.ndarray:
    """``texts[row]`` for each key that has a row, missing (NaN) for the other keys."""
    row_of_key = np.full(n_keys, -1, dtype=np.int64)
    row_of_key[np.asarray(keys)] = np.asarray(rows)
    values = _take(texts, row_of_key)
    if (row_of_key < 0).all():
        # no key has one (the `range` policy picks no best): pandas stores a column of only
        # NaN as object, not str, and the estimates keep that dtype
        return np.full(len(values), np.nan, dtype=object)
    return _series(values)


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
    spec_loses = loses("specificity_rank", np.greater)
    date_loses = loses("published_ns", np.less)
    type_loses = loses("source_type_rank", np.greater)
    point_loses = loses("value_point", np.greater)

    # details of the claim itself, for the rules that name them
    role = _role_labels(c)

    def qualifier(rows: np.ndarray) -> np.ndarray:
        return _text(c["value_qualifier"].iloc[rows])

    def source_type(rows: np.ndarray) -> np.ndarray:
        return c["source_type"].iloc[rows].fillna("").to_numpy(dtype=object)

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
            ("ranked below by claimant role: ", role),
            ("less specific wording: ", qualifier),
            "published earlier",
            ("less investigative source type: ", source_type),
        ]
    texts.append("tied on every rule; claim id breaks the tie")
    # the first rule each claim loses on (the last entry: none, a tie)
    rule = np.full(len(c), -1, dtype=np.int64)
    rule[rows] = np.select(conditions, list(range(len(conditions))), default=len(conditions))
    return _rule_texts(rule, texts)


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
) -> np.ndarray:
    """One plain paragraph per key: the chosen figure and why, then every alternative and why not.

    ``position``: each key's row in ``est``, which the paragraphs follow. ``by_id``: every
    claim, ordered by that row and then claim id (the order alternatives are listed).
    ``claimant_code``, ``claimants``: the claimants, factorized.

    Each string concatenation is one C loop over an object array that creates a string per
    row, so the paragraphs are assembled from as few of them as possible: parts that repeat
    (a formatted figure, a claimant's name, a source and role) are written once per distinct
    value and shared. Which claim each sentence names is settled for all keys first; the
    sentences are then written a batch of keys at a time (see ``_batched``).
    """
    n_keys = len(position)
    key = position[c["key_code"].to_numpy()]

    def row_of_key(keys: np.ndarray, rows: np.ndarray) -> np.ndarray:
        where = np.full(n_keys, -1, dtype=np.int64)
        where[keys] = rows
        return where

    claim_ids = _text(c["claim_id"])
    names = np.asarray(claimants, dtype=object)
    from_claimant = _concat(" from ", names)
    from_claimant_stop = _concat(" from ", names, ".")

    def claimant(rows: np.ndarray, texts: np.ndarray) -> np.ndarray:
        # the claimant's text of each row (missing where a row is -1)
        return _take(texts, np.where(rows < 0, -1, claimant_code[rows]))

    # 'Human Rights Watch said "at least 34" [kobe-hrw-killed' for a claim (the closing
    # bracket comes with what follows): the part before the id once per claimant and value
    value_code, values = pd.factorize(c["value"])
    pair = (claimant_code + 1) * (len(values) + 1) + (value_code + 1)
    _, first, pair_code = np.unique(pair, return_index=True, return_inverse=True)
    said = _concat(_text(c["claimant"])[first], ' said "', _text(c["value"])[first], '" [')

    best = np.full(n_keys, -1, dtype=np.int64)
    if policy != "range":
        best = row_of_key(position[picked["key_code"].to_numpy()], picked["row"].to_numpy())
        why = (
            "it is the lowest point value among the considered claims (conservative policy)"
            if policy == "conservative"
            else "it ranks first by claimant role, then specificity, then later publication"
        )
        # '] in hrw-2025-02-kobe, independent (not a party); chosen because ...' once per
        # source and role
        rows = np.maximum(best, 0)
        source_code = pd.factorize(c["source_id"].iloc[rows])[0]
        role_rank = c["role_rank"].to_numpy()[rows]
        combo = (source_code + 1) * (int(role_rank.max(initial=0)) + 1) + role_rank
        _, first, combo_code = np.unique(combo, return_index=True, return_inverse=True)
        combo_code = np.where(best < 0, -1, combo_code)
        roles = _role_labels(c)(rows[first])
        sources = _text(c["source_id"])[rows[first]]
        chosen = _concat("] in ", sources, ", ", roles, f"; chosen because {why}.")
    low = row_of_key(key[low_rows], low_rows)
    high = row_of_key(key[high_rows], high_rows)
    high_open = est["high_open"].to_numpy().astype(np.int64)

    # Every claim but the best, in key and claim-id order, with the reason it lost: its
    # exclusion reason, else why it is not best, else that it only sets the range.
    alternatives = by_id[~c["is_best"].to_numpy()[by_id]]
    alternative_key = key[alternatives]  # ascending
    exclusion = _text(c["exclusion_reason"])[alternatives]
    reason = np.where(exclusion != "", exclusion, _text(c["why_not_best"])[alternatives])
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
            text = (
                "Range policy: no best figure is chosen; low and high span the considered claims."
            )
            head = _choose([text], np.zeros(n, dtype=np.int64))
        else:
            b = best[keys]
            head = _concat(
                _formatted(c["value_point"].to_numpy()[b], "Best {:,}: ", missing=b < 0),
                _take(said, np.where(b < 0, -1, pair_code[b])),
                _take(claim_ids, b),
                _take(chosen, combo_code[keys]),
            )
        lo, hi = low[keys], high[keys]
        low_text = _concat(
            _formatted(c["value_low"].to_numpy()[lo], " Low {:,}", missing=lo < 0),
            claimant(lo, from_claimant),
        )
        high_text = _concat(
            _formatted(c["stated_high"].to_numpy()[hi], "; high {:,}", missing=hi < 0),
            _choose(["", "+ (open-ended)"], high_open[keys]),
            claimant(hi, from_claimant_stop),
        )
        # each alternative: 'CSP said "98" [dioura-csp-initial] — superseded by ...', the
        # last of its key followed by a full stop
        span = _span(alternative_key, keys)
        rows = alternatives[span]
        listed = _join_by_key(
            alternative_key[span] - keys.start,
            "; ",
            [
                said[pair_code[rows]],
                claim_ids[rows],
                "] — ",
                reason[span],
                _choose(["", "."], last[span]),
            ],
            n,
        )
        lead = _choose(["", " Alternatives: ", " No other claim."], lead_code[keys])
        # the short sentences first, the long list of alternatives once at the end
        return _concat(_present(head), _present(low_text), _present(high_text), lead, listed)

    return _batched(n_keys, paragraphs)
