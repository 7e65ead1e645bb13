"""`requires(role)` guards only what it can check (the design issue: make it impossible to
call with a role it does not enforce)."""
import pytest

from app.tenancy import requires


def test_requires_accepts_the_role_it_enforces():
    assert callable(requires("admin"))


@pytest.mark.parametrize("role", ["owner", "Admin", "treasurer", ""])
def test_requires_refuses_a_role_it_does_not_enforce(role):
    with pytest.raises(ValueError, match="can be enforced"):
        requires(role)
