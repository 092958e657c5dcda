"""Reconcile a million synthetic claims; print wall times, peak memory, ratio to a bare groupby.

Run: .venv/bin/python benchmarks/bench_reconcile.py [--claims N] [--keys K]
Targets (issue 3): peak memory under 2 GB, and reconciliation within 25x of a bare pandas
groupby(...).agg(min, max) over the same frame -- both measured in this one run.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd

from casrec.claims import KEY_COLUMNS, prepare_claims
from casrec.reconcile import reconcile
from casrec.schema import TABLES, Dataset, typed_frame

ROLES = ["independent"] * 60 + ["party_own"] * 15 + ["party_other"] * 15 + ["party_enemy"] * 10
# value wordings: (prefix, suffix) around the number; a range adds its upper end; the vague
# words stand alone
FORMS = ([("", "")] * 50 + [("at least ", "")] * 15 + [("more than ", "")] * 5
         + [("about ", "")] * 10 + [("~", "")] * 5 + [("", "–")] * 10
         + [("dozens", None)] * 3 + [("several", None)] * 2)  # fmt: skip
CLAIMANTS = ["Human Rights Watch", "Amnesty International", "UN OHCHR", "Reuters", "AFP",
             "Malian army", "JNIM", "MNLA", "local residents", "Wikipedia"]  # fmt: skip
SOURCE_TYPES = ["ngo", "ngo", "un", "wire", "wire", "government", "armed_group", "armed_group",
                "media", "encyclopedia"]  # fmt: skip

TARGET_RATIO = 25
TARGET_PEAK_MB = 2048


def _pick(labels: list[str | None], codes: np.ndarray) -> pd.Series:
    """``labels[codes]`` as a text column (code -1: missing), without a string per row.

    Rows with the same text share one string, as in a table pandas reads from a CSV file:
    the million-row frame stays as compact as a loaded one.
    """
    return pd.Series(pd.array(labels, dtype="str").take(codes, allow_fill=True))


def _numbered(prefix: str, numbers: np.ndarray) -> pd.Series:
    """'c0', 'c1', ...: an id column from integers (each distinct id written once)."""
    distinct, codes = np.unique(numbers, return_inverse=True)
    return _pick((prefix + pd.Series(distinct).astype("str")).tolist(), codes)


def _values(numbers: np.ndarray, form: np.ndarray) -> pd.Series:
    """The figures as sources word them ('at least 34', '13–16', 'dozens'), per FORMS.

    Each distinct wording is written once: claims share the strings, as they do in a table
    loaded from a file where many cells read the same.
    """
    distinct, codes = np.unique(numbers * len(FORMS) + form, return_inverse=True)
    number, shape = distinct // len(FORMS), distinct % len(FORMS)
    prefix = _pick([p for p, _ in FORMS], shape)
    suffix = _pick([s or "" for _, s in FORMS], shape)
    digits = pd.Series(number).astype("str")
    upper = pd.Series(number + number // 5 + 1).astype("str")
    value = prefix + digits + suffix + upper.where(suffix == "–", "")
    vague = np.array([s is None for _, s in FORMS])[shape]
    return _pick(value.where(~vague, prefix).tolist(), codes)


def synthetic(n_claims: int, n_keys: int, seed: int = 7) -> Dataset:
    """A dataset shaped like real ones: several claimants per key, relays, breakdowns, revisions.

    Columns have the dtypes casrec gives loaded data (``typed_frame``), built from integer codes so
    that the data itself stays small next to what reconcile is measured on.
    """
    rng = np.random.default_rng(seed)
    n_events = max(1, n_keys // 4)
    key = rng.integers(0, n_keys, n_claims)
    event = key % n_events
    numbers = rng.lognormal(3, 1.5, n_claims).astype(int) + 1
    form = rng.integers(0, len(FORMS), n_claims)
    claimant_idx = rng.integers(0, len(CLAIMANTS), n_claims)
    source_idx = np.where(rng.random(n_claims) < 0.7, claimant_idx, rng.integers(0, 10, n_claims))
    role_idx = rng.integers(0, len(ROLES), n_claims)
    independent = np.array([r == "independent" for r in ROLES])[role_idx]
    foreign = rng.random(n_claims) < 0.05  # nationality breakdowns
    none = np.full(n_claims, -1)  # a column with no values (code -1: missing)
    claims = pd.DataFrame({
        "claim_id": _numbered("c", np.arange(n_claims)),
        "event_id": _numbered("e", event),
        "source_id": _numbered("s", source_idx),
        "claimant": _pick(CLAIMANTS, claimant_idx),
        "claimant_role": _pick(ROLES, role_idx),
        "claimant_actor": _pick(["fama"], np.where(independent, -1, 0)),
        "metric": _pick(["killed", "injured", "displaced", "missing"], (key // n_events) % 4),
        "population": _pick(["civilians", "all"], np.where(key % 3 == 0, 0, 1)),
        "side": _pick([], none),
        "group": _pick([], none),
        "nationality": _pick(["foreign"], np.where(foreign, 0, -1)),
        "subgroup": _pick([], none),
        "value": _values(numbers, form),
        "as_of": _pick([], none),
        "certainty": _pick([], none),
        "part_of": _pick([], none),
        "supersedes": _pick([], none),
        "evidence": _pick(["synthetic"], np.zeros(n_claims, dtype=int)),
        "notes": _pick([], none),
    })  # fmt: skip
    # 2% revisions: each supersedes the previous revised claim
    revise = np.flatnonzero(rng.random(n_claims) < 0.02)
    supersedes = np.full(n_claims, -1)
    supersedes[revise[1:]] = revise[:-1]
    claims["supersedes"] = _numbered("c", supersedes).where(supersedes >= 0)
    sources = pd.DataFrame({
        "source_id": [f"s{i}" for i in range(10)], "publisher": CLAIMANTS, "title": "t",
        "url": None, "published": [f"2025-0{1 + i % 9}" for i in range(10)],
        "source_type": SOURCE_TYPES, "notes": None,
    })  # fmt: skip
    events = pd.DataFrame({
        "event_id": _numbered("e", np.arange(n_events)), "title": "t",
        "kind": np.where(np.arange(n_events) % 10 == 0, "aggregate", "incident"),
        "date_start": "2024-01-01", "date_end": None, "country": "MLI", "admin1": None,
        "location": None, "parent_event": None, "description": None,
    })  # fmt: skip
    lexicon = pd.read_csv("data/vague_quantities.csv", dtype=str, keep_default_na=False)
    frames = {"sources": sources, "events": events, "claims": claims,
              "actors": pd.DataFrame({"actor_id": ["fama"], "name": ["FAMa"], "kind": ["state"]}),
              "lexicon": lexicon}  # fmt: skip
    return Dataset(**{name: typed_frame(TABLES[name], frame) for name, frame in frames.items()})


def peak_rss_mb() -> float:
    """The process's peak resident memory so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=300_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    dataset = synthetic(args.claims, args.keys)
    print(f"synthetic data: {args.claims:,} claims, built in {time.perf_counter() - t0:.1f} s; "
          f"peak RSS so far {peak_rss_mb():,.0f} MB")  # fmt: skip

    t0 = time.perf_counter()
    prepared = prepare_claims(dataset)
    t_prepare = time.perf_counter() - t0
    print(f"prepared; peak RSS so far {peak_rss_mb():,.0f} MB")

    t0, c0 = time.perf_counter(), time.process_time()
    result = reconcile(prepared)
    t_reconcile, c_reconcile = time.perf_counter() - t0, time.process_time() - c0

    # the yardstick, over the same frame in the same process: the median of three runs
    bare_times, bare_cpu = [], []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        bare = prepared.groupby(KEY_COLUMNS, dropna=False)["value_low"].agg(["min", "max"])
        bare_times.append(time.perf_counter() - t0)
        bare_cpu.append(time.process_time() - c0)
    t_bare, c_bare = float(np.median(bare_times)), float(np.median(bare_cpu))

    n_keys = len(result.estimates)
    assert len(bare) == n_keys, (len(bare), n_keys)
    total = t_prepare + t_reconcile
    ratio = t_reconcile / t_bare
    peak = peak_rss_mb()
    print(f"keys reconciled: {n_keys:,}")
    print(f"prepare (parse values, join sources): {t_prepare:6.2f} s")
    print(f"reconcile (rules, sensitivity, rationale): {t_reconcile:6.2f} s")
    print(f"bare groupby(...).agg(min, max): {t_bare:6.3f} s   (median of "
          f"{', '.join(f'{t:.3f}' for t in bare_times)})")  # fmt: skip
    print(f"ratio reconcile / bare groupby: {ratio:6.1f}x   (target <= {TARGET_RATIO}x: "
          f"{'met' if ratio <= TARGET_RATIO else 'MISSED'})")  # fmt: skip
    # on a shared machine wall time counts the other processes too; CPU time is this one's
    print(f"CPU seconds: reconcile {c_reconcile:.2f}, bare groupby {c_bare:.3f}; ratio "
          f"{c_reconcile / c_bare:.1f}x")  # fmt: skip
    print(f"ratio prepare+reconcile / bare groupby: {total / t_bare:6.1f}x")
    print(f"peak memory (process RSS): {peak:,.0f} MB   (target < {TARGET_PEAK_MB:,} MB: "
          f"{'met' if peak < TARGET_PEAK_MB else 'MISSED'})")  # fmt: skip


if __name__ == "__main__":
    main()
