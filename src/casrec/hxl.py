"""``reconciled.hxl.csv``: the reconciled table in HXL, so HDX and libhxl users load it as it is.

Follows the HXL 1.1 dictionary and what HDX's own pipelines publish (UCDP, ACLED, DTM, UNHCR):

- the event's place and time come with every row: ``#event+id``, ``#event+name``,
  ``#date+start``, ``#date+end`` (the start when the event has no end), ``#country+code``,
  ``#adm1+name``, ``#loc+name``;
- each metric has its own count columns, named by the metric's code as an attribute
  (``#affected+killed``, ``#affected+injured``, ``#affected+idps``, ...), so a sum over
  ``#affected+killed`` never adds injured or displaced people; a row fills only its own
  metric's columns. Columns exist for the metrics present in the table, in vocabulary order;
- ``+min`` and ``+max`` carry low and high (HDX's precedent for estimate bounds);
  ``+best`` (custom) is the best figure under the policy and ``+noparty`` (custom) the best
  figure recomputed from independent voices only;
- the population is text under ``#group+population`` (custom attribute: HXL has none for
  civilians / security forces), beside ``#group+side`` and ``#group+nationality``;
- everything else casrec says about a row is under ``#meta``, ``#status``, ``#indicator`` and
  ``#description``, never under a tag HXL's core schema expects to be a number.

``hxl_schema()`` is the libhxl validation schema casrec ships for this file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from casrec import resources, vocabulary
from casrec.reconcile import OUTPUT_COLUMNS
from casrec.schema import DATE_PATTERN, SLUG_PATTERN
from casrec.tables import csv_ready

HXL_SCHEMA = resources.SCHEMAS_DIR / "reconciled.hxl-schema.json"

# The event's columns joined onto every row: (events.csv column, header, HXL tag).
EVENT_COLUMNS = (
    ("title", "event_title", "#event+name"),
    ("date_start", "date_start", "#date+start"),
    ("date_end", "date_end", "#date+end"),
    ("country", "country", "#country+code"),
    ("admin1", "admin1", "#adm1+name"),
    ("location", "location", "#loc+name"),
)
# The figures of reconciled.csv -> the attributes after #affected+<metric>.
COUNT_ATTRIBUTES = {
    "low": "+min",
    "best": "+best",
    "high": "+max",
    "best_without_party": "+noparty",
}
# Every other reconciled.csv column -> its tag. A column not named here (added to
# reconciled.csv later) is written under #meta+<column>, which HXL accepts as text.
TAGS = {
    "event_id": "#event+id",
    "metric": "#meta+metric",
    "population": "#group+population",
    "side": "#group+side+code",
    "nationality": "#group+nationality",
    "subgroup": "#group+subgroup",
    "certainty": "#meta+certainty",
    "high_open": "#meta+max+open",
    "status": "#status",
    "discrepancy": "#indicator+discrepancy+num",
    "n_claims": "#meta+claims+num",
    "n_claimants": "#meta+claimants+num",
    "n_independent": "#meta+claimants+independent+num",
    "best_claim_id": "#meta+claim+id+best",
    "policy": "#meta+policy",
    "rationale": "#description+rationale",
    "claim_ids": "#meta+claim+id+list",
}


def tag_for(column: str) -> str:
    """The HXL tag of a reconciled.csv column that is not a count."""
    return TAGS.get(column, f"#meta+{column}")


def count_tag(metric: str, column: str) -> str:
    """The tag of one figure of one metric: ``#affected+killed+min`` for killed's low."""
    return f"#affected+{metric}{COUNT_ATTRIBUTES[column]}"


def hxl_frame(reconciled: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The HXL table as text: header names as columns, the hashtag row first."""
    text = csv_ready(reconciled)
    events = events.drop_duplicates("event_id").set_index("event_id")
    headers: list[str] = []
    tags: list[str] = []
    columns: dict[str, pd.Series] = {}

    def add(header: str, tag: str, values) -> None:
        headers.append(header)
        tags.append(tag)
        columns[header] = pd.Series(list(values), index=text.index, dtype=object)

    def event_values(column: str) -> list[str]:
        """The column of each row's event, as text (empty for an event not in events.csv)."""
        values = events[column]
        if column == "date_end":  # DESIGN: date_end defaults to date_start
            values = values.where(values.notna(), events["date_start"])
        return ["" if pd.isna(v) else str(v) for v in values.reindex(text["event_id"])]

    add("event_id", tag_for("event_id"), text["event_id"])
    for source, header, tag in EVENT_COLUMNS:
        add(header, tag, event_values(source))
    counts = [c for c in OUTPUT_COLUMNS if c in COUNT_ATTRIBUTES]
    others = [c for c in OUTPUT_COLUMNS if c not in COUNT_ATTRIBUTES and c != "event_id"]
    key_like = [c for c in others if c in ("metric", "population", "side", "nationality")]
    key_like += [c for c in others if c in ("subgroup", "certainty") and c not in key_like]
    for column in key_like:
        add(column, tag_for(column), text[column])
    present = set(text["metric"])
    for metric in (m for m in vocabulary.METRICS.codes if m in present):
        own = text["metric"] == metric
        for column in counts:
            add(f"{metric}_{column}", count_tag(metric, column), text[column].where(own, ""))
    for column in (c for c in others if c not in key_like):
        add(column, tag_for(column), text[column])
    frame = pd.DataFrame(columns, columns=headers)
    return pd.concat([pd.DataFrame([tags], columns=headers), frame], ignore_index=True)


def write_reconciled_hxl(reconciled: pd.DataFrame, events: pd.DataFrame, path: str | Path) -> Path:
    """Write reconciled.hxl.csv: a header row, the hashtag row, one row per reconciled key."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    hxl_frame(reconciled, events).to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    return path


def _rule(tag: str, description: str, **tests: str) -> dict:
    rule = {"#valid_tag": tag, "#valid_severity": "error", "#description": description}
    rule.update({f"#valid_{key.replace('__', '+')}": value for key, value in tests.items()})
    return rule


def _one_of(tag: str, description: str, values) -> dict:
    """A required column whose values come from a closed list, matched with case."""
    return _rule(
        tag, description, required="true", value__list="|".join(values), value__case="true"
    )


def hxl_schema() -> list[dict]:
    """The libhxl schema casrec ships for reconciled.hxl.csv (stricter than HXL's core schema)."""
    slug = f"^{SLUG_PATTERN}$"
    return [
        _rule(
            "#event+id",
            "every row names its event (an events.csv slug)",
            required="true",
            value__regex=slug,
        ),
        _rule("#date+start", "every row has the event's start date", required="true"),
        _rule(
            "#date",
            "ISO 8601 date at the precision known",
            datatype="date",
            value__regex=f"^{DATE_PATTERN}$",
        ),
        _rule("#country+code", "ISO 3166-1 alpha-3", required="true", value__regex="^[A-Z]{3}$"),
        _rule(
            "#affected",
            "a count of people: a whole number, zero or more",
            datatype="number",
            value__min="0",
            value__regex=r"^\d+$",
        ),
        _one_of("#meta+metric", "a casrec metric", vocabulary.METRICS.codes),
        _one_of("#group+population", "a casrec population", vocabulary.POPULATIONS.codes),
        _one_of("#status", "a reconciliation status", vocabulary.STATUSES.codes),
        _one_of("#meta+policy", "how best was chosen", vocabulary.POLICIES.codes),
        _one_of("#meta+max+open", "true when high is open-ended", ("true", "false")),
        _rule(
            "#indicator+discrepancy",
            "high / low of the considered figures",
            datatype="number",
            value__min="0",
        ),
        _rule("#meta+num", "a count of claims or claimants", datatype="number", value__min="0"),
        _rule("#description+rationale", "the reasons, in words", required="true"),
    ]


def dumps_schema() -> str:
    """The schema as committed: two-space JSON with a final newline."""
    return json.dumps(hxl_schema(), indent=2, ensure_ascii=False) + "\n"


def write_hxl_schema(path: str | Path = HXL_SCHEMA) -> Path:
    """Write ``hxl_schema()`` (the committed copy is ``casrec/schemas/``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_schema(), encoding="utf-8")
    return path
