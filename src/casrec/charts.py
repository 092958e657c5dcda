"""Charts for the notebooks: discrepancies, claimed intervals, stocks over time.

Each chart is a Vega-Lite specification written as plain data, one mark per claim or key
(the data is embedded; keep it small). Building it through Altair's classes validated every
encoding against the schema on every page, which cost more than drawing it; the tests validate
each chart against the schema instead. ``use_renderer`` picks static SVG for reports (no
JavaScript, no network) or an interactive, fully inlined chart for an analyst in JupyterLab.
"""

from __future__ import annotations

import functools
import json
import math
import os
import uuid
import warnings
from pathlib import Path

import pandas as pd
from markupsafe import Markup

from casrec.vocabulary import CLAIMANT_ROLES, STATUSES

RENDERERS = ("svg", "interactive")
_mode = {"renderer": "svg"}
ROLE_ORDER = list(CLAIMANT_ROLES.codes)
ROLE_COLOURS = [CLAIMANT_ROLES.colours[code] for code in ROLE_ORDER]
# Open-ended claims are drawn this far past the largest stated figure, dashed, ending in "+".
OPEN_END_FACTOR = 1.25
# The Vega-Lite version of the specifications: the one vl-convert draws (static SVG) and
# bundles (the interactive script), and Altair's schema the tests validate them against.
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"


def use_renderer(mode: str) -> None:
    """Static SVG (reports) or interactive inline HTML (JupyterLab); both work offline."""
    if mode not in RENDERERS:
        raise ValueError(f"chart renderer {mode!r} is not one of {RENDERERS}")
    _mode["renderer"] = mode


class Figure:
    """A chart with its text alternative (the figures it draws, in words).

    In a report (svg renderer) it displays as HTML: a static SVG image whose ``alt`` is the
    text alternative, a caption, and the figures as a list a reader can search and a screen
    reader can read. In JupyterLab (interactive renderer) it displays as an interactive chart.
    ``spec`` is the Vega-Lite specification, data included.
    """

    def __init__(self, spec: dict, caption: str, figures: list[str]):
        self.spec = spec
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
        """The chart as SVG markup (vl-convert, no network), drawn once per specification."""
        return _svg_of(json.dumps(self.spec, sort_keys=True, ensure_ascii=False))

    def _repr_html_(self) -> str:
        from casrec.views import chart_figure

        return str(chart_figure(self.svg(), self.alt_text, self.caption, self.figures))

    def _repr_mimebundle_(self, include=None, exclude=None):
        if _mode["renderer"] == "svg":
            return {"text/html": self._repr_html_()}
        return {"text/html": self.interactive_html()}

    def interactive_html(self) -> str:
        """The analyst's chart: vega-embed and the specification inlined, nothing fetched."""
        from casrec.views import render

        script = Markup(vega_embed_script())  # vl-convert's own bundle, not data
        div_id = f"casrec-chart-{uuid.uuid4().hex}"
        return str(render("interactive_chart.html.j2", div_id=div_id, script=script,
                          spec=self.spec))  # fmt: skip


# The interactive renderer's script: vega-embed with Vega and Vega-Lite, bundled by vl-convert
# for offline use. Bundling costs about 3 s of CPU in each new kernel, so the script is kept in
# the user's cache folder, one file per vl-convert and Vega-Lite version, for later kernels.
SCRIPT_CACHE_APP = "casrec"


def vega_lite_version() -> str:
    """The minor Vega-Lite version of the specifications ("6.4"), as vl-convert names it."""
    return ".".join(VEGA_LITE_SCHEMA.rsplit("/v", 1)[1].split(".")[:2])


def script_cache_path() -> Path:
    """Where the bundled script of this vl-convert and Vega-Lite version is kept."""
    import platformdirs
    import vl_convert

    name = f"vega-embed-vl{vega_lite_version()}-vl-convert{vl_convert.__version__}.js"
    return Path(platformdirs.user_cache_dir(SCRIPT_CACHE_APP)) / name


@functools.cache
def vega_embed_script() -> str:
    """The bundled script: read from the cache folder, or bundled and kept there."""
    import vl_convert

    path = script_cache_path()
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        pass  # the first kernel of this version: bundle it below
    except (OSError, UnicodeDecodeError) as error:
        warnings.warn(f"cannot read the kept chart script {path} ({error}); bundling it again",
                      stacklevel=2)  # fmt: skip
    script = vl_convert.javascript_bundle(vl_version=vega_lite_version())
    temporary = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:  # written whole, then renamed: a kernel starting meanwhile reads all of it or nothing
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(script, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        if temporary.exists():
            temporary.unlink()
        warnings.warn(f"cannot keep the chart script in {path} ({error}); each new kernel "
                      "bundles it again (about 3 s)", stacklevel=2)  # fmt: skip
    return script


# Charts drawn in this process, by specification. A warm kernel draws the same charts again
# in every run over unchanged data (a backfill loop renders each date's pages from the same
# claims); drawing one is most of an event page's time. Each SVG is tens of kilobytes.
SVG_MEMO_SIZE = 256


@functools.lru_cache(maxsize=SVG_MEMO_SIZE)
def _svg_of(spec_json: str) -> str:
    """The SVG of one Vega-Lite specification (given as JSON text, so that it can be a key)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(spec_json))


# --- Vega-Lite, written as data -----------------------------------------------------------
# Types as Vega-Lite names them; the encodings below are what Altair's shorthand ("row:N")
# expanded to, so the pages draw as they did.
NOMINAL, QUANTITATIVE, TEMPORAL = "nominal", "quantitative", "temporal"


def _field(name: str, kind: str | None = None, **properties) -> dict:
    """One encoding channel bound to a data field."""
    return {"field": name, **({"type": kind} if kind else {}), **properties}


def _layer(mark: dict, encoding: dict, *transform: dict) -> dict:
    """One layer: a mark, its encoding, and the filters and calculations before it."""
    return {
        "mark": mark,
        "encoding": encoding,
        **({"transform": list(transform)} if transform else {}),
    }


def _values(frame: pd.DataFrame) -> list[dict]:
    """The rows as JSON-ready records: missing values as null, numbers as Python numbers."""
    records = frame.to_dict("records")
    for record in records:
        for name, value in record.items():
            if value is None:
                continue
            if isinstance(value, float) and math.isnan(value):
                record[name] = None
            elif hasattr(value, "item"):  # a NumPy scalar
                record[name] = value.item()
    return records


# Vega-Lite's default view size, which Altair wrote into every chart's config
_VIEW = {"continuousWidth": 300, "continuousHeight": 300}


def _chart(frame: pd.DataFrame, config: dict | None = None, **spec) -> dict:
    """A top-level specification over ``frame``'s rows."""
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "config": config or {"view": _VIEW},
        "data": {"values": _values(frame)},
        **spec,
    }


def _message(text: str) -> dict:
    """A chart that says, in words, that there is nothing to draw."""
    return _chart(
        pd.DataFrame({"text": [text]}),
        mark={"type": "text", "size": 14, "align": "left"},
        encoding={"text": _field("text", NOMINAL)},
    )


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


def _labelled_rows(y: dict, field: str) -> dict:
    """The row label written above each bar, from the left edge, cut to the chart width."""
    mark = {"type": "text", "align": "left", "baseline": "middle", "dy": -10,
            "fontSize": LABEL_FONT_SIZE, "limit": CHART_WIDTH, "color": "#333333"}  # fmt: skip
    return _layer(mark, {"x": {"value": 0}, "text": _field(field, NOMINAL), "y": y})


def _configured(frame: pd.DataFrame, layers: list[dict], title: str, height: int) -> dict:
    """Layers over ``frame`` at the chart width: legends underneath, phone-sized type."""
    config = {
        "view": {**_VIEW, "stroke": None},
        "legend": {"orient": "bottom", "direction": "vertical", "columns": 1,
                   "labelFontSize": LABEL_FONT_SIZE, "titleFontSize": LABEL_FONT_SIZE,
                   "labelLimit": CHART_WIDTH},
        "axis": {"labelFontSize": LABEL_FONT_SIZE, "titleFontSize": LABEL_FONT_SIZE},
        "title": {"anchor": "start", "fontSize": 14},
    }  # fmt: skip
    return _chart(frame, config, layer=layers, width=CHART_WIDTH, height=height, title=title)


def _rows_chart(frame: pd.DataFrame, layers: list[dict], title: str, rows: int) -> dict:
    """A chart of one row per bar (``ROW_STEP`` pixels each)."""
    return _configured(frame, layers, title, max(rows, 1) * ROW_STEP)


def _status_scale() -> dict:
    return {"domain": [STATUSES.label(s) for s in STATUS_ORDER], "range": STATUS_COLOURS}


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
    y = _field("key", NOMINAL, sort=data["key"].tolist(), title=None, axis=None)
    bars = _layer(
        {"type": "bar", "height": 8, "yOffset": 6},
        {
            "x": _field("discrepancy", QUANTITATIVE, title="largest ÷ smallest considered figure"),
            "color": _field("status", NOMINAL, title="status", scale=_status_scale()),
            "tooltip": [_field("key", NOMINAL), _field("discrepancy", QUANTITATIVE),
                        _field("status", NOMINAL), _field("low", QUANTITATIVE),
                        _field("high", QUANTITATIVE)],
            "y": y,
        },
    )  # fmt: skip
    values = _layer(
        {"type": "text", "align": "left", "dx": 4, "yOffset": 6, "fontSize": LABEL_FONT_SIZE},
        {"x": _field("discrepancy", QUANTITATIVE),
         "text": _field("discrepancy", QUANTITATIVE, format=".2f"), "y": y},
    )  # fmt: skip
    labels = _labelled_rows(y, "key")
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
    spec = _rows_chart(data, [bars, values, labels], "Largest ÷ smallest figure", len(data))
    return Figure(spec, caption, figures)


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
        return Figure(_message("No claims to draw."), "Claimed intervals", ["No claims."])
    # an open end fades over the last fifth of its line and ends in an arrow head
    frame["fade_start"] = frame["start"] + (frame["end"] - frame["start"]) * 0.8
    frame["solid_end"] = frame["end"].where(~frame["open"], frame["fade_start"])
    order = frame["row"].tolist()
    y = _field("row", NOMINAL, title=None, sort=order, axis=None)
    x = _field("start", QUANTITATIVE, title="people", scale={"domainMin": 0})
    band = _layer(
        {"type": "bar", "height": 12, "yOffset": 6, "opacity": 0.45},
        {"x": x, "x2": _field("solid_end"), "y": y,
         "color": _field("status", NOMINAL, title="estimate", scale=_status_scale())},
        {"filter": "datum.kind == 'estimate'"},
    )  # fmt: skip
    roles = {"domain": [CLAIMANT_ROLES.label(r) for r in ROLE_ORDER], "range": ROLE_COLOURS}
    faded = _field("considered", NOMINAL, legend=None, scale={"domain": [True, False],
                                                             "range": [1.0, 0.4]})  # fmt: skip
    claims_line = _layer(
        {"type": "rule", "strokeWidth": 5, "yOffset": 6},
        {"x": x, "x2": _field("solid_end"), "y": y, "opacity": faded,
         "stroke": _field("role", NOMINAL, title="claimant", scale=roles)},
        {"filter": "datum.kind == 'claim'"},
    )  # fmt: skip
    # a claim of one figure ("25") is a line of no length: it is drawn as a dot instead
    points = _layer(
        {"type": "point", "shape": "circle", "filled": True, "size": 80, "yOffset": 6},
        {"x": x, "y": y, "opacity": faded,
         "fill": _field("role", NOMINAL, scale=roles, legend=None)},
        {"filter": "datum.kind == 'claim' && !datum.open && datum.start == datum.end"},
    )  # fmt: skip
    fades = []
    for step in range(4):  # the faded tail, in four steps of falling opacity
        a, b = 0.8 + step * 0.05, 0.85 + step * 0.05
        fades.append(
            _layer(
                {"type": "rule", "strokeWidth": 5, "yOffset": 6, "opacity": 0.8 - step * 0.2},
                {"x": _field("f0", QUANTITATIVE), "x2": _field("f1"), "y": y,
                 "color": {"value": "#777777"}},
                {"filter": "datum.open"},
                {"calculate": f"datum.start + (datum.end - datum.start) * {a}", "as": "f0"},
                {"calculate": f"datum.start + (datum.end - datum.start) * {b}", "as": "f1"},
            )
        )  # fmt: skip
    arrows = _layer(
        {"type": "point", "shape": "triangle-right", "filled": True, "size": 70, "yOffset": 6,
         "color": "#555555"},
        {"x": _field("end", QUANTITATIVE), "y": y},
        {"filter": "datum.open"},
    )  # fmt: skip
    best = _layer(
        {"type": "tick", "thickness": 3, "size": 18, "yOffset": 6, "color": "#111111"},
        {"x": _field("best", QUANTITATIVE), "y": y},
        {"filter": "datum.best != null"},
    )
    labels = _labelled_rows(y, "row")
    caption = (
        "The estimate (band, best as a tick) and each claim (a line, or a dot for a single"
        " figure); an arrow means open-ended"
    )
    layers = [band, claims_line, points, *fades, arrows, best, labels]
    return Figure(_rows_chart(frame, layers, "Estimate and claims", len(frame)), caption, figures)


def _figure(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{int(value):,}"


def _interval(low: object, high: object, high_open: object) -> str:
    from casrec.quantities import format_interval

    return format_interval(low, high, high_open)


def stocks_chart(series: pd.DataFrame) -> Figure:
    """Aggregate figures over time by as-of date: a point per claim, its interval as a rule."""
    if series.empty:
        # an empty chart reads as "zero"; say plainly that there is nothing to draw
        message = "No stock figures for this event."
        return Figure(_message(message), "Stocks by as-of date", [message])
    data = series.copy()
    data["as_of"] = pd.to_datetime(data["as_of_effective"]).dt.strftime("%Y-%m-%d")
    data["low"] = data["value_low"].astype(float)
    data["high"] = data["value_high"].astype(float).fillna(data["value_low"].astype(float))
    data["point"] = data["value_point"].astype(float)
    data["series"] = _key_label(data)
    data = data[["as_of", "low", "high", "point", "series", "claimant", "value", "claim_id"]]
    shared = {
        "x": _field("as_of", TEMPORAL, title="as of"),
        "color": _field("series", NOMINAL, title="figure"),
        "tooltip": [_field(name, NOMINAL) for name in ("as_of", "claimant", "value", "claim_id")],
    }
    rules = _layer(
        {"type": "rule", "strokeWidth": 3},
        {**shared, "y": _field("low", QUANTITATIVE, title="people", axis={"format": ",.0f"}),
         "y2": _field("high")},
    )  # fmt: skip
    points = _layer(
        {"type": "point", "filled": True, "size": 70},
        {**shared, "y": _field("point", QUANTITATIVE),
         "shape": _field("claimant", NOMINAL, title="claimant")},
    )  # fmt: skip
    spec = _configured(data, [rules, points], "Stocks and running totals by as-of date", 260)
    figures = [
        f"{r.as_of}: {r.series}, {r.claimant}: {r.value}" for r in data.itertuples(index=False)
    ]
    return Figure(spec, "Stocks and running totals by the date each figure refers to", figures)
