"""Altair charts for the notebooks: discrepancies, claimed intervals, stocks over time.

Charts are built from data already aggregated to one mark per claim or key (Altair embeds
the data; keep it small). ``use_renderer`` picks static SVG for reports (no JavaScript, no
network) or an interactive, fully inlined chart for an analyst in JupyterLab.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from casrec.claims import ROLE_LABELS
from casrec.vocabulary import CLAIMANT_ROLES, STATUSES

RENDERERS = ("svg", "interactive")
ROLE_ORDER = list(CLAIMANT_ROLES.codes)
ROLE_COLOURS = [CLAIMANT_ROLES.colours[code] for code in ROLE_ORDER]
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
    label = label + frame["nationality"].map(lambda n: f" · {n}" if pd.notna(n) else "")
    if "subgroup" not in frame.columns:
        return label
    return label + frame["subgroup"].map(lambda g: f" · {g}" if pd.notna(g) else "")


STATUS_ORDER = list(STATUSES.codes)
# the same colours as the status words in the tables (views.STYLE; a test keeps them equal)
STATUS_COLOURS = [STATUSES.colours[code] for code in STATUS_ORDER]
# Charts are narrow enough to read on a phone: each row's label sits above its bar rather
# than in an axis column to its left, and legends go underneath.
CHART_WIDTH = 440
LABEL_FONT_SIZE = 11
ROW_STEP = 36


def _labelled_rows(base: alt.Chart, field: str) -> alt.Chart:
    """The row label written above each bar, from the left edge, cut to the chart width."""
    return base.mark_text(
        align="left",
        baseline="middle",
        dy=-9,
        fontSize=LABEL_FONT_SIZE,
        limit=CHART_WIDTH,
        color="#333333",
    ).encode(x=alt.value(0), text=f"{field}:N")


def _finish(
    chart: alt.LayerChart, title: str, rows: int, legend_direction: str = "horizontal"
) -> alt.LayerChart:
    return (
        chart.properties(width=CHART_WIDTH, height=max(rows, 1) * ROW_STEP, title=title)
        .configure_legend(orient="bottom", direction=legend_direction)
        .configure_title(anchor="start", fontSize=13)
        .configure_view(stroke=None)
    )


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
            "status": data["status"].map(STATUSES.label),
            "low": data["low"].astype(float),
            "high": data["high"].astype(float),
        }
    )
    y = alt.Y("key:N", sort=data["key"].tolist(), title=None, axis=None)
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(height=8, yOffset=5).encode(
        x=alt.X("discrepancy:Q", title="largest ÷ smallest considered figure"),
        color=alt.Color(
            "status:N",
            title="status",
            scale=alt.Scale(domain=[STATUSES.label(s) for s in STATUS_ORDER], range=STATUS_COLOURS),
        ),
        tooltip=["key", "discrepancy", "status", "low", "high"],
    )
    values = base.mark_text(align="left", dx=4, yOffset=5, fontSize=LABEL_FONT_SIZE).encode(
        x="discrepancy:Q", text=alt.Text("discrepancy:Q", format=".2f")
    )
    labels = _labelled_rows(base, "key")
    return _finish(
        alt.layer(bars, values, labels),
        "Largest ÷ smallest considered figure, per key",
        len(data),
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
    from casrec.views import key_order

    data = interval_frame(claims)
    data["row"] = data["key"] + " — " + data["label"]
    data["end"] = data["open_ended"].map({True: "open-ended (+)", False: "as stated"})
    order = data.loc[key_order(claims).index, "row"].tolist()
    y = alt.Y("row:N", title=None, sort=order, axis=None)
    base = alt.Chart(data).encode(
        y=y,
        color=alt.Color(
            "role:N", title="claimant role",
            scale=alt.Scale(domain=ROLE_ORDER, range=ROLE_COLOURS),
        ),
        tooltip=["claim_id", "value", "role_label", "status_in_estimate"],
    )  # fmt: skip
    bars = base.mark_rule(strokeWidth=6, yOffset=5).encode(
        x=alt.X("bar_start:Q", title="people"),
        x2="bar_end:Q",
        strokeDash=alt.StrokeDash(
            "end:N", title="figure",
            scale=alt.Scale(domain=["as stated", "open-ended (+)"], range=[[1, 0], [4, 3]]),
        ),
        opacity=alt.Opacity(
            "status_in_estimate:N", title="in the estimate",
            scale=alt.Scale(domain=["considered", "not in estimate"], range=[1.0, 0.35]),
        ),
    )  # fmt: skip
    points = base.mark_point(filled=True, size=50, color="black", yOffset=5).encode(x="point:Q")
    plus = (
        base.transform_filter("datum.open_ended")
        .mark_text(align="left", dx=4, yOffset=5, fontWeight="bold", fontSize=13)
        .encode(x="bar_end:Q", text=alt.value("+"))
    )
    labels = _labelled_rows(alt.Chart(data).encode(y=y), "row")
    return _finish(
        alt.layer(bars, points, plus, labels),
        "Claimed intervals (dot = point value; dashed = open-ended)",
        len(data),
        legend_direction="vertical",
    )


def stocks_chart(series: pd.DataFrame) -> alt.Chart:
    """Aggregate figures over time by as-of date: a point per claim, its interval as a rule."""
    if series.empty:
        # an empty chart reads as "zero"; say plainly that there is nothing to draw
        message = pd.DataFrame({"text": ["No stock figures for this event."]})
        return alt.Chart(message).mark_text(size=14, align="left").encode(text="text:N")
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
    rules = base.mark_rule(strokeWidth=3).encode(
        y=alt.Y("low:Q", title="people", axis=alt.Axis(format=",.0f")), y2="high:Q"
    )
    points = base.mark_point(filled=True, size=70).encode(
        y="point:Q", shape=alt.Shape("claimant:N", title="claimant")
    )
    return (
        alt.layer(rules, points)
        .properties(width=CHART_WIDTH, height=280, title="Stocks and running totals by as-of date")
        .configure_legend(orient="bottom", direction="vertical", columns=2)
        .configure_title(anchor="start", fontSize=13)
    )
