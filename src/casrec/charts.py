"""Altair charts for the notebooks: discrepancies, claimed intervals, stocks over time.

Charts are built from data already aggregated to one mark per claim or key (Altair embeds
the data; keep it small). ``use_renderer`` picks static SVG for reports (no JavaScript, no
network) or an interactive, fully inlined chart for an analyst in JupyterLab.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from casrec.claims import ROLE_LABELS

RENDERERS = ("svg", "interactive")
ROLE_ORDER = ["independent", "party_own", "party_other", "party_enemy"]
ROLE_COLOURS = ["#1b6ca8", "#b8860b", "#c0392b", "#7f7f7f"]
# Open-ended claims are drawn this far past the largest stated figure, dashed, ending in "+".
OPEN_END_FACTOR = 1.25


def use_renderer(mode: str) -> None:
    """Static SVG (reports) or interactive inline HTML (JupyterLab); both work offline."""
    if mode not in RENDERERS:
        raise ValueError(f"chart renderer {mode!r} is not one of {RENDERERS}")
    if mode == "svg":
        alt.renderers.enable("svg")
    else:
        alt.renderers.enable("html", template="inline")


def _key_label(frame: pd.DataFrame) -> pd.Series:
    label = frame["metric"] + " · " + frame["population"]
    label = label + frame["side"].map(lambda s: f" · side {s}" if pd.notna(s) else "")
    return label + frame["nationality"].map(lambda n: f" · {n}" if pd.notna(n) else "")


def discrepancy_chart(estimates: pd.DataFrame, events: pd.DataFrame, top: int = 40) -> alt.Chart:
    """Horizontal bars: the keys whose claimants disagree most (discrepancy > 1)."""
    titles = events.set_index("event_id")["title"]
    data = estimates[estimates["discrepancy"].fillna(1) > 1].copy()
    data = data.sort_values("discrepancy", ascending=False).head(top)
    data = pd.DataFrame(
        {
            "key": (
                data["event_id"].map(titles).fillna(data["event_id"]) + " — " + _key_label(data)
            ),
            "discrepancy": data["discrepancy"].astype(float),
            "status": data["status"],
            "low": data["low"].astype(float),
            "high": data["high"].astype(float),
        }
    )
    return (
        alt.Chart(data, title="Largest / smallest considered figure, per key")
        .mark_bar()
        .encode(
            x=alt.X("discrepancy:Q", title="discrepancy (ratio)", scale=alt.Scale(zero=False)),
            y=alt.Y("key:N", sort="-x", title=None, axis=alt.Axis(labelLimit=420)),
            color=alt.Color("status:N", title="status"),
            tooltip=["key", "discrepancy", "status", "low", "high"],
        )
        .properties(width=360, height=alt.Step(18))
    )


def interval_frame(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per claim with where its bar starts and ends; open ends run past the others."""
    frame = claims.copy()
    stated = frame["value_high"].fillna(frame["value_low"]).astype(float)
    open_end = max(float(stated.max()) * OPEN_END_FACTOR, float(stated.max()) + 1)
    frame["bar_start"] = frame["value_low"].astype(float)
    frame["bar_end"] = frame["value_high"].astype(float).fillna(open_end)
    frame["open_ended"] = frame["value_high"].isna()
    frame["label"] = frame["claimant"] + " (" + frame["claim_id"] + ")"
    frame["key"] = _key_label(frame)
    frame["role"] = frame["claimant_role"]
    frame["role_label"] = frame["claimant_role"].map(ROLE_LABELS)
    frame["status_in_estimate"] = (
        frame["considered"].map({True: "considered", False: "not in estimate"})
        if "considered" in frame.columns
        else "considered"
    )
    frame["point"] = frame["value_point"].astype(float)
    return frame[
        ["key", "label", "claim_id", "value", "bar_start", "bar_end", "open_ended", "point",
         "role", "role_label", "status_in_estimate"]
    ]  # fmt: skip


def intervals_chart(claims: pd.DataFrame) -> alt.Chart:
    """Each claim's interval as a bar, grouped by key; open-ended claims dashed, ending in '+'.

    One chart with a row per claim (labelled by key, then claimant) rather than a facet per
    key: it reads the same and renders several times faster, which matters on 70+ pages.
    """
    data = interval_frame(claims)
    data["row"] = data["key"] + " — " + data["label"]
    order = data.sort_values(["key", "label"])["row"].tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("row:N", title=None, sort=order, axis=alt.Axis(labelLimit=460)),
        color=alt.Color(
            "role:N", title="claimant role",
            scale=alt.Scale(domain=ROLE_ORDER, range=ROLE_COLOURS),
        ),
        tooltip=["claim_id", "value", "role_label", "status_in_estimate"],
    )  # fmt: skip
    bars = base.mark_rule(strokeWidth=6).encode(
        x=alt.X("bar_start:Q", title="people"),
        x2="bar_end:Q",
        strokeDash=alt.StrokeDash(
            "open_ended:N", title="open-ended",
            scale=alt.Scale(domain=[False, True], range=[[1, 0], [6, 3]]),
        ),
        opacity=alt.Opacity(
            "status_in_estimate:N", title="in the estimate",
            scale=alt.Scale(domain=["considered", "not in estimate"], range=[1.0, 0.35]),
        ),
    )  # fmt: skip
    points = base.mark_point(filled=True, size=60, color="black").encode(x="point:Q")
    plus = (
        base.transform_filter("datum.open_ended")
        .mark_text(align="left", dx=4, fontWeight="bold")
        .encode(x="bar_end:Q", text=alt.value("+"))
    )
    return alt.layer(bars, points, plus).properties(
        width=420,
        height=alt.Step(22),
        title="Claimed intervals per key (dot = point value; dashed = open-ended)",
    )


def stocks_chart(series: pd.DataFrame) -> alt.Chart:
    """Aggregate figures over time by as-of date: a point per claim, its interval as a rule."""
    data = series.copy()
    data["as_of"] = pd.to_datetime(data["as_of_effective"]).dt.strftime("%Y-%m-%d")
    data["low"] = data["value_low"].astype(float)
    data["high"] = data["value_high"].astype(float).fillna(data["value_low"].astype(float))
    data["point"] = data["value_point"].astype(float)
    data["series"] = data["metric"] + " · " + data["population"]
    data = data[["as_of", "low", "high", "point", "series", "claimant", "value", "claim_id"]]
    base = alt.Chart(data).encode(
        x=alt.X("as_of:T", title="as of"),
        color=alt.Color("series:N", title="figure"),
        tooltip=["as_of", "claimant", "value", "claim_id"],
    )
    rules = base.mark_rule(strokeWidth=3).encode(y=alt.Y("low:Q", title="people"), y2="high:Q")
    points = base.mark_point(filled=True, size=70).encode(
        y="point:Q", shape=alt.Shape("claimant:N", title="claimant")
    )
    return alt.layer(rules, points).properties(
        width=520, height=300, title="Stocks and running totals by as-of date"
    )
