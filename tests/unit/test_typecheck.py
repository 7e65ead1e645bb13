"""scripts/typecheck: mypy's errors against a baseline that may only shrink.

These feed the comparison made-up mypy output; CI runs the real mypy (LEVY_LINT=1 in
scripts/test). The last test checks the committed baseline keeps its promises.
"""

from collections import Counter
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_typecheck():
    loader = SourceFileLoader("typecheck", str(ROOT / "scripts" / "typecheck"))
    module = module_from_spec(spec_from_loader("typecheck", loader))
    loader.exec_module(module)
    return module


typecheck = _load_typecheck()

OUTPUT = """\
app/web/members/views.py:40: error: Argument "name" to "add_member" has type "str | None"  [arg-type]
app/web/members/views.py:41: note: This is a note, not an error
app/config.py:36:5: error: No overload variant of "update"  [call-overload]
app/config.py:40: error: No overload variant of "update"  [call-overload]
"""
MEMBERS = 'app/web/members/views.py: error: Argument "name" to "add_member" has type "str | None"  [arg-type]'
CONFIG = 'app/config.py: error: No overload variant of "update"  [call-overload]'


@pytest.fixture
def baseline(tmp_path):
    return tmp_path / "mypy-baseline.txt"


def test_an_error_is_its_file_and_message_without_the_line_number():
    assert typecheck.errors_of(OUTPUT) == Counter({MEMBERS: 1, CONFIG: 2})
    assert (
        typecheck.normalize('app/x.py:9: error: Name "y" already defined on line 3  [no-redef]')
        == 'app/x.py: error: Name "y" already defined on line N  [no-redef]'
    )
    assert typecheck.normalize("Found 3 errors in 2 files (checked 129 source files)") is None


def test_output_matching_the_baseline_passes(baseline):
    status, said = typecheck.check(
        OUTPUT, Counter({MEMBERS: 1, CONFIG: 2}), shrink=False, baseline_path=baseline
    )
    assert status == 0
    assert said == ["mypy: 3 known error(s), as in mypy-baseline.txt; none new."]


def test_a_new_error_fails_even_with_shrink(baseline):
    status, said = typecheck.check(
        OUTPUT, Counter({MEMBERS: 1, CONFIG: 1}), shrink=True, baseline_path=baseline
    )
    assert status == 1
    assert said == ["1 new mypy error(s) (fix them; the baseline only shrinks):", CONFIG]
    assert not baseline.exists()


def test_a_fixed_error_left_in_the_baseline_fails_until_shrunk(baseline):
    known = Counter({MEMBERS: 1, CONFIG: 2, "app/i18n.py: error: gone  [misc]": 1})
    typecheck.write_baseline(known, baseline)

    status, said = typecheck.check(OUTPUT, known, shrink=False, baseline_path=baseline)
    assert status == 1
    assert said[1:] == ["app/i18n.py: error: gone  [misc]"]

    status, said = typecheck.check(OUTPUT, known, shrink=True, baseline_path=baseline)
    assert status == 0
    assert typecheck.read_baseline(baseline) == Counter({MEMBERS: 1, CONFIG: 2})
    assert baseline.read_text().startswith("# mypy errors in app/")


@pytest.mark.parametrize("path", ["app/money.py", "app/ledger/split.py", "app/services/jobs.py"])
def test_the_money_rules_and_services_cannot_be_baselined(baseline, path):
    entry = f"{path}: error: Incompatible return value type  [return-value]"
    status, said = typecheck.check(
        f"{path}:3: error: Incompatible return value type  [return-value]",
        Counter({entry: 1}),
        shrink=True,
        baseline_path=baseline,
    )
    assert status == 1
    assert entry in said
    assert not baseline.exists()


def test_the_committed_baseline_has_no_protected_line():
    assert typecheck.BASELINE.exists()
    assert [e for e in typecheck.read_baseline() if typecheck.protected(e)] == []
