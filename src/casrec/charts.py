"""Altair charts for the notebooks: discrepancies, claimed intervals, stocks over time.

Charts are built from data already aggregated to one mark per claim or key (Altair embeds
the data; keep it small). ``use_renderer`` picks static SVG for reports (no JavaScript, no
network) or an interactive, fully inlined chart for an analyst in JupyterLab.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from casrec.vocabulary import CLAIMANT_ROLES, STATUSES

RENDERERS = ("svg", "interactive")
_mode = {"renderer": "svg"}
ROLE_ORDER = list(CLAIMANT_ROLES.codes)
ROLE_COLOURS = [CLAIMANT_ROLES.colours[code] for code in ROLE_ORDER]
# Open-ended claims are drawn this far past the largest stated figure, dashed, ending in "+".
OPEN_END_FACTOR = 1.25


def use_renderer(mode: str) -> None:
    """Static SVG (reports) or interactive inline HTML (JupyterLab); both work offline."""
    if mode not in RENDERERS:
        raise ValueError(f"chart renderer {mode!r} is not one of {RENDERERS}")
    _mode["renderer"] = mode
    if mode == "svg":
        alt.renderers.enable("svg")
    else:
        alt.renderers.enable("html", template="inline")


class Figure:
    """A chart with its text alternative (the figures it draws, in words).

    In a report (svg renderer) it displays as HTML: a static SVG image whose ``alt`` is the
    text alternative, a caption, and the figures as a list a reader can search and a screen
    reader can read. In JupyterLab (interactive renderer) it displays as the Altair chart.
    """

    def __init__(self, chart: alt.TopLevelMixin, caption: str, figures: list[str]):
        self.chart = chart
        self.caption = caption
        self.figures = figures

    def __repr__(self) -> str:
        # the plain-text output of a notebook cell: deterministic (no memory address), so a
        # page rendered in a warm kernel equals a cold one and unchanged pages stay unchanged
        return f"<chart: {self.caption}>"

    @property
    def alt_text(self) -> str:
        """The caption and every figure, as one text for a screen reader."""
        return (
            self.caption + ". " + " ".join(f if f.endswith(".") else f + "." for f in self.figures)
        )

    def svg(self) -> str:
        """The chart as SVG markup (vl-convert, no network)."""
        import vl_convert

        return vl_convert.vegalite_to_svg(self.chart.to_dict())

    def _repr_html_(self) -> str:
        from casrec.views import chart_figure

        return str(chart_figure(self.svg(), self.alt_text, self.caption, self.figures))

    def _repr_mimebundle_(self, include=None, exclude=None):
        if _mode["renderer"] == "svg":
            return {"text/html": self._repr_html_()}
        return self.chart._repr_mimebundle_(include, exclude)


def _key_label(frame: pd.DataFrame, actors=None) -> pd.Series:
    from casrec.views import key_label

    return pd.Series(
        [key_label(row, actors) for _, row in frame.iterrows()], index=frame.index, dtype=object
    )


STATUS_ORDER = list(STATUSES.codes)
# the same colours as the status words in the tables (views.STYLE; a test keeps them equal)
STATUS_COLOURS = [STATUSES.colours[code] for code in STATUS_ORDER]
# Charts are narrow enough to read on a phone: each row's label sits above its bar rather
# than in an axis column to its left, and legends go underneath.
# 340 px is drawn at its own size on a 390 px phone, so 12 px labels stay 12 px.
CHART_WIDTH = 340
LABEL_FONT_SIZE = 12
ROW_STEP = 36


def _labelled_rows(base: alt.Chart, field: str) -> alt.Chart:
    """The row label written above each bar, from the left edge, cut to the chart width."""
    return base.mark_text(
        align="left",
        baseline="middle",
        dy=-10,
        fontSize=LABEL_FONT_SIZE,
        limit=CHART_WIDTH,
        color="#333333",
    ).encode(x=alt.value(0), text=f"{field}:N")


def _configure(chart, legend_direction: str = "vertical", columns: int = 1):
    return (
        chart.configure_legend(
            orient="bottom",
            direction=legend_direction,
            columns=columns,
            labelFontSize=LABEL_FONT_SIZE,
            titleFontSize=LABEL_FONT_SIZE,
            labelLimit=CHART_WIDTH,
        )
        .configure_axis(labelFontSize=LABEL_FONT_SIZE, titleFontSize=LABEL_FONT_SIZE)
        .configure_title(anchor="start", fontSize=14)
        .configure_view(stroke=None)
    )


def _finish(chart: alt.LayerChart, title: str, rows: int) -> alt.LayerChart:
    return _configure(
        chart.properties(width=CHART_WIDTH, height=max(rows, 1) * ROW_STEP, title=title)
    )


def _status_scale() -> alt.Scale:
    return alt.Scale(domain=[STATUSES.label(s) for s in STATUS_ORDER], range=STATUS_COLOURS)


def discrepancy_chart(
    estimates: pd.DataFrame, events: pd.DataFrame, top: int = 40, actors=None
) -> Figure:
    """Horizontal bars: the keys whose claimants disagree most (discrepancy > 1)."""
    titles = events.set_index("event_id")["title"]
    data = estimates[estimates["discrepancy"].fillna(1) > 1].copy()
    data = data.sort_values("discrepancy", ascending=False).head(top)
    data = pd.DataFrame(
        {
            "key": (
                data["event_id"].map(titles).fillna(data["event_id"])
                + " — "
                + _key_label(data, actors)
            ),
            "discrepancy": data["discrepancy"].astype(float),
            "status": data["status"].map(STATUSES.label),
            "low": data["low"].astype(float),
            "high": data["high"].astype(float),
        }
    )
    y = alt.Y("key:N", sort=data["key"].tolist(), title=None, axis=None)
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(height=8, yOffset=6).encode(
        x=alt.X("discrepancy:Q", title="largest ÷ smallest considered figure"),
        color=alt.Color("status:N", title="status", scale=_status_scale()),
        tooltip=["key", "discrepancy", "status", "low", "high"],
    )
    values = base.mark_text(align="left", dx=4, yOffset=6, fontSize=LABEL_FONT_SIZE).encode(
        x="discrepancy:Q", text=alt.Text("discrepancy:Q", format=".2f")
    )
    labels = _labelled_rows(base, "key")
    caption = "Where sources disagree most: largest ÷ smallest considered figure, per estimate"
    figures = [f"{r.key}: {r.discrepancy:.2f} ({r.status})" for r in data.itertuples(index=False)]
    # A contest with no ratio (a claimant says none died, another states a floor) has no bar,
    # but the reviewer must not read that nobody disagrees.
    unmeasured = estimates[estimates["discrepancy"].isna() & (estimates["status"] == "contested")]
    figures += [
        f"{title} — {label}: no bar, the ratio is undefined (a figure of 0 against a floor "
        f"above it; {STATUSES.label('contested')})"
        for title, label in zip(
            unmeasured["event_id"].map(titles).fillna(unmeasured["event_id"]),
            _key_label(unmeasured, actors),
            strict=True,
        )
    ]
    figures = figures or ["No estimate has claimants that disagree."]
    chart = _finish(alt.layer(bars, values, labels), "Largest ÷ smallest figure", len(data))
    return Figure(chart, caption, figures)


def interval_frame(claims: pd.DataFrame, actors=None) -> pd.DataFrame:
    """One row per claim with where its bar starts and ends; open ends run past the others."""
    frame = claims.copy()
    stated = frame["value_high"].fillna(frame["value_low"]).astype(float)
    open_end = max(float(stated.max()) * OPEN_END_FACTOR, float(stated.max()) + 1)
    frame["bar_start"] = frame["value_low"].astype(float)
    frame["bar_end"] = frame["value_high"].astype(float).fillna(open_end)
    frame["open_ended"] = frame["value_high"].isna()
    frame["label"] = frame["claimant"] + ": " + frame["value"]
    frame["key"] = _key_label(frame, actors)
    frame["role"] = frame["claimant_role"].map(CLAIMANT_ROLES.label)
    frame["status_in_estimate"] = (
        frame["considered"].map({True: "considered", False: "not in estimate"})
        if "considered" in frame.columns
        else "considered"
    )
    frame["point"] = frame["value_point"].astype(float)
    return frame[
        ["key", "label", "claim_id", "value", "bar_start", "bar_end", "open_ended", "point",
         "role", "status_in_estimate"]
    ]  # fmt: skip


def intervals_chart(claims: pd.DataFrame, estimates: pd.DataFrame | None = None, actors=None):
    """Per key: the estimate (low–high band and best, coloured by status) above its claims.

    Each claim is a line from its low to its high, coloured by claimant role; an open-ended
    claim ("at least 34") fades out and ends in an arrow instead of stopping at a bound.
    One chart with a row per estimate and claim rather than a facet per key: it reads the
    same and renders several times faster, which matters on 70+ pages.
    """
    from casrec.views import key_order

    ordered = key_order(claims)
    data = interval_frame(ordered, actors)
    rows, figures = [], []
    keys = list(dict.fromkeys(data["key"]))
    est = pd.DataFrame()
    if estimates is not None and not estimates.empty:
        est = estimates.assign(key=_key_label(estimates, actors).to_numpy()).set_index("key")
    top = float(data["bar_end"].max()) if not data.empty else 1.0
    for key in keys:
        if key in est.index:
            e = est.loc[key]
            e = e.iloc[0] if isinstance(e, pd.DataFrame) else e
            high = float(e["high"]) if pd.notna(e["high"]) else float(e["low"])
            rows.append(
                {
                    "row": f"{key} — estimate",
                    "kind": "estimate",
                    "start": float(e["low"]),
                    "end": top if e["high_open"] else high,
                    "open": bool(e["high_open"]),
                    "best": float(e["best"]) if pd.notna(e["best"]) else None,
                    "status": STATUSES.label(e["status"]),
                    "role": None,
                    "considered": True,
                    "text": "estimate " + _interval(e["low"], e["high"], e["high_open"]),
                }
            )
            best = f", best {_figure(e['best'])}" if pd.notna(e["best"]) else ", no best figure"
            figures.append(f"{key}: {rows[-1]['text']}{best} ({STATUSES.label(e['status'])})")
        for _, c in data[data["key"] == key].iterrows():
            rows.append(
                {"row": f"{key} — {c['label']}", "kind": "claim", "start": c["bar_start"],
                 "end": c["bar_end"], "open": bool(c["open_ended"]), "best": None,
                 "status": None, "role": c["role"],
                 "considered": c["status_in_estimate"] == "considered", "text": c["label"]}
            )  # fmt: skip
            figures.append(
                f"{key}: {c['label']}"
                + ("" if c["status_in_estimate"] == "considered" else " (not in the estimate)")
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        message = pd.DataFrame({"text": ["No claims to draw."]})
        return Figure(
            alt.Chart(message).mark_text(size=14, align="left").encode(text="text:N"),
            "Claimed intervals",
            ["No claims."],
        )
    # an open end fades over the last fifth of its line and ends in an arrow head
    frame["fade_start"] = frame["start"] + (frame["end"] - frame["start"]) * 0.8
    frame["solid_end"] = frame["end"].where(~frame["open"], frame["fade_start"])
    order = frame["row"].tolist()
    y = alt.Y("row:N", title=None, sort=order, axis=None)
    base = alt.Chart(frame).encode(y=y)
    x = alt.X("start:Q", title="people", scale=alt.Scale(domainMin=0))
    status = alt.Color("status:N", title="estimate", scale=_status_scale())
    band = (
        base.transform_filter("datum.kind == 'estimate'")
        .mark_bar(height=12, yOffset=6, opacity=0.45)
        .encode(x=x, x2="solid_end:Q", color=status)
    )
    roles = alt.Scale(domain=[CLAIMANT_ROLES.label(r) for r in ROLE_ORDER], range=ROLE_COLOURS)
    faded = alt.Scale(domain=[True, False], range=[1.0, 0.4])
    claims_line = (
        base.transform_filter("datum.kind == 'claim'")
        .mark_rule(strokeWidth=5, yOffset=6)
        .encode(
            x=x, x2="solid_end:Q",
            stroke=alt.Stroke("role:N", title="claimant", scale=roles),
            opacity=alt.Opacity("considered:N", legend=None, scale=faded),
        )
    )  # fmt: skip
    # a claim of one figure ("25") is a line of no length: it is drawn as a dot instead
    points = (
        base.transform_filter("datum.kind == 'claim' && !datum.open && datum.start == datum.end")
        .mark_point(shape="circle", filled=True, size=80, yOffset=6)
        .encode(
            x=x,
            fill=alt.Fill("role:N", scale=roles, legend=None),
            opacity=alt.Opacity("considered:N", legend=None, scale=faded),
        )
    )
    fades = []
    for step in range(4):  # the faded tail, in four steps of falling opacity
        a, b = 0.8 + step * 0.05, 0.85 + step * 0.05
        fades.append(
            base.transform_filter("datum.open")
            .transform_calculate(
                f0=f"datum.start + (datum.end - datum.start) * {a}",
                f1=f"datum.start + (datum.end - datum.start) * {b}",
            )
            .mark_rule(strokeWidth=5, yOffset=6, opacity=0.8 - step * 0.2)
            .encode(x="f0:Q", x2="f1:Q", color=alt.value("#777777"))
        )
    arrows = (
        base.transform_filter("datum.open")
        .mark_point(shape="triangle-right", filled=True, size=70, yOffset=6, color="#555555")
        .encode(x="end:Q")
    )
    best = (
        base.transform_filter("datum.best != null")
        .mark_tick(thickness=3, size=18, yOffset=6, color="#111111")
        .encode(x="best:Q")
    )
    labels = _labelled_rows(base, "row")
    caption = (
        "The estimate (band, best as a tick) and each claim (a line, or a dot for a single"
        " figure); an arrow means open-ended"
    )
    chart = _finish(
        alt.layer(band, claims_line, points, *fades, arrows, best, labels),
        "Estimate and claims",
        len(frame),
    )
    return Figure(chart, caption, figures)


def _figure(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def _interval(low: object, high: object, high_open: object) -> str:
    from casrec.quantities import format_interval

    return format_interval(low, high, high_open)


def stocks_chart(series: pd.DataFrame) -> Figure:
    """Aggregate figures over time by as-of date: a point per claim, its interval as a rule."""
    if series.empty:
        # an empty chart reads as "zero"; say plainly that there is nothing to draw
        message = pd.DataFrame({"text": ["No stock figures for this event."]})
        chart = alt.Chart(message).mark_text(size=14, align="left").encode(text="text:N")
        return Figure(chart, "Stocks by as-of date", ["No stock figures for this event."])
    data = series.copy()
    data["as_of"] = pd.to_datetime(data["as_of_effective"]).dt.strftime("%Y-%m-%d")
    data["low"] = data["value_low"].astype(float)
    data["high"] = data["value_high"].astype(float).fillna(data["value_low"].astype(float))
    data["point"] = data["value_point"].astype(float)
    data["series"] = _key_label(data)
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
    chart = _configure(
        alt.layer(rules, points).properties(
            width=CHART_WIDTH, height=260, title="Stocks and running totals by as-of date"
        ),
        columns=1,
    )
    figures = [
        f"{r.as_of}: {r.series}, {r.claimant}: {r.value}" for r in data.itertuples(index=False)
    ]
    return Figure(chart, "Stocks and running totals by the date each figure refers to", figures)
