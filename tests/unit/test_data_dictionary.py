"""data/README.md (the data dictionary) and perfpack.data.contracts say the same thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from perfpack.data.contracts import CANONICAL, CONTRACTS, Column, Contract

PROJECT_ROOT = Path(__file__).resolve().parents[2]
README = PROJECT_ROOT / "data" / "README.md"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"


def sections(text: str, marker: str) -> dict[str, str]:
    """Heading -> body for every heading starting with ``marker`` (``## `` or ``### ``)."""
    found: dict[str, str] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("#"):
            heading = line[len(marker) :].strip() if line.startswith(marker) else None
            if heading is not None:
                found[heading] = ""
            continue
        if heading is not None:
            found[heading] += line + "\n"
    return found


def table_rows(body: str) -> list[list[str]]:
    """The cells of every markdown table row in ``body`` whose first cell is `code`."""
    rows = []
    for line in body.splitlines():
        if line.startswith("| `"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def unquote(cell: str) -> str:
    return cell.replace("`", "")


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def contract_section(readme: str, contract: Contract) -> str:
    matches = [
        body
        for heading, body in sections(readme, "## ").items()
        if heading.endswith(f"(`{contract.default_file}`)")
    ]
    assert len(matches) == 1, f"one section headed '... (`{contract.default_file}`)'"
    return matches[0]


def contract_rows(readme: str, contract: Contract) -> dict[str, list[str]]:
    rows = table_rows(contract_section(readme, contract))
    return {unquote(row[0]): row for row in rows}


CONTRACT_COLUMNS = [
    pytest.param(contract, column, id=f"{table}-{column.name}")
    for table, contract in CONTRACTS.items()
    for column in contract.columns
]


@pytest.mark.parametrize("contract", CONTRACTS.values(), ids=list(CONTRACTS))
def test_every_extract_column_is_documented_in_contract_order(readme, contract):
    assert list(contract_rows(readme, contract)) == contract.column_names


@pytest.mark.parametrize("contract, column", CONTRACT_COLUMNS)
def test_column_kind_blankability_and_meaning(readme, contract, column: Column):
    name, kind, blank, _allowed, meaning = contract_rows(readme, contract)[column.name]
    assert kind == column.kind
    assert blank == ("no" if column.required else "yes")
    assert unquote(meaning) == column.description


@pytest.mark.parametrize("contract, column", CONTRACT_COLUMNS)
def test_column_allowed_values(readme, contract, column: Column):
    allowed = contract_rows(readme, contract)[column.name][3]
    if column.allowed_from is not None:
        table, table_column = column.allowed_from
        assert f"`data/reference/{table}.csv`, column `{table_column}`" in allowed
        assert (REFERENCE_DIR / f"{table}.csv").is_file()
    elif column.allowed:
        assert re.findall(r"`([^`]*)`", allowed) == list(column.allowed)
    if column.bounds is not None:
        assert allowed == f"{column.bounds[0]} to {column.bounds[1]}"
    if column.kind == "flag":
        assert allowed == "`Y`, `N`"
    if column.kind == "bool":
        assert allowed == "`True`, `False`"
    if column.name == contract.id_column:
        assert allowed == "unique"


@pytest.mark.parametrize("contract", CONTRACTS.values(), ids=list(CONTRACTS))
def test_id_and_period_columns_and_table_are_named(readme, contract):
    body = " ".join(contract_section(readme, contract).split())
    assert f"Id column `{contract.id_column}`" in body
    assert f"period column `{contract.period_column}`" in body
    assert f"canonical table `{contract.table}`" in body


def test_every_kind_used_is_explained(readme):
    types = table_rows(sections(readme, "### ")["Types"])
    explained = {unquote(row[0]) for row in types}
    used = {c.kind for contract in CONTRACTS.values() for c in contract.columns}
    assert used <= explained


@pytest.mark.parametrize("table", list(CANONICAL))
def test_canonical_tables_are_documented_with_their_dtypes(readme, table):
    body = sections(readme, "### ")[f"`{table}`"]
    documented = {unquote(row[0]): row[1] for row in table_rows(body)}
    assert documented == CANONICAL[table]
    assert list(documented) == list(CANONICAL[table])


def test_raw_manifest_keys_are_documented(readme):
    body = next(b for h, b in sections(readme, "## ").items() if "manifest.yml" in h)
    keys = [unquote(row[0]) for row in table_rows(body)]
    assert keys == [
        "force",
        "synthetic",
        "note",
        "extracts.<extract>.file",
        "extracts.<extract>.first_month",
        "extracts.<extract>.last_month",
    ]
    for table, contract in CONTRACTS.items():
        assert f"{table}:" in body and contract.default_file in body


def test_folder_rules_are_stated(readme):
    body = " ".join(sections(readme, "## ")["Folders"].split())
    assert "**Never modified by code**" in body
    assert "**Rebuilt** from raw" in body
    assert body.count("Gitignored") == 2


def test_reference_tables_named_in_the_readme_exist(readme):
    for name in set(re.findall(r"data/reference/([a-z0-9_]+)\.csv", readme)):
        assert (REFERENCE_DIR / f"{name}.csv").is_file(), name
