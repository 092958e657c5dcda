"""Data quality: the committed great-expectations suites over what was loaded and reconciled.

Analysts edit ``data/`` by hand, so before anyone trusts a number casrec says everything that
is wrong with it. The data-quality stage does not read files or reconcile: it takes the
analysis of a run (``casrec.pipeline``; loaded in the mode that collects problems instead of
refusing), evaluates every rule of ``casrec.rules`` into boolean ``ok_<rule>`` columns and
validates those with the committed suites, so every rule lands in one results table and a
failure reads exactly as the loader's message would. The reconciled output is checked by its
own suite. Suites are committed JSON, loaded into an ephemeral context and never regenerated;
great_expectations is imported only where validation runs (it costs seconds).
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from casrec import resources, rules, vocabulary
from casrec.claims import KEY_COLUMNS
from casrec.quantities import lexicon_mapping
from casrec.reconcile import DEFAULT_POLICY, OUTPUT_COLUMNS
from casrec.schema import (
    CLAIMS_PRESENT,
    COLUMNS_RULE,
    DATA_TABLES,
    EMPTY_ROWS,
    SPACES,
    TABLES,
    DataError,
    problems_of,
    rule_problems,
)

EXPECTATIONS_DIR = resources.expectations_dir()
INPUT_SUITES = (*DATA_TABLES, "lexicon", "subgroups")
SUITES = (*INPUT_SUITES, "reconciled")
SEVERITIES = vocabulary.SEVERITIES.codes
ROW = "row"  # line number in the CSV (header = 1), so a failure can be found in any editor
RECONCILED_ID = "key"
FILE_RULE = "casrec file rule"  # results of rules about a whole file (no expectation behind)
DEFAULT_MAX_LISTED = 50  # failing rows listed per rule; the rest are counted
RESULT_COLUMNS = [
    "table",
    "rule",
    "expectation_type",
    "column",
    "severity",
    "passed",
    "n_failing",
    "failing_ids",
    "failing",
    "explanation",
]

# Rules about a whole file, per table: severity and explanation (evaluated by the loader).
FILE_RULES = {
    COLUMNS_RULE: (
        "critical",
        "{file} has a column the contract does not know (a typo?) or lacks a required one; "
        "casrec refuses to load it.",
    ),
    CLAIMS_PRESENT: ("critical", "A claims file with a header and no rows gives an empty report."),
    EMPTY_ROWS: ("warning", "Rows with no values (a spreadsheet's trailing ',,,,') are skipped."),
    SPACES: (
        "warning",
        "A value has spaces around it: casrec reads it without them, a strict foreign-key check "
        "would not find it.",
    ),
}


class SuiteError(RuntimeError):
    """A committed suite that cannot be used as it is (bad JSON, dropped expectation, bad meta)."""


@dataclass
class CheckedTable:
    """What one suite validates: the line number and the ok columns; the sentence per failure."""

    name: str
    frame: pd.DataFrame  # validated by great_expectations
    why: pd.DataFrame  # per rule name, the problem text of each failing row (same index)
    id_column: str


def _run_timestamp(run_date: date | str | None) -> pd.Timestamp:
    """The run date as a midnight Timestamp (today when not given)."""
    return pd.Timestamp(run_date if run_date is not None else date.today()).normalize()


def _located(table, frame: pd.DataFrame, results: rules.RuleResults) -> pd.DataFrame:
    """Each failing row's full problem text (file, row, id, column: why), per rule."""
    located = pd.DataFrame(index=frame.index, columns=results.why.columns, dtype="object")
    problems = rule_problems(table, frame, results)
    if len(problems):
        texts = pd.Series([str(p) for p in problems_of(problems)], dtype="object")
        by_rule = problems.assign(text=texts).groupby("rule", sort=False)
        lines = pd.Series(frame.index, index=frame[ROW].to_numpy())
        for name, group in by_rule:
            located.loc[lines[group["row"].to_numpy()].to_numpy(), name] = group["text"].to_numpy()
    return located


def check_tables(analysis, run_date: date | str | None = None) -> dict[str, CheckedTable]:
    """Every rule over an analysis (``casrec.pipeline.Analysis``); one CheckedTable per suite.

    ``analysis`` may also be a data folder, inspected through the pipeline (loaded collecting
    problems and the rows that load reconciled). ``run_date`` (default today) is the date
    nothing may lie after. DataError when a file cannot be read at all.
    """
    if isinstance(analysis, (str, Path)):
        from casrec.pipeline import inspect

        analysis = inspect(analysis)
    dataset = analysis.dataset
    unreadable = dataset.unreadable()
    if len(unreadable):
        raise DataError(unreadable)
    ctx = rules.RuleContext(
        dataset.raw,
        dataset.present,
        lexicon=lexicon_mapping(dataset.lexicon),
        run_date=_run_timestamp(run_date),
        findings=analysis.findings,
    )
    checked: dict[str, CheckedTable] = {}
    for name in INPUT_SUITES:
        table, frame = TABLES[name], dataset.raw[name]
        known = dataset.contract_results.get(name)  # the loader's, over the same frames
        results = rules.evaluate(name, ctx, (rules.CONTRACT, rules.QUALITY), known)
        gx_frame = pd.concat([frame[[ROW, table.id_column]], results.ok()], axis=1)
        checked[name] = CheckedTable(
            name, gx_frame, _located(table, frame, results), table.id_column
        )
    checked["reconciled"] = reconciled_frame(analysis.output())
    return checked


def reconciled_frame(output: pd.DataFrame) -> CheckedTable:
    """The reconciled output (reconciled.csv columns) with a key, line number and flags."""
    frame = output.reset_index(drop=True).copy()
    key = frame[KEY_COLUMNS].astype("object").where(frame[KEY_COLUMNS].notna(), "")
    frame[RECONCILED_ID] = key.astype("str").agg("/".join, axis=1) if len(frame) else ""
    frame[ROW] = frame.index.to_numpy() + 2
    listed = [
        pd.isna(best) or best in str(ids).split(";")
        for best, ids in zip(frame["best_claim_id"], frame["claim_ids"], strict=True)
    ]
    why = rules.failing(
        ~pd.Series(listed, index=frame.index, dtype=bool),
        "best_claim_id " + rules.quoted(frame["best_claim_id"]) + " is not among claim_ids",
    )
    ok = pd.DataFrame({"ok_best_claim_listed": why.isna()}, index=frame.index)
    labels = frame[RECONCILED_ID].astype("object") + ": "
    located = pd.DataFrame({"best_claim_listed": (labels + why).where(why.notna())}, dtype="object")
    return CheckedTable("reconciled", pd.concat([frame, ok], axis=1), located, RECONCILED_ID)


# --- the suites ---------------------------------------------------------------------------


def load_suite(name: str, expectations_dir: str | Path | None = None) -> dict:
    """One committed suite as JSON, with every expectation's meta checked."""
    path = Path(expectations_dir or EXPECTATIONS_DIR) / f"{name}.json"
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise SuiteError(f"cannot read suite {path}: {error}") from error
    for position, expectation in enumerate(spec.get("expectations", [])):
        meta = expectation.get("meta", {})
        if meta.get("severity") not in SEVERITIES or not meta.get("rule"):
            raise SuiteError(
                f"{path}: expectation {position} needs meta severity (critical or warning) "
                "and a rule name"
            )
        if not meta.get("explanation"):
            raise SuiteError(f"{path}: expectation {position} ({meta['rule']}) has no explanation")
    return spec


def expected_suite(table: str) -> list[dict]:
    """The expectations ``expectations/<table>.json`` must hold for the registry's rules.

    Used by the tests to check the committed suites; never written at run time.
    """
    out = []
    for item in rules.rules_of(table):
        meta = {"rule": item.name, "severity": item.severity, "explanation": item.explanation}
        if item.allowed:
            meta["allowed"] = list(item.allowed)
        out.append(
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": item.flag, "value_set": [True]},
                "meta": meta,
            }
        )
    return out


# Imported by great_expectations only for distribution expectations (KS tests, KL divergence)
# that casrec's suites never use; about 1.3 s of CPU in every process that validates.
DEFERRED_BY_GX = ("scipy.stats",)


def import_great_expectations():
    """great_expectations, with the modules in ``DEFERRED_BY_GX`` loaded on first use only."""
    if "great_expectations" not in sys.modules:
        for name in DEFERRED_BY_GX:
            defer_import(name)
    import great_expectations

    return great_expectations


def defer_import(name: str) -> None:
    """Make ``import name`` cheap: the module runs when one of its attributes is first read.

    Nothing is deferred when the module is already imported or cannot be found (GX then
    imports it, or fails, as it would have). Uses the standard library's ``LazyLoader``.
    """
    if name in sys.modules:
        return
    parent_name, _, child = name.rpartition(".")
    parent = importlib.import_module(parent_name) if parent_name else None
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)  # with LazyLoader: runs nothing yet
    if parent is not None:
        setattr(parent, child, module)  # what a real import of a submodule does to its parent


def run_suites(
    checked: dict[str, CheckedTable],
    expectations_dir: str | Path | None = None,
    max_listed: int = DEFAULT_MAX_LISTED,
    file_results: list[dict] | None = None,
) -> pd.DataFrame:
    """Validate each CheckedTable against its committed suite; one tidy results table.

    ``file_results`` (rows about whole files) are placed before their table's rules. At most
    ``max_listed`` failing rows are listed per rule, the last entry counting the rest.
    """
    gx = import_great_expectations()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    # tqdm ignores TQDM_DISABLE here; without this, progress bars print to stderr (and HTML)
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    datasource = context.data_sources.add_pandas("casrec")
    rows: list[dict] = []
    for name, table in checked.items():
        rows.extend(r for r in file_results or [] if r["table"] == name)
        spec = load_suite(name, expectations_dir)
        suite = gx.ExpectationSuite(**copy.deepcopy(spec))
        # GX logs and drops an expectation whose type it does not know; refuse to run without it
        if len(suite.expectations) != len(spec["expectations"]):
            raise SuiteError(
                f"suite {name}: {len(spec['expectations'])} expectations in the file but "
                f"{len(suite.expectations)} loaded (a misspelled type or argument?)"
            )
        batch = (
            datasource.add_dataframe_asset(name)
            .add_batch_definition_whole_dataframe("all")
            .get_batch(batch_parameters={"dataframe": table.frame})
        )
        # Validated in memory: the results are read here, never stored in the (ephemeral)
        # context, which saved a copy of each. The failing rows of an input suite are the
        # registry's (an ok column is False exactly there), so GX counts them ("BASIC", which
        # keeps a file of junk linear); only the reconciled suite's built-in expectations need
        # GX to list the failing rows ("COMPLETE").
        result = batch.validate(
            suite,
            result_format={
                "result_format": "COMPLETE" if name == "reconciled" else "BASIC",
                "unexpected_index_column_names": [ROW],
                "partial_unexpected_count": 0,
            },
        )
        # results come back with the ones GX could not evaluate first: put them in suite order
        # (rule names are unique within a suite)
        order = {e["meta"]["rule"]: i for i, e in enumerate(spec["expectations"])}
        outcomes = sorted(result.results, key=lambda r: order[r.expectation_config.meta["rule"]])
        rows.extend(_result_row(table, outcome, max_listed) for outcome in outcomes)
    results = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    results["passed"] = results["passed"].astype(bool)
    results["n_failing"] = results["n_failing"].astype("Int64")
    return results


def file_rule_results(dataset, max_listed: int = DEFAULT_MAX_LISTED) -> list[dict]:
    """Result rows of the rules about whole files (header, claims present), per input table."""
    rows = []
    for name in INPUT_SUITES:
        table = TABLES[name]
        problems = dataset.problems[dataset.problems["file"] == table.file]
        for rule_name, (severity, explanation) in FILE_RULES.items():
            if rule_name == CLAIMS_PRESENT and name != "claims":
                continue
            found = problems[problems["rule"] == rule_name]
            failing = [str(p) for p in problems_of(found.head(max_listed))]
            failing = _capped(failing, len(found), max_listed)
            rows.append(
                {
                    "table": name,
                    "rule": rule_name,
                    "expectation_type": FILE_RULE,
                    "column": None,
                    "severity": severity,
                    "passed": found.empty,
                    "n_failing": len(found),
                    "failing_ids": [],
                    "failing": failing,
                    "explanation": explanation.format(file=table.file),
                }
            )
    return rows


def validate(
    data_dir,
    run_date: date | str | None = None,
    policy: str = DEFAULT_POLICY,
    expectations_dir: str | Path | None = None,
    as_of_window_days: int | None = None,
    max_listed: int = DEFAULT_MAX_LISTED,
) -> pd.DataFrame:
    """Run every suite over a data folder (or an analysis) and its reconciled output.

    Raises DataError when a file cannot be read at all; everything else is a result row.
    """
    from casrec.pipeline import Analysis, inspect

    if isinstance(data_dir, Analysis):
        analysis = data_dir
    else:
        window = {} if as_of_window_days is None else {"as_of_window_days": as_of_window_days}
        analysis = inspect(data_dir, policy=policy, **window)
    checked = check_tables(analysis, run_date)
    file_results = file_rule_results(analysis.dataset, max_listed)
    return run_suites(checked, expectations_dir, max_listed, file_results)


def all_problems(analysis, run_date: date | str | None = None) -> pd.DataFrame:
    """Every problem every rule finds (``schema.PROBLEM_COLUMNS``), for ``--problems-out``."""
    from casrec.pipeline import Analysis, inspect

    analysis = analysis if isinstance(analysis, Analysis) else inspect(analysis)
    dataset = analysis.dataset
    ctx = rules.RuleContext(
        dataset.raw, dataset.present, lexicon_mapping(dataset.lexicon),
        _run_timestamp(run_date), analysis.findings,
    )  # fmt: skip
    parts = [dataset.problems[~dataset.problems["rule"].isin(_contract_rule_names())]]
    for name in INPUT_SUITES:
        known = dataset.contract_results.get(name)  # the loader's, over the same frames
        results = rules.evaluate(name, ctx, (rules.CONTRACT, rules.QUALITY), known)
        parts.append(rule_problems(TABLES[name], dataset.raw[name], results))
    return pd.concat(parts, ignore_index=True)


def _contract_rule_names() -> set[str]:
    return {r.name for r in rules.RULES}


def validate_reconciled(
    output: pd.DataFrame, expectations_dir: str | Path | None = None
) -> pd.DataFrame:
    """Run the reconciled suite alone over a reconciled table (e.g. a report's reconciled.csv)."""
    return run_suites({"reconciled": reconciled_frame(output)}, expectations_dir)


def empty_output() -> pd.DataFrame:
    """A reconciled table with no rows (when no claim loads)."""
    return pd.DataFrame(columns=OUTPUT_COLUMNS)


# --- results ------------------------------------------------------------------------------


def _value(value) -> str:
    """A cell for a failure message: quoted text, 'empty', or the number."""
    if isinstance(value, str):
        return repr(value)
    if pd.isna(value):
        return "empty"
    return str(value)


def _exception_message(info: dict) -> str | None:
    """The first exception GX caught while evaluating one expectation, if any."""
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") if info["raised_exception"] else None
    for detail in info.values():
        if isinstance(detail, dict) and detail.get("raised_exception"):
            return detail.get("exception_message")
    return None


def _subject(table: CheckedTable, kwargs: dict) -> str | None:
    """The data column(s) a rule is about."""
    if "column" in kwargs:
        column = kwargs["column"]
        if column.startswith("ok_"):
            found = [r for r in rules.rules_of(table.name) if r.flag == column]
            return found[0].column if found else column.removeprefix("ok_")
        return column
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return None


def _capped(texts: list[str], total: int, max_listed: int) -> list[str]:
    """At most ``max_listed`` texts, then a count of the rest."""
    if total <= max_listed:
        return texts[:max_listed]
    rest = total - max_listed
    return [*texts[:max_listed], f"and {rest:,} more rows with the same problem"]


def _result_row(table: CheckedTable, outcome, max_listed: int = DEFAULT_MAX_LISTED) -> dict:
    """One tidy results row from one GX expectation result."""
    config = outcome.expectation_config
    kwargs = config.kwargs
    meta = config.meta or {}
    row = {
        "table": table.name,
        "rule": meta.get("rule"),
        "expectation_type": config.type,
        "column": _subject(table, kwargs),
        "severity": meta.get("severity"),
        "passed": bool(outcome.success),
        "n_failing": 0,
        "failing_ids": [],
        "failing": [],
        "explanation": meta.get("explanation"),
    }
    error = _exception_message(outcome.exception_info)
    if error:
        needed = [r.needs for r in rules.rules_of(table.name) if r.name == meta.get("rule")]
        if needed and kwargs.get("column") not in table.frame.columns:
            # a column the rule reads is missing from the file: its rules cannot pass
            error = f"column {needed[0][0]!r} is missing from the file"
            if len(needed[0]) > 1:
                error = "a column it reads is missing from the file (" + ", ".join(needed[0]) + ")"
        row.update(n_failing=None, failing=[f"not evaluated: {error}"], passed=False)
        return row
    result = outcome.result or {}
    if "details" in result and "mismatched" in result["details"]:
        mismatched = result["details"]["mismatched"]
        failing = [f"missing column {c!r}" for c in mismatched.get("missing", [])]
        failing += [f"unknown column {c!r}" for c in mismatched.get("unexpected", [])]
        row.update(n_failing=len(failing), failing=failing)
        return row
    count = int(result.get("unexpected_count") or 0)
    row["n_failing"] = count
    if not count:
        return row
    rule_name = meta.get("rule")
    if rule_name in table.why.columns:
        texts = table.why[rule_name].dropna()
        positions = texts.index
    else:  # a built-in expectation on the reconciled output: GX lists the rows
        lines = [entry[ROW] for entry in result.get("unexpected_index_list") or []]
        positions = pd.Index(lines) - 2
        texts = pd.Series(_describe(table, config.type, kwargs, list(lines)), index=positions)
    frame = table.frame
    ids = frame[table.id_column] if table.id_column in frame.columns else None
    labels = []
    for position in positions[: max_listed + 1]:
        value = None if ids is None else ids.iloc[position]
        labels.append(
            f"row {frame[ROW].iloc[position]}" if value is None or pd.isna(value) else str(value)
        )
    row["failing_ids"] = list(dict.fromkeys(labels[:max_listed]))
    row["failing"] = _capped(list(texts.iloc[:max_listed]), count, max_listed)
    return row


def _describe(table: CheckedTable, kind: str, kwargs: dict, rows: list[int]) -> list[str]:
    """'key: offending value' texts for the failing lines ``rows`` of the reconciled table."""
    frame = table.frame.set_index(ROW, drop=False)
    labels = [str(frame.at[line, table.id_column]) for line in rows]
    if kind == "expect_column_values_to_be_unique":
        column = kwargs["column"]
        return [f"{frame.at[line, column]!r} on row {line}" for line in rows]
    if "column_A" in kwargs:
        a, b = kwargs["column_A"], kwargs["column_B"]
        sign = "<" if kwargs.get("or_equal") else "<="
        return [
            f"{name}: {a} {_value(frame.at[line, a])} {sign} {b} {_value(frame.at[line, b])}"
            for name, line in zip(labels, rows, strict=True)
        ]
    column = kwargs.get("column")
    return [
        f"{n}: {column} {_value(frame.at[line, column])}"
        for n, line in zip(labels, rows, strict=True)
    ]


def has_critical_failure(results: pd.DataFrame) -> bool:
    """Whether any critical rule failed (the run must then fail)."""
    return bool(((results["severity"] == "critical") & ~results["passed"]).any())


def summary(results: pd.DataFrame) -> dict:
    """Counts for a status line: rules, passed, failed by severity, failing rows, ok."""
    failed = results[~results["passed"]]
    return {
        "rules": len(results),
        "passed": int(results["passed"].sum()),
        "failed": len(failed),
        "critical_failed": int((failed["severity"] == "critical").sum()),
        "warnings_failed": int((failed["severity"] == "warning").sum()),
        "failing_rows": int(failed["n_failing"].fillna(0).sum()),
        "ok": not has_critical_failure(results),
    }


def format_results(results: pd.DataFrame) -> str:
    """The results for a terminal: failing rules first with their failing rows, then all rules."""
    counts = summary(results)
    lines = [
        f"{counts['rules']} rules: {counts['passed']} passed, {counts['failed']} failed "
        f"({counts['critical_failed']} critical, {counts['warnings_failed']} warning)"
    ]
    # failing critical rules first, then failing warnings, then the rest in suite order
    rank = (~results["passed"]).astype(int) * 2 + (results["severity"] == "critical").astype(int)
    rank = rank.where(~results["passed"], 0)
    order = results.assign(_rank=rank).sort_values("_rank", ascending=False, kind="stable")
    for item in order[~order["passed"]].itertuples(index=False):
        where = f"{item.table}.{item.rule}" + (f" ({item.column})" if pd.notna(item.column) else "")
        count = "" if pd.isna(item.n_failing) else f", {item.n_failing} failing"
        lines += ["", f"FAILED [{item.severity}] {where}{count}", f"  {item.explanation}"]
        lines += [f"    - {text}" for text in item.failing]
    table = order.drop(columns="_rank").assign(
        result=order["passed"].map({True: "ok", False: "FAILED"}),
        column=order["column"].fillna(""),
    )[["table", "rule", "column", "severity", "result", "n_failing"]]
    lines += ["", "All rules:", table.to_string(index=False)]
    return "\n".join(lines)


class CriticalDataQualityFailure(RuntimeError):
    """A critical data-quality rule failed: the numbers cannot be trusted as they are."""


def raise_for_critical(results: pd.DataFrame) -> None:
    """Stop (a notebook, a report run) when a critical rule failed, naming the rules."""
    failed = results[(results["severity"] == "critical") & ~results["passed"]]
    if failed.empty:
        return
    rules_text = "; ".join(
        f"{t}.{r} ({n} rows)"
        for t, r, n in zip(failed["table"], failed["rule"], failed["n_failing"], strict=True)
    )
    raise CriticalDataQualityFailure(f"critical data-quality failure: {rules_text}")
