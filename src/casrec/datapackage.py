"""Frictionless Data Package (v2) descriptors generated from casrec's one contract.

``data/datapackage.json`` describes the analyst's tables (``casrec.schema.TABLES``: field
types, required fields, enumerations from ``casrec.vocabulary``, patterns, primary and
foreign keys) and each report's ``datapackage.json`` describes ``reconciled.csv``
(``casrec.reconcile.OUTPUT_COLUMNS``). Both are written by the functions here, never by hand:
``casrec datapackage --write`` regenerates the committed copies and a test fails when they
drift from the contract.

Table Schema has no cross-column rule, so rules such as ``low <= high`` travel in each
resource's ``casrec:rowConstraints`` (frictionless ``row_constraint`` formulas) and
``validate_package`` runs them; plain ``frictionless validate`` checks everything else.
"""

from __future__ import annotations

import json
from pathlib import Path

from casrec import __version__, resources, vocabulary
from casrec.reconcile import OUTPUT_COLUMNS
from casrec.schema import DATE_PATTERN, MAX_ID_LENGTH, SLUG_PATTERN, TABLES, Column, Table

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
COUNTRY_PATTERN = "[A-Z]{3}"  # ISO 3166-1 alpha-3, as the loader checks events.country
ROW_CONSTRAINTS_KEY = "casrec:rowConstraints"
DATA_PACKAGE = Path("data") / "datapackage.json"
RECONCILED_PACKAGE = resources.SCHEMAS_DIR / "reconciled.datapackage.json"

# Cross-column rules per table, as frictionless row_constraint formulas (simpleeval).
ROW_CONSTRAINTS = {
    "lexicon": ["low <= high"],
    "reconciled": ["low == None or high == None or low <= high", "best == None or low <= best"],
}


def _pattern_for(column: Column) -> str | None:
    if column.kind in ("slug", "ref"):
        target = column.ref[0] if column.ref else None
        if target is not None and TABLES[target].id_column is not None:
            target_column = next(c for c in TABLES[target].columns if c.name == column.ref[1])
            if target_column.kind != "slug":  # a vocabulary term, not a slug id
                return _pattern_for(target_column)
        return SLUG_PATTERN
    if column.kind == "term":
        from casrec import schema

        return getattr(schema, "TERM_PATTERN", None)
    if column.kind == "date":
        return DATE_PATTERN
    if column.name == "country":
        return COUNTRY_PATTERN
    return None


def field(column: Column, *, required: bool | None = None) -> dict:
    """The Table Schema field of one contract column."""
    descriptor: dict = {"name": column.name}
    if column.description:
        descriptor["description"] = column.description
    constraints: dict = {}
    if column.required if required is None else required:
        constraints["required"] = True
    if column.kind == "int":
        descriptor["type"] = "integer"
        constraints["minimum"] = 0
    else:
        descriptor["type"] = "string"
        if column.kind == "date":
            descriptor["description"] = (
                column.description + "; " if column.description else ""
            ) + "ISO 8601 at the precision known: YYYY, YYYY-MM or YYYY-MM-DD"
        if column.kind == "enum":
            constraints["enum"] = list(column.choices)
        pattern = _pattern_for(column)
        if pattern:
            constraints["pattern"] = pattern
        if column.kind in ("slug", "ref"):
            constraints["maxLength"] = MAX_ID_LENGTH
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(table: Table) -> dict:
    """The Table Schema of one contract table: fields, keys, and any column order."""
    schema: dict = {
        "$schema": TABLE_SCHEMA_PROFILE,
        "fields": [field(c) for c in table.columns],
        # columns may come in any order and optional ones may be left out (casrec's loader
        # accepts both); a column not in the contract is an error
        "fieldsMatch": "superset",
        "missingValues": [""],
    }
    if table.id_column:
        schema["primaryKey"] = [table.id_column]
    foreign_keys = []
    for column in table.columns:
        if column.kind == "ref" and column.ref is not None:
            target, target_column = column.ref
            reference: dict = {"fields": [target_column]}
            if target != table.name:  # v2: no resource means this resource
                reference = {"resource": target, **reference}
            foreign_keys.append({"fields": [column.name], "reference": reference})
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def _resource(name: str, path: str, schema: dict, description: str = "") -> dict:
    resource = {
        "$schema": RESOURCE_PROFILE,
        "name": name,
        "type": "table",
        "path": path,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }
    if description:
        resource["description"] = description
    if name in ROW_CONSTRAINTS:
        resource[ROW_CONSTRAINTS_KEY] = ROW_CONSTRAINTS[name]
    return resource


def data_package() -> dict:
    """``data/datapackage.json``: every table of the contract, vocabularies included."""
    return {
        "$schema": PACKAGE_PROFILE,
        "name": "casrec-data",
        "title": "casrec input data: sources, actors, events, claims and vocabularies",
        "description": (
            "Claims of casualty and displacement figures, each with its source and verbatim "
            f"evidence, in casrec's data contract (generated by casrec {_major_minor()}; "
            "regenerate with `casrec datapackage --write`)."
        ),
        "resources": [
            _resource(table.name, table.file, table_schema(table)) for table in TABLES.values()
        ],
    }


# The reconciled columns that are not copied from claims.csv, as Table Schema fields.
_RECONCILED_FIELDS: dict[str, dict] = {
    "low": {"type": "integer", "constraints": {"minimum": 0}},
    "best": {
        "type": "integer",
        "constraints": {"minimum": 0},
        "description": "empty under the range policy",
    },
    "high": {
        "type": "integer",
        "constraints": {"minimum": 0},
        "description": "empty when open-ended with no stated ceiling",
    },
    "high_open": {
        "type": "boolean",
        "trueValues": ["true"],
        "falseValues": ["false"],
        "constraints": {"required": True},
        "description": "the claim that supplies high is open-ended (at least, more than)",
    },
    "status": {
        "type": "string",
        "constraints": {"required": True, "enum": list(vocabulary.STATUSES.codes)},
    },
    "discrepancy": {
        "type": "number",
        "constraints": {"minimum": 0},
        "description": "high / low of the considered figures",
    },
    "n_claims": {"type": "integer", "constraints": {"required": True, "minimum": 0}},
    "n_claimants": {"type": "integer", "constraints": {"required": True, "minimum": 0}},
    "n_independent": {"type": "integer", "constraints": {"required": True, "minimum": 0}},
    "best_claim_id": {"type": "string", "constraints": {"pattern": SLUG_PATTERN}},
    "best_without_party": {
        "type": "integer",
        "constraints": {"minimum": 0},
        "description": "best from independent voices only",
    },
    "policy": {
        "type": "string",
        "constraints": {"required": True, "enum": list(vocabulary.POLICIES.codes)},
    },
    "rationale": {"type": "string", "constraints": {"required": True}},
    "claim_ids": {
        "type": "list",
        "delimiter": ";",
        "itemType": "string",
        "constraints": {"required": True},
        "description": "every claim of the key, ';'-separated",
    },
}


def reconciled_field(name: str) -> dict:
    """The field of one reconciled.csv column: a claims.csv key column keeps its rules."""
    if name in _RECONCILED_FIELDS:
        return {"name": name, **_RECONCILED_FIELDS[name]}
    claims = {c.name: c for c in TABLES["claims"].columns}
    if name in claims:
        column = claims[name]
        # event_id is always set; the other key columns may be empty (no side, ...)
        return field(column, required=name == "event_id")
    # a column casrec added after this table was written: text, described in METHODOLOGY.md
    return {"name": name, "type": "string", "description": "see METHODOLOGY.md"}


def reconciled_package() -> dict:
    """A report's ``datapackage.json``: ``reconciled.csv``, one row per key."""
    key = [c for c in OUTPUT_COLUMNS if c in {col.name for col in TABLES["claims"].columns}]
    schema = {
        "$schema": TABLE_SCHEMA_PROFILE,
        "fields": [reconciled_field(name) for name in OUTPUT_COLUMNS],
        "missingValues": [""],
        "uniqueKeys": [key],
    }
    return {
        "$schema": PACKAGE_PROFILE,
        "name": "casrec-reconciled",
        "title": "Reconciled casualty and displacement estimates (low / best / high)",
        "description": (
            "One row per key (event, metric, population, ...): the range of the considered "
            "claims, the best figure under the policy, the status and the rationale, with "
            f"the ids of the claims behind it (casrec {_major_minor()})."
        ),
        "resources": [
            _resource(
                "reconciled",
                "reconciled.csv",
                schema,
                "casrec's reconciliation of data/claims.csv; see METHODOLOGY.md",
            )
        ],
    }


def _major_minor() -> str:
    # the descriptor changes with the contract, not with every patch release
    return ".".join(__version__.split(".")[:2])


def dumps(descriptor: dict) -> str:
    """The descriptor as committed: two-space JSON, keys in contract order, final newline."""
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def write_data_package(path: str | Path) -> Path:
    """Write ``data_package()`` to ``path``."""
    path = Path(path)
    path.write_text(dumps(data_package()), encoding="utf-8")
    return path


def write_reconciled_package(path: str | Path) -> Path:
    """Write ``reconciled_package()`` to ``path`` (beside a report's reconciled.csv)."""
    path = Path(path)
    path.write_text(dumps(reconciled_package()), encoding="utf-8")
    return path


def validate_package(path: str | Path):
    """Validate a package with frictionless, the row constraints of each resource included.

    Returns frictionless's Report (``report.valid``, ``report.flatten([...])``). frictionless
    is a development dependency: this raises ImportError where it is not installed.
    """
    from frictionless import Checklist, Package, checks

    package = Package(str(path))
    tasks = []
    for resource in package.resources:
        formulas = resource.custom.get(ROW_CONSTRAINTS_KEY, [])
        checklist = Checklist(checks=[checks.row_constraint(formula=f) for f in formulas])
        tasks.append(resource.validate(checklist=checklist))
    from frictionless import Report

    return Report.from_validation_reports(time=0, reports=tasks)
