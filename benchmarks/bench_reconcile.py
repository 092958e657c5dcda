"""Reconcile a million synthetic claims; print wall time, peak memory and the ratio to a bare groupby.

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
from casrec.schema import Dataset, _typed, TABLES

ROLES = (["independent"] * 60 + ["party_own"] * 15 + ["party_other"] * 15 + ["party_enemy"] * 10)
FORMS = (["{}"] * 50 + ["at least {}"] * 15 + ["more than {}"] * 5 + ["about {}"] * 10
         + ["~{}"] * 5 + ["{}–{}"] * 10 + ["dozens"] * 3 + ["several"] * 2)  # fmt: skip
CLAIMANTS = ["Human Rights Watch", "Amnesty International", "UN OHCHR", "Reuters", "AFP",
             "Malian army", "JNIM", "MNLA", "local residents", "Wikipedia"]  # fmt: skip
SOURCE_TYPES = ["ngo", "ngo", "un", "wire", "wire", "government", "armed_group", "armed_group",
                "media", "encyclopedia"]  # fmt: skip


def synthetic(n_claims: int, n_keys: int, seed: int = 7) -> Dataset:
    """A dataset shaped like real ones: several claimants per key, relays, breakdowns, revisions."""
    rng = np.random.default_rng(seed)
    n_events = max(1, n_keys // 4)
    key = rng.integers(0, n_keys, n_claims)
    event = key % n_events
    metric = np.array(["killed", "injured", "displaced", "missing"])[(key // n_events) % 4]
    numbers = rng.lognormal(3, 1.5, n_claims).astype(int) + 1
    form = np.array(FORMS)[rng.integers(0, len(FORMS), n_claims)]
    value = [f.format(n, n + n // 5 + 1) if f == "{}–{}" else f.format(n) for f, n in zip(form, numbers, strict=True)]
    claimant_idx = rng.integers(0, len(CLAIMANTS), n_claims)
    source_idx = np.where(rng.random(n_claims) < 0.7, claimant_idx, rng.integers(0, 10, n_claims))
    role = np.array(ROLES)[rng.integers(0, len(ROLES), n_claims)]
    claims = pd.DataFrame({
        "claim_id": [f"c{i}" for i in range(n_claims)],
        "event_id": [f"e{e}" for e in event],
        "source_id": [f"s{s}" for s in source_idx],
        "claimant": np.array(CLAIMANTS)[claimant_idx],
        "claimant_role": role,
        "claimant_actor": np.where(role == "independent", None, "fama"),
        "metric": metric,
        "population": np.where(key % 3 == 0, "civilians", "all"),
        "side": None,
        "group": None,
        "nationality": np.where(rng.random(n_claims) < 0.05, "foreign", None),
        "value": value,
        "as_of": None,
        "part_of": None,
        "supersedes": None,
        "evidence": "synthetic",
        "notes": None,
    })
    # 2% revisions by the same claimant: each supersedes the previous claim of its key
    revise = np.flatnonzero(rng.random(n_claims) < 0.02)
    claims.loc[revise[1:], "supersedes"] = claims["claim_id"].to_numpy()[revise[:-1]]
    sources = pd.DataFrame({
        "source_id": [f"s{i}" for i in range(10)], "publisher": CLAIMANTS, "title": "t",
        "url": None, "published": [f"2025-0{1 + i % 9}" for i in range(10)],
        "source_type": SOURCE_TYPES, "notes": None,
    })  # fmt: skip
    events = pd.DataFrame({
        "event_id": [f"e{i}" for i in range(n_events)], "title": "t",
        "kind": np.where(np.arange(n_events) % 10 == 0, "aggregate", "incident"),
        "date_start": "2024-01-01", "date_end": None, "country": "MLI", "admin1": None,
        "location": None, "description": None,
    })  # fmt: skip
    lexicon = pd.read_csv("data/vague_quantities.csv", dtype=str, keep_default_na=False)
    frames = {"sources": sources, "events": events, "claims": claims,
              "actors": pd.DataFrame({"actor_id": ["fama"], "name": ["FAMa"], "kind": ["state"]}),
              "lexicon": lexicon}  # fmt: skip
    typed = {name: _typed(TABLES[name], frame.astype(object).where(frame.notna(), pd.NA))
             for name, frame in frames.items()}  # fmt: skip
    return Dataset(**typed)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=300_000)
    args = parser.parse_args()

    t0 = time.perf_counter()
    dataset = synthetic(args.claims, args.keys)
    print(f"synthetic data: {args.claims:,} claims, built in {time.perf_counter() - t0:.1f} s; "
          f"peak RSS so far {peak_rss_mb():,.0f} MB")

    t0 = time.perf_counter()
    prepared = prepare_claims(dataset)
    t_prepare = time.perf_counter() - t0

    t0 = time.perf_counter()
    result = reconcile(prepared)
    t_reconcile = time.perf_counter() - t0

    t0 = time.perf_counter()
    bare = prepared.groupby(KEY_COLUMNS, dropna=False)["value_low"].agg(["min", "max"])
    t_bare = time.perf_counter() - t0

    n_keys = len(result.estimates)
    assert len(bare) == n_keys, (len(bare), n_keys)
    total = t_prepare + t_reconcile
    print(f"keys reconciled: {n_keys:,}")
    print(f"prepare (parse values, join sources): {t_prepare:6.2f} s")
    print(f"reconcile (rules, sensitivity, rationale): {t_reconcile:6.2f} s")
    print(f"bare groupby(...).agg(min, max): {t_bare:6.3f} s")
    print(f"ratio reconcile / bare groupby: {t_reconcile / t_bare:6.1f}x   (target <= 25x)")
    print(f"ratio prepare+reconcile / bare groupby: {total / t_bare:6.1f}x")
    print(f"peak memory (process RSS): {peak_rss_mb():,.0f} MB   (target < 2,048 MB)")


if __name__ == "__main__":
    main()
