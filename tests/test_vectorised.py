"""The whole-column machinery under reconciliation, each helper against the plain pandas it replaces."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casrec import vectorised as vec

SMALL = st.integers(min_value=-3, max_value=3)
WIDE = st.integers(min_value=-(2**40), max_value=2**40)  # more values than rows: ranked
IDS = st.one_of(st.none(), st.text(alphabet="ab10-é", max_size=3))


@st.composite
def columns(draw, elements=SMALL, count=None, min_rows=0):
    """``count`` (or 1 to 4) integer columns of one length."""
    n = draw(st.integers(min_value=min_rows, max_value=25))
    k = count or draw(st.integers(min_value=1, max_value=4))
    return tuple(
        np.array(draw(st.lists(elements, min_size=n, max_size=n)), dtype=np.int64) for _ in range(k)
    )


@given(st.one_of(columns(SMALL), columns(WIDE), columns(st.sampled_from([0, 2**62]))))
def test_lexsort_is_numpys_stable_lexsort(keys):
    assert vec.lexsort(keys).tolist() == np.lexsort(keys).tolist()


@given(st.one_of(columns(SMALL), columns(WIDE)))
def test_the_packed_sort_key_orders_and_ties_rows_as_the_keys_do(keys):
    packed = vec.sort_key(keys)
    as_tuples = list(zip(*reversed([k.tolist() for k in keys]), strict=True))  # last: primary
    for i in range(len(packed)):
        for j in range(len(packed)):
            assert (packed[i] < packed[j]) == (as_tuples[i] < as_tuples[j])
            assert (packed[i] == packed[j]) == (as_tuples[i] == as_tuples[j])


@given(columns(count=3, min_rows=1), st.data())
def test_first_by_group_is_the_first_row_of_each_group_in_sort_order(cols, data):
    group = np.abs(cols[0]) % 3
    order_key = vec.sort_key((cols[1], cols[2]))
    mask = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(group), max_size=len(group))), dtype=bool
    )
    first = vec.first_by_group(group, np.flatnonzero(mask), order_key, 3)
    frame = pd.DataFrame({"group": group, "key": order_key})[mask]
    expected = frame.sort_values("key", kind="stable").groupby("group").head(1)
    wanted = np.full(3, -1)
    wanted[expected["group"].to_numpy()] = expected.index.to_numpy()
    assert first.tolist() == wanted.tolist()
    keys, rows = vec.first_by_key(group, mask, order_key, 3)
    assert keys.tolist() == np.flatnonzero(wanted >= 0).tolist()
    assert rows.tolist() == wanted[wanted >= 0].tolist()


@given(columns(count=2))
def test_distinct_per_key_is_groupby_nunique_without_missing(cols):
    key = np.abs(cols[0]) % 4
    code = cols[1]  # negative codes stand for missing values
    counted = vec.distinct_per_key(key, code, 4)
    frame = pd.DataFrame({"key": key, "code": np.where(code >= 0, code, np.nan)})
    expected = frame.groupby("key")["code"].nunique().reindex(range(4), fill_value=0)
    assert counted.tolist() == expected.tolist()


@given(columns(count=3), st.data())
def test_aggregate_is_groupby_min_and_max_with_nan_for_keys_without_rows(cols, data):
    key = np.abs(cols[0]) % 4
    mask = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(key), max_size=len(key))), dtype=bool
    )
    reduced = vec.aggregate(key, mask, 4, low=(cols[1], np.minimum), high=(cols[2], np.maximum))
    frame = pd.DataFrame({"key": key, "low": cols[1], "high": cols[2]})[mask]
    expected = frame.groupby("key").agg(low=("low", "min"), high=("high", "max"))
    expected = expected.reindex(range(4)).rename_axis(None)
    pd.testing.assert_frame_equal(reduced, expected, check_dtype=False, check_index_type=False)


@given(st.lists(st.tuples(st.integers(0, 3), st.text(alphabet="xy;", max_size=3)), max_size=12))
def test_join_by_key_joins_each_keys_texts_in_row_order(pairs):
    pairs = sorted(pairs, key=lambda pair: pair[0])  # rows come sorted by key
    key = np.array([k for k, _ in pairs], dtype=np.int64)
    texts = np.array([t for _, t in pairs] or [], dtype=object)
    joined = vec.join_by_key(key, "; ", ["<", texts, ">"], 5)
    expected = ["; ".join(f"<{t}>" for k, t in pairs if k == n) for n in range(5)]
    assert joined.tolist() == expected


@given(st.lists(IDS, max_size=15), st.lists(IDS, max_size=8))
def test_sorted_ids_rank_as_factorize_and_find_each_claims_row(ids, wanted):
    values = np.array(ids, dtype=object)
    sorted_ids = vec.SortedIds(values)
    codes, _ = pd.factorize(pd.Series(ids, dtype=object), sort=True)
    assert sorted_ids.rank.tolist() == codes.tolist()
    found = sorted_ids.find(pd.Series(wanted, dtype=object))
    for want, row in zip(wanted, found, strict=True):
        if want is None or want not in ids:
            assert row == -1
        else:
            assert ids[row] == want and row == ids.index(want)


def test_concat_is_missing_where_any_part_is_and_never_aliases_its_input():
    first = np.array(["a", None, "c"], dtype=object)
    second = np.array(["1", "2", np.nan], dtype=object)
    assert vec.concat(first, "-", second).tolist() == ["a-1", None, None]
    alone = vec.concat(first)
    alone[0] = "changed"
    assert first[0] == "a"


def test_rule_texts_fills_each_rows_rule_and_leaves_other_rows_empty():
    rule = np.array([0, -1, 1, 1, 0])
    names = np.array(["v", "w", "x", "y", "z"], dtype=object)
    texts = vec.rule_texts(rule, ["fixed.", ("row ", lambda rows: names[rows], ".")])
    assert texts.tolist() == ["fixed.", "", "row x.", "row y.", "fixed."]


def test_batched_builds_across_batch_boundaries_in_order(monkeypatch):
    monkeypatch.setattr(vec, "BATCH", 4)
    rows = vec.batched(10, lambda part: np.arange(part.start, part.stop).astype(object))
    assert rows.tolist() == list(range(10))
    assert vec.batched(0, lambda part: np.arange(1)).tolist() == []


def test_map_distinct_is_map_with_nan_for_unmapped_and_missing():
    values = pd.Series(["a", None, "b", "a", "c"], index=[5, 6, 7, 8, 9], dtype="str")
    mapped = vec.map_distinct(values, {"a": 1, "b": 2})
    pd.testing.assert_series_equal(mapped, values.map({"a": 1, "b": 2}).astype(float))


def test_formatted_and_dates_write_each_value_as_text():
    shown = vec.formatted(np.array([1200, 5, 1200]), "Best {:,}: ", np.array([0, 1, 0], bool))
    assert shown.tolist() == ["Best 1,200: ", None, "Best 1,200: "]
    days = np.array(["2025-02-07", "2024-12-31"], dtype="datetime64[ns]")
    assert vec.fmt_dates(days).tolist() == ["2025-02-07", "2024-12-31"]


def test_by_key_gives_each_keys_text_and_missing_elsewhere():
    texts = np.array(["a", "b", "c"], dtype=object)
    picked = vec.by_key(texts, np.array([2, 0]), np.array([1, 2]), 4)
    assert picked[0] == "c" and picked[2] == "b"
    assert pd.isna(picked[1]) and pd.isna(picked[3])
    nothing = vec.by_key(texts, np.array([], dtype=int), np.array([], dtype=int), 2)
    assert nothing.dtype == object and pd.isna(nothing).all()


@pytest.mark.parametrize(
    ("keys", "expected"), [(slice(2, 4), slice(1, 4)), (slice(9, 12), slice(6, 6))]
)
def test_span_is_the_positions_whose_key_is_in_range(keys, expected):
    assert vec.span(np.array([0, 2, 3, 3, 5, 7]), keys) == expected
