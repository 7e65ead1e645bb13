"""The layers (README "Code layout: the layers") are import-linter contracts in pyproject.toml;
`lint-imports` checks them in CI (scripts/test with LEVY_LINT=1). These tests keep the layers
contract complete — a new top-level module of app/ must be given its place — and run the
contracts with the rest of the suite."""

import os
import re
import tomllib

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def contracts() -> dict[str, dict]:
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as file:
        config = tomllib.load(file)["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def top_level_modules() -> set[str]:
    app = os.path.join(ROOT, "app")
    names = set()
    for entry in os.listdir(app):
        path = os.path.join(app, entry)
        if entry.endswith(".py") and entry != "__init__.py":
            names.add(entry[:-3])
        elif os.path.isfile(os.path.join(path, "__init__.py")):
            names.add(entry)
    return names


def test_the_layers_contract_places_every_top_level_module_once():
    layers = contracts()["layers"]["layers"]
    placed = [name for layer in layers for name in re.split(r"[|:]", layer)]
    placed = [name.strip() for name in placed]
    assert len(placed) == len(set(placed))
    assert set(placed) == top_level_modules()


def test_the_contracts_name_the_rules_the_design_promises():
    found = contracts()
    assert set(found["pure-money"]["source_modules"]) == {"app.ledger", "app.money"}
    assert {"flask", "flask_babel", "sqlalchemy"} <= set(found["pure-money"]["forbidden_modules"])
    assert set(found["services"]["forbidden_modules"]) == {"app.tasks", "app.web", "app.api"}
    assert found["pages"]["forbidden_modules"] == ["app.api"]
    assert found["acyclic"]["type"] == "acyclic_siblings"


def test_the_code_keeps_the_contracts():
    cli = pytest.importorskip("importlinter.cli")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert cli.lint_imports(no_cache=True, no_logo=True) == 0
    finally:
        os.chdir(cwd)
