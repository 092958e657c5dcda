"""Claims prepared for reconciliation: parsed values, source facts and effective as-of dates.

Every reported column stays as written; what casrec derives (intervals, the source's
publisher and date, the date a figure refers to) sits beside it in new columns.
"""

from __future__ import annotations

import pandas as pd

from casrec.quantities import DEFAULT_RULES, QuantityRules, lexicon_mapping, parse_values
from casrec.schema import Dataset, event_ancestors
from casrec.vocabulary import CLAIMANT_ROLES, DEFAULT_CERTAINTY

# Who is counted: a subgroup ("children") is its own key, checked against its whole as a subset.
KEY_COLUMNS = ["event_id", "metric", "population", "side", "nationality", "subgroup"]

ROLE_LABELS = CLAIMANT_ROLES.labels


def prepare_claims(dataset: Dataset, rules: QuantityRules = DEFAULT_RULES) -> pd.DataFrame:
    """Claims with parsed intervals, source publisher/date/type and effective as-of dates."""
    claims = dataset.claims.copy()
    parsed = parse_values(claims, lexicon_mapping(dataset.lexicon), rules)
    claims = pd.concat([claims, parsed], axis=1)
    sources = dataset.sources.set_index("source_id")
    claims["source_publisher"] = claims["source_id"].map(sources["publisher"])
    claims["source_published"] = claims["source_id"].map(sources["published"])
    claims["source_published_latest"] = claims["source_id"].map(sources["published_latest"])
    claims["source_type"] = claims["source_id"].map(sources["source_type"])
    events = dataset.events.set_index("event_id")
    claims["event_kind"] = claims["event_id"].map(events["kind"])
    claims["event_parent"] = claims["event_id"].map(events["parent_event"])
    chains, _ = event_ancestors(dataset.events)
    claims["event_ancestors"] = claims["event_id"].map(
        lambda e: ";".join(chains.get(e, [])) or pd.NA
    )
    claims["source_published_earliest"] = claims["source_id"].map(sources["published_earliest"])
    # the first day of the incident's end: a figure referring to an earlier date is a count
    # so far (reconcile.consider)
    claims["event_end_first_day"] = claims["event_id"].map(
        events["date_end_earliest"].fillna(events["date_start_earliest"])
    )
    # how sure the claimant is: the certainty column, else what the wording says, else reported
    stated = claims["certainty"] if "certainty" in claims.columns else None
    worded = claims["value_certainty"] if "value_certainty" in claims.columns else None
    certainty = pd.Series(DEFAULT_CERTAINTY, index=claims.index, dtype="str")
    for source in (worded, stated):  # the column wins over the wording
        if source is not None:
            # an empty cell in a frame built in code is missing, as the loader reads it
            given = source.notna() & (source.astype("str").str.strip() != "")
            certainty = source.astype("str").where(given, certainty)
    claims["certainty_effective"] = certainty
    claims[AS_OF_LAST_DAY] = effective_as_of(claims, dataset.events)
    claims[AS_OF_FIRST_DAY] = effective_as_of(claims, dataset.events, "earliest")
    return claims


AS_OF_FIRST_DAY = "as_of_effective_earliest"
AS_OF_LAST_DAY = "as_of_effective"


def as_of_period(claims: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The first and last day of the period each prepared claim's figure refers to.

    The one definition that reconciliation (which figures of a changing total are current)
    and the consistency checks (which stocks are close enough in time to compare) share: a
    figure "as of 2020", or from a source dated 2020 with no as_of, refers to all of 2020.
    """
    return claims[AS_OF_FIRST_DAY], claims[AS_OF_LAST_DAY]


def effective_as_of(claims: pd.DataFrame, events: pd.DataFrame, bound: str = "latest") -> pd.Series:
    """The date a figure refers to: its as_of, else the event's end (incidents) or publication.

    Aggregates without an as_of are taken to be current when published: a running total in
    a December 2024 article counts up to December 2024, not to the conflict's start. Dates
    keep their precision, so "2025" spans a year: ``bound`` picks its first or last day.
    """
    indexed = events.set_index("event_id")
    event_end = claims["event_id"].map(
        indexed[f"date_end_{bound}"].fillna(indexed[f"date_start_{bound}"])
    )
    kind = claims["event_id"].map(indexed["kind"])
    fallback = event_end.where(kind == "incident", claims[f"source_published_{bound}"])
    if f"as_of_{bound}" in claims.columns:
        return claims[f"as_of_{bound}"].fillna(fallback)
    return fallback
