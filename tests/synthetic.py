"""A synthetic report-sized dataset: many events, a few claims each, deterministic.

Used by the browser tests (a 5,000-event overview must load and filter) and by
benchmarks/bench_pages.py (page weight at scale). Every value passes the data contract.
"""

from __future__ import annotations

import random
from pathlib import Path

from conftest import claim, write_dataset

PLACES = [
    ("MLI", "Gao", "Ansongo"), ("MLI", "Mopti", "Konna"), ("MLI", "Ségou", "Dogofry"),
    ("MLI", "Kidal", "Aguelhok"), ("MLI", "Timbuktu", "Goundam"), ("MLI", "Ménaka", "Akabar"),
    ("NER", "Tillabéri", "Tongo Tongo"), ("BFA", "Sahel", "Djibo"), ("NGA", "Borno", "Monguno"),
]  # fmt: skip
SOURCES = [
    {"source_id": "monitor", "publisher": "Conflict Monitor", "title": "Incident reports",
     "published": "2025-12-01", "source_type": "ngo"},
    {"source_id": "army", "publisher": "Army spokesperson", "title": "Communiqués",
     "published": "2025-12-01", "source_type": "government"},
    {"source_id": "wire", "publisher": "Wire service", "title": "Dispatches",
     "published": "2025-12-01", "source_type": "wire"},
]  # fmt: skip
ACTORS = [{"actor_id": "army", "name": "National Army", "kind": "state"}]


def synthetic_dataset(directory: Path, n_events: int, seed: int = 7) -> Path:
    """``n_events`` incidents in 2020–2025, each with two or three claims on one or two keys."""
    rng = random.Random(seed)
    events, claims = [], []
    for i in range(n_events):
        country, admin1, location = PLACES[i % len(PLACES)]
        year = 2020 + i % 6
        day = f"{year}-{1 + i % 11:02d}-{1 + i % 28:02d}"
        event_id = f"ev-{i:05d}"
        events.append(
            {"event_id": event_id, "title": f"Attack near {location} (incident {i + 1})",
             "kind": "incident", "date_start": day, "country": country, "admin1": admin1,
             "location": location}
        )  # fmt: skip
        killed = rng.randint(2, 120)
        claims.append(claim(f"{event_id}-monitor", f"at least {killed}", event_id=event_id,
                            source_id="monitor", claimant="Conflict Monitor"))  # fmt: skip
        party = killed if i % 3 == 0 else max(1, killed - rng.randint(1, killed))
        claims.append(claim(f"{event_id}-army", str(party), event_id=event_id, source_id="army",
                            claimant="Army spokesperson", claimant_role="party_other",
                            claimant_actor="army"))  # fmt: skip
        if i % 2 == 0:
            claims.append(claim(f"{event_id}-wire-injured", str(rng.randint(1, 60)),
                                event_id=event_id, source_id="wire", claimant="Wire service",
                                metric="injured"))  # fmt: skip
    return write_dataset(directory, claims, sources=SOURCES, actors=ACTORS, events=events)
