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


def test_the_enforced_roles_are_the_type_the_decorator_takes():
    # A type checker (mypy) refuses requires("owner") at the call, before any test runs.
    from typing import get_args, get_type_hints

    from app.tenancy import ENFORCED_ROLES, EnforcedRole

    assert get_type_hints(requires)["role"] == EnforcedRole
    assert set(get_args(EnforcedRole)) == set(ENFORCED_ROLES) == {"admin"}
