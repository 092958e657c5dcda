"""Whole-column machinery under reconciliation: no rule lives here, only how rules are run fast.

The rules (``casrec.reconcile``) are written as a few steps over whole columns so a million
claims reconcile in seconds (see benchmarks/bench_reconcile.py); nothing is done row by row
in Python:

- "the first claim of each group in some order" (a claimant's voice, best, the holders of
  low and high) is a minimum per group of one packed integer sort key, not a sort;
- texts (exclusion reasons, rationales, joined claim ids) are built by concatenating object
  arrays of strings, one C loop over all rows per step (never with fixed-width numpy
  unicode arrays, which pad every string to the longest one); parts that repeat, such as a
  formatted figure or a claimant's name, are written once per distinct value and shared,
  and long texts are written a batch of keys at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from numpy.dtypes import StringDType

BIG = np.iinfo(np.int64).max
# Texts are written for this many claims or keys at a time (see batched).
BATCH = 1 << 15

# --- text helpers: object arrays of Python strings, missing values as None ----------------


def text(values: pd.Series) -> np.ndarray:
    """A text column as an object array of its strings (missing values as they are stored)."""
    return values.to_numpy(dtype=object)


def series(texts: np.ndarray, index: pd.Index | None = None) -> pd.Series:
    """An object array of texts as a pandas ``str`` Series (None and NaN become missing)."""
    return pd.Series(texts, index=index, dtype="str")


def take(texts: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``texts[positions]``, None where a position is negative."""
    taken = texts[positions]
    taken[positions < 0] = None
    return taken


def choose(options: list[str], choice: np.ndarray) -> np.ndarray:
    """``options[choice]`` per row, None where ``choice`` is negative.

    Every row gets the very same string object for an option: no string is created.
    """
    return take(np.array(options, dtype=object), choice)


def concat(*parts: np.ndarray | str) -> np.ndarray:
    """Element-wise concatenation of texts and literals; missing if any part is missing.

    (As pandas' ``+`` on text. Each ``+`` of object arrays is one C loop over the rows.)
    """
    if len(parts) > 1:
        # Most texts miss nothing: add them straight away, with no scan for missing values.
        # A missing one (None or NaN) cannot be added to a string and raises TypeError; only
        # then are the parts scanned and the missing rows set aside.
        try:
            result = parts[0]
            for part in parts[1:]:
                result = result + part
            return result
        except TypeError:
            pass
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


def assemble(n: int, pieces: list[tuple[np.ndarray, np.ndarray | str]]) -> np.ndarray:
    """``n`` texts: each piece gives the texts of its rows (later pieces win), '' elsewhere.

    A piece's texts are an array aligned with its rows, or one string shared by all of them.
    This is how a column of sentences is built from rules that each concern some rows: only
    those rows' sentences are formed.
    """
    texts = np.full(n, "", dtype=object)
    for rows, sentences in pieces:  # a handful of rules, never one iteration per row
        texts[rows] = sentences
    return texts


def batched(n: int, build: Callable[[slice], np.ndarray]) -> np.ndarray:
    """``build`` over consecutive slices of ``n`` rows (or keys), concatenated.

    Texts are formed a batch at a time: a batch's intermediate strings then take a few
    megabytes that the next batch reuses, where all rows at once would need hundreds of
    fresh megabytes (allocating them costs more than writing the text).
    """
    batches = [build(slice(i, min(i + BATCH, n))) for i in range(0, n, BATCH)]
    return np.concatenate(batches) if batches else np.zeros(0, dtype=object)


def rule_texts(rule: np.ndarray, templates: list[str | tuple]) -> np.ndarray:
    """Per row, the sentence of the rule it falls under ('' where ``rule`` is -1).

    ``rule`` indexes ``templates``. A template is a fixed sentence, or a tuple of literal
    strings and functions that give, for an array of rows, each row's detail (texts).
    A rule's sentences are formed for its rows only (see ``assemble``), batch by batch.
    """

    def batch(rows: slice) -> np.ndarray:
        pieces = []
        for number, template in enumerate(templates):  # a few rules, not a step per row
            where = np.flatnonzero(rule[rows] == number)
            if isinstance(template, str):
                pieces.append((where, template))
                continue
            parts = [p if isinstance(p, str) else p(where + rows.start) for p in template]
            pieces.append((where, concat(*parts)))
        return assemble(rows.stop - rows.start, pieces)

    return batched(len(rule), batch)


# --- per-cell text tests, one Python loop per column ---------------------------------------
# Without pyarrow pandas runs a ``.str`` method as a Python call per cell after a per-cell
# missing check; one loop over ``tolist()`` with a compiled pattern gives the same answers
# several times faster, which is what keeps checking a file of junk linear and quick.


def fullmatch(values: pd.Series, pattern: re.Pattern[str]) -> pd.Series:
    """Per cell, whether it is text that ``pattern`` matches whole (False where missing)."""
    match = pattern.fullmatch
    flags = [isinstance(value, str) and match(value) is not None for value in values.tolist()]
    return pd.Series(flags, index=values.index, dtype=bool)


def map_texts(values: pd.Series, function: Callable[[object], str], missing: str) -> pd.Series:
    """``function`` of each cell as an object Series of texts, ``missing`` where a cell is.

    ``function`` runs once per distinct value: a column of a large file repeats a few values
    (a metric, a role, a source id), so its texts cost what its distinct values cost.
    """
    codes, uniques = pd.factorize(values)
    texts = np.array([function(value) for value in uniques.tolist()] + [missing], dtype=object)
    return pd.Series(texts[codes], index=values.index, dtype="object")  # code -1: missing


def map_distinct(values: pd.Series, mapping: Mapping[str, int]) -> pd.Series:
    """``values.map(mapping)``, looking each distinct value up once (NaN where unmapped)."""
    codes, uniques = pd.factorize(values)
    looked_up = np.array([mapping.get(value, np.nan) for value in uniques] + [np.nan], dtype=float)
    return pd.Series(looked_up[codes], index=values.index)  # code -1 (missing) -> the NaN


def formatted(values: np.ndarray, template: str, missing: np.ndarray) -> np.ndarray:
    """``template.format(value)`` per integer (None where ``missing``), each distinct value once.

    The template gives thousands separators, as in ``"Best {:,}: "``.
    """
    distinct, positions = np.unique(values, return_inverse=True)
    return choose([template.format(v) for v in distinct.tolist()], np.where(missing, -1, positions))


def fmt_dates(values: np.ndarray) -> np.ndarray:
    """Dates as YYYY-MM-DD, formatting each distinct date once."""
    distinct, positions = np.unique(values, return_inverse=True)
    return choose(list(pd.DatetimeIndex(distinct).strftime("%Y-%m-%d")), positions)


def join_by_key(
    key_sorted: np.ndarray, sep: str, parts: list[np.ndarray | str], n_keys: int
) -> np.ndarray:
    """Per key, the texts of its rows joined by ``sep``; '' for a key without rows.

    Rows come sorted by key and each row's text is the concatenation of ``parts`` (see
    ``concat``). Every text but the first of its key gets ``sep`` in front, and
    ``np.add.reduceat`` then concatenates each key's run of texts in one C loop.
    """
    joined = np.full(n_keys, "", dtype=object)
    if len(key_sorted) == 0:
        return joined
    texts = concat(*parts)
    later = np.r_[False, key_sorted[1:] == key_sorted[:-1]]
    texts[later] = sep + texts[later]
    starts = np.flatnonzero(~later)
    joined[key_sorted[starts]] = np.add.reduceat(texts, starts)
    return joined


class SortedIds:
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


def present(texts: np.ndarray) -> np.ndarray:
    """Missing texts as ''."""
    return np.where(pd.isna(texts), "", texts)


def span(sorted_key: np.ndarray, keys: slice) -> slice:
    """The positions in ``sorted_key`` (ascending) whose key lies in the range ``keys``."""
    first, last = np.searchsorted(sorted_key, [keys.start, keys.stop])
    return slice(int(first), int(last))


# --- grouping helpers -----------------------------------------------------------------------


def distinct_per_key(key: np.ndarray, code: np.ndarray, n_keys: int) -> np.ndarray:
    """How many distinct non-negative ``code`` values each key has (like groupby nunique)."""
    present = code >= 0  # -1: missing, which nunique does not count
    width = int(code.max()) + 1 if present.any() else 1
    pairs = np.sort(key[present] * width + code[present])
    distinct = pairs[np.r_[True, pairs[1:] != pairs[:-1]]] if len(pairs) else pairs
    return np.bincount(distinct // width, minlength=n_keys)


def sort_key(sort_keys: tuple[np.ndarray, ...]) -> np.ndarray:
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
        if span * width > BIG:
            packed = np.unique(packed, return_inverse=True)[1]
            span = int(packed.max()) + 1
        packed += (values - low) * span
        span *= width
    return packed


def lexsort(sort_keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """``np.lexsort(sort_keys)``, ties in row order, as one integer sort (see ``sort_key``)."""
    packed = sort_key(sort_keys)
    n = len(packed)
    if n and (int(packed.max()) + 1) * n <= BIG:
        # with the row number as the last tie-break every value is distinct, so the faster
        # unstable sort gives the stable order
        return np.argsort(packed * n + np.arange(n))
    return np.argsort(packed, kind="stable")


def first_by_group(
    group: np.ndarray, rows: np.ndarray, sort_key: np.ndarray, n_groups: int
) -> np.ndarray:
    """Per group, the row among ``rows`` with the lowest ``sort_key``; ties go to the earlier row.

    -1 for a group without such a row. Minimums per group; nothing is sorted.
    """
    best = np.full(n_groups, BIG, dtype=np.int64)
    np.minimum.at(best, group[rows], sort_key[rows])
    winners = rows[sort_key[rows] == best[group[rows]]]
    first = np.full(n_groups, BIG, dtype=np.int64)
    np.minimum.at(first, group[winners], winners)
    return np.where(first < BIG, first, -1)


def first_by_key(
    key: np.ndarray, mask: np.ndarray, sort_key: np.ndarray, n_keys: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per key, the ``mask`` row with the lowest ``sort_key`` (ties: the earlier row).

    Returns the keys that have such a row (ascending) and the row for each.
    """
    first = first_by_group(key, np.flatnonzero(mask), sort_key, n_keys)
    keys = np.flatnonzero(first >= 0)
    return keys, first[keys]


def aggregate(
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
        start = BIG if reduce is np.minimum else np.iinfo(np.int64).min
        result = np.full(n_keys, start, dtype=np.int64)
        reduce.at(result, key[rows], values[rows])
        reduced[name] = result[present]
    return pd.DataFrame(reduced, index=np.flatnonzero(present)).reindex(range(n_keys))


def by_key(
    texts: np.ndarray, keys: np.ndarray, rows: np.ndarray, n_keys: int
) -> pd.Series | np.ndarray:
    """``texts[row]`` for each key that has a row, missing (NaN) for the other keys."""
    row_of_key = np.full(n_keys, -1, dtype=np.int64)
    row_of_key[np.asarray(keys)] = np.asarray(rows)
    values = take(texts, row_of_key)
    if (row_of_key < 0).all():
        # no key has one (the `range` policy picks no best): pandas stores a column of only
        # NaN as object, not str, and the estimates keep that dtype
        return np.full(len(values), np.nan, dtype=object)
    return series(values)
