"""Browser tests. A package on purpose: its conftest is then imported as `e2e.conftest`
instead of replacing tests/conftest.py as the module `conftest`, which other tests import
(`from conftest import login`)."""
