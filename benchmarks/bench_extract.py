"""How much of data/claims.csv `casrec extract` finds in the five shipped documents.

For each document: recall (the share of recorded figures that a candidate matches on value
and metric), precision (the share of candidates that match a recorded figure) and, among the
matched, the share whose claimant and population are both right. Targets: recall >= 95%,
precision >= 80%, claimant-and-population right >= 80%.

A value matches when casrec's grammar reads both texts into the same interval and qualifier
(so "Dozens" matches "dozens"). A claimant is right when the names agree once articles are
dropped and one contains the other ("Malian army chief of staff" / "Malian army"), when both
name the same actor, or when both are the same kind of witness ("one local resident" / "a
Konna resident"). Each recorded claim and each candidate is matched at most once, preferring
a candidate inside the recorded evidence.

    .venv/bin/python benchmarks/bench_extract.py [--sources ../shared/sources] [--verbose]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
import tempfile
from pathlib import Path

import pandas as pd

from casrec.cli import main as casrec_main
from casrec.quantities import QuantityError, lexicon_mapping, parse_quantity

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = {
    "hrw-2025-02-kobe-convoy.txt": "hrw-2025-02-kobe",
    "wikipedia-mali-war-2024-12.txt": "wikipedia-2024-12",
    "crisisgroup-mali-2018-04.txt": "icg-2018-04",
    "wikipedia-mali-war-infobox-2025-06.txt": "wikipedia-infobox-2025-06",
    "reuters-2024-09-bamako.txt": "reuters-2024-09-18",
}


def default_sources() -> Path:
    """../shared/sources beside the project (where CI puts shared/ too)."""
    for base in (ROOT.parent / "shared", ROOT / "shared", ROOT.parent.parent / "shared"):
        if (base / "sources").is_dir():
            return base / "sources"
    return ROOT.parent / "shared" / "sources"


def _interval(text: str, lexicon) -> tuple | str:
    try:
        q = parse_quantity(str(text), lexicon)
    except QuantityError:
        return str(text).strip().lower()
    return (q.low, q.high, q.qualifier)


def _norm(name: str) -> str:
    name = re.sub(r"^(the|a|an|one)\s+", "", str(name).strip().lower())
    return re.sub(r"\s+", " ", name)


def claimant_right(found: pd.Series, recorded: pd.Series) -> bool:
    """Same claimant: names contain one another, the same actor, or the same kind of witness."""
    a, b = _norm(found["claimant"]), _norm(recorded["claimant"])
    if a and b and (a in b or b in a):
        return True
    actor_a, actor_b = str(found["claimant_actor"] or ""), str(recorded["claimant_actor"] or "")
    if actor_a and actor_a == actor_b:
        return True
    return bool(a and b) and a.split()[-1] == b.split()[-1] and not actor_a and not actor_b


def score(text: str, drafts: pd.DataFrame, recorded: pd.DataFrame, lexicon) -> dict:
    """Match candidates to recorded claims; count what matched and what was right."""
    used: set[int] = set()
    pairs: list[tuple[pd.Series, pd.Series]] = []
    missed: list[pd.Series] = []
    values = [_interval(v, lexicon) for v in drafts["value"]]
    starts = drafts["span_start"].tolist()
    waiting = []
    # first pass: candidates inside the recorded evidence; second: the nearest one elsewhere
    for _, claim in recorded.iterrows():
        wanted = _interval(claim["value"], lexicon)
        location = text.find(str(claim["evidence"]).strip('"'))
        options = [
            k
            for k in range(len(drafts))
            if values[k] == wanted and drafts["metric"].iloc[k] == claim["metric"]
        ]
        inside = [
            k
            for k in options
            if k not in used
            and location >= 0
            and location <= starts[k] < location + len(str(claim["evidence"]))
        ]
        if inside:
            used.add(inside[0])
            pairs.append((drafts.iloc[inside[0]], claim))
        else:
            waiting.append((claim, options, location))
    for claim, options, location in waiting:
        free = sorted(
            (k for k in options if k not in used), key=lambda k: abs(starts[k] - location)
        )
        if not free:
            missed.append(claim)
            continue
        used.add(free[0])
        pairs.append((drafts.iloc[free[0]], claim))
    ok = [
        found["population"] == claim["population"] and claimant_right(found, claim)
        for found, claim in pairs
    ]
    extra = drafts.iloc[[k for k in range(len(drafts)) if k not in used]]
    return {
        "recorded": len(recorded),
        "candidates": len(drafts),
        "matched": len(pairs),
        "right": sum(ok),
        "missed": missed,
        "extra": extra,
        "wrong": [pair for pair, good in zip(pairs, ok, strict=True) if not good],
    }


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=default_sources())
    parser.add_argument("--data-dir", type=Path, default=ROOT / "data")
    parser.add_argument("--verbose", action="store_true", help="list misses and extras")
    args = parser.parse_args(argv)
    claims = pd.read_csv(args.data_dir / "claims.csv", dtype=str, keep_default_na=False)
    lexicon = lexicon_mapping(pd.read_csv(args.data_dir / "vague_quantities.csv"))
    totals = {"recorded": 0, "candidates": 0, "matched": 0, "right": 0}
    print(f"{'document':42} {'recall':>7} {'precision':>9} {'claimant+pop':>12}  (n)")
    with tempfile.TemporaryDirectory() as tmp:
        for document, source_id in DOCUMENTS.items():
            path = args.sources / document
            out = Path(tmp) / f"{source_id}.csv"
            with contextlib.redirect_stderr(io.StringIO()):
                code = casrec_main(
                    ["extract", str(path), "--source-id", source_id,
                     "--data-dir", str(args.data_dir), "--out", str(out)]
                )  # fmt: skip
            if code != 0:
                print(f"casrec extract failed on {path} (exit {code})", file=sys.stderr)
                return code
            drafts = pd.read_csv(out, dtype=str, keep_default_na=False)
            drafts["span_start"] = drafts["span_start"].astype(int)
            text = _document_text(path)
            recorded = claims[claims["source_id"] == source_id]
            result = score(text, drafts, recorded, lexicon)
            for key in totals:
                totals[key] += result[key]
            print(
                f"{document:42} {_pct(result['matched'], result['recorded']):>7} "
                f"{_pct(result['matched'], result['candidates']):>9} "
                f"{_pct(result['right'], result['matched']):>12}  "
                f"({result['recorded']} recorded, {result['candidates']} candidates)"
            )
            if args.verbose:
                for claim in result["missed"]:
                    print(f"    missed {claim['claim_id']}: {claim['value']!r} {claim['metric']}")
                for _, row in result["extra"].iterrows():
                    print(
                        f"    extra  {row['value']!r} {row['metric']} {row['population']} "
                        f"| {row['evidence'][:90]}"
                    )
                for found, claim in result["wrong"]:
                    print(
                        f"    wrong  {claim['claim_id']}: population {found['population']} "
                        f"(recorded {claim['population']}), claimant {found['claimant']!r} "
                        f"(recorded {claim['claimant']!r})"
                    )
    print(
        f"{'total':42} {_pct(totals['matched'], totals['recorded']):>7} "
        f"{_pct(totals['matched'], totals['candidates']):>9} "
        f"{_pct(totals['right'], totals['matched']):>12}  "
        f"({totals['recorded']} recorded, {totals['candidates']} candidates)"
    )
    return 0


def _document_text(path: Path) -> str:
    from casrec.extract import read_document

    return read_document(path)


if __name__ == "__main__":
    sys.exit(main())
