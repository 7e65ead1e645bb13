"""The one place that knows which community a request (or a job) works in.

- ``community_blueprint`` makes a blueprint under ``/c/<community_slug>`` (pages) or
  ``/api/c/<community_slug>`` (API). Before each of its views the community and the current
  member are loaded into ``g``; unknown slug or not a member → 404, never a hint.
- A ``do_orm_execute`` listener adds ``community_id = g.community_id`` to every ORM query on a
  TenantScoped table, and refuses to run one when no community is set: forgetting to scope a
  query fails loudly instead of leaking another community's rows. Code that must read across
  communities (login, the switcher, invite acceptance) says so with ``unscoped``.
- ``get_or_404`` is the explicit scoped lookup views use for ids from the URL.
"""

from contextlib import contextmanager
from functools import cache, lru_cache, wraps
from typing import Literal, get_args
from weakref import WeakKeyDictionary

from flask import Blueprint, Flask, g, has_app_context, redirect, request, url_for
from flask_login import current_user
from flask_babel import gettext as _, lazy_gettext
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import and_, bindparam, event, select
from sqlalchemy.orm import ORMExecuteState, with_loader_criteria
from werkzeug.exceptions import Unauthorized

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.known import Known, record
from app.models import Community, Member, TenantScoped
from app.requests import is_api_request


class UnscopedQuery(RuntimeError):
    """An ORM query touched tenant rows with no community in scope."""


# --- the scope ---------------------------------------------------------------------------


@contextmanager
def community_scope(community_id: int):
    """Run a block (a Celery task, a CLI command) inside one community."""
    previous = g.get("community_id")
    g.community_id = community_id
    try:
        yield
    finally:
        g.community_id = previous


@contextmanager
def unscoped():
    """Deliberately read across communities (login, memberships, invite tokens)."""
    previous = g.get("tenancy_unscoped", False)
    g.tenancy_unscoped = True
    try:
        yield
    finally:
        g.tenancy_unscoped = previous


@event.listens_for(FlaskSession, "do_orm_execute")
def _scope_tenant_queries(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.is_relationship_load:
        return  # carries the criteria of the query that loaded the parent
    if state.execution_options.get("unscoped") or not has_app_context() or g.get("tenancy_unscoped"):
        return
    if not _touches_tenant_rows(state):
        return
    community_id = g.get("community_id")
    if community_id is None:
        raise UnscopedQuery("query on community data without a community in scope")
    state.statement = state.statement.options(_tenant_criteria(community_id))


# Whether a statement reads tenant rows, per statement object: the statements built once
# (get_or_404's, for instance) are not inspected on every request.
_TENANT_STATEMENTS: "WeakKeyDictionary[object, bool]" = WeakKeyDictionary()


def _touches_tenant_rows(state: ORMExecuteState) -> bool:
    statement = state.statement
    known = _TENANT_STATEMENTS.get(statement)
    if known is None:
        known = _TENANT_STATEMENTS[statement] = any(
            issubclass(mapper.class_, TenantScoped) for mapper in state.all_mappers
        )
    return known


@lru_cache(maxsize=1024)
def _tenant_criteria(community_id: int):
    """The criteria option for one community, built once: SQLAlchemy analyses the lambda when
    the option is made (the community id becomes a bound parameter of the cached SQL)."""
    return with_loader_criteria(
        TenantScoped, lambda cls: cls.community_id == community_id, include_aliases=True
    )


# --- lookups -----------------------------------------------------------------------------


def get_or_404(model, id_):
    """A row of the current community by id; another community's id is simply not found."""
    try:
        id_ = int(id_)
    except (TypeError, ValueError):
        id_ = 0
    if not 0 < id_ < 2**63:
        raise not_found(model)
    row = db.session.execute(_by_id(model), {"id": id_, "community_id": g.community_id}).scalar_one_or_none()
    if row is None or getattr(row, "voided_at", None) is not None:
        raise not_found(model)
    return row


@cache
def _by_id(model):
    """get_or_404's statement for one model, built once (only its values change)."""
    return select(model).where(model.id == bindparam("id"), model.community_id == bindparam("community_id"))


# What a person is told when a record is not there, in the request's language.
NOT_FOUND = {
    "BankImport": lazy_gettext("Bank statement not found."),
    "BudgetItem": lazy_gettext("Budget item not found."),
    "Contribution": lazy_gettext("Contribution not found."),
    "Expense": lazy_gettext("Expense not found."),
    "Job": lazy_gettext("Job not found."),
    "Member": lazy_gettext("Member not found."),
    "Payout": lazy_gettext("Payout not found."),
    "Adjustment": lazy_gettext("Adjustment not found."),
    "Period": lazy_gettext("Period not found."),
    "Property": lazy_gettext("Property not found."),
    "Reading": lazy_gettext("Reading not found."),
    "ServiceCharge": lazy_gettext("Service charge not found."),
}


def not_found(model) -> NotFound:
    return NotFound(NOT_FOUND.get(model.__name__) or lazy_gettext("Not found."))


def memberships_of(user) -> list[Member]:
    with unscoped():
        return list(
            db.session.execute(
                select(Member)
                .join(Community)
                .where(Member.user_id == user.id, Member.removed_at.is_(None))
                .order_by(Community.name)
            ).scalars()
        )


# --- request resolution ------------------------------------------------------------------


def _load_community(endpoint, values):
    if values is not None and "community_slug" in values:
        g.community_slug = values.pop("community_slug")


# What a request uses of its community and member, read with the login (app.security) as
# plain values (app.known); payee details, invite data and the like load when a view asks.
COMMUNITY_COLUMNS = (
    "id",
    "slug",
    "name",
    "currency",
    "locale",
    "owners_see_balance_sheet",
    "late_fee_percent",
)
MEMBER_COLUMNS = ("id", "community_id", "user_id", "name", "email", "role", "removed_at")


def membership_columns() -> list:
    """The columns ``join_membership`` adds to a login read: COMMUNITY_ then MEMBER_COLUMNS."""
    community, member = Community.__table__, Member.__table__
    return [*(community.c[k] for k in COMMUNITY_COLUMNS), *(member.c[k] for k in MEMBER_COLUMNS)]


def join_membership(joined, slug, user_id_column):
    """``joined`` (a Core join) with the community named ``slug`` (a value or a bound
    parameter) and the user's live membership of it (outer joins: NULLs where there is
    none). Explicitly scoped: Core statements pass no tenant hook."""
    community, member = Community.__table__, Member.__table__
    return joined.outerjoin(community, community.c.slug == slug).outerjoin(
        member,
        and_(
            member.c.community_id == community.c.id,
            member.c.user_id == user_id_column,
            member.c.removed_at.is_(None),
        ),
    )


def remember_membership(slug: str, user_id: int, values) -> None:
    """What a log-in already read with ``join_membership`` (the values of
    ``membership_columns``, in order), for ``_enter_community``."""
    community = dict(zip(COMMUNITY_COLUMNS, values[: len(COMMUNITY_COLUMNS)]))
    member = dict(zip(MEMBER_COLUMNS, values[len(COMMUNITY_COLUMNS) :]))
    g.tenancy_membership = (
        slug,
        user_id,
        Known(Community, community) if community["id"] is not None else None,
        Known(Member, member) if member["id"] is not None else None,
    )


def _membership(slug, user_id):
    known = g.pop("tenancy_membership", None)
    if known is not None and known[:2] == (slug, user_id):
        return known[2], known[3]
    community = db.session.execute(select(Community).where(Community.slug == slug)).scalar_one_or_none()
    if community is None:
        return None, None
    member = db.session.execute(
        select(Member).where(
            Member.community_id == community.id, Member.user_id == user_id, Member.removed_at.is_(None)
        )
    ).scalar_one_or_none()
    return community, member


def _enter_community():
    if not current_user.is_authenticated:
        if is_api_request():
            raise Unauthorized(_("Log in or send a bearer token."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    # A removed member is a stranger here from the moment of removal, whatever their
    # session or token: the membership is read on every request (with the token when the
    # request shows one, see security._user_from_bearer).
    community, member = _membership(g.get("community_slug"), current_user.id)
    if community is None:
        raise NotFound(_("Community not found."))
    g.community, g.community_id = community, community.id
    if member is None:
        raise NotFound(_("Community not found."))
    g.member = member


def community_row() -> Community:
    """The request's community as its ORM row, to change it; ``g.community`` from then on."""
    g.community = record(g.community)
    return g.community


def community_blueprint(
    name: str, import_name: str, prefix: str = "", api: bool = False, **kwargs
) -> Blueprint:
    """A blueprint whose views all run inside the community named in the URL."""
    root = "/api/c/<community_slug>" if api else "/c/<community_slug>"
    bp = Blueprint(name, import_name, url_prefix=root + prefix, **kwargs)
    bp.url_value_preprocessor(_load_community)
    bp.before_request(_enter_community)
    return bp


def init_app(app: Flask) -> None:
    @app.url_defaults
    def _keep_community_slug(endpoint, values):
        if "community_slug" in values or not g.get("community_slug"):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "community_slug"):
            values["community_slug"] = g.community_slug


# --- roles -------------------------------------------------------------------------------

# The roles ``requires`` can enforce: a type checker refuses any other at the call, and the
# decorator refuses it when the view's module is imported.
EnforcedRole = Literal["admin"]
ENFORCED_ROLES: frozenset[str] = frozenset(get_args(EnforcedRole))


def requires(role: EnforcedRole):
    """Declare the role a view needs once; owners writing get a 403.

    Only roles this decorator enforces are accepted: ``requires("owner")`` or a typo would
    otherwise guard nothing, so it fails when the module is imported, not in production.
    """
    if role not in ENFORCED_ROLES:
        raise ValueError(f"requires({role!r}): only {sorted(ENFORCED_ROLES)} can be enforced")

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not g.member.is_admin:
                raise Forbidden(_("Only admins of this community can do that."))
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_admin() -> bool:
    return bool(g.get("member")) and g.member.is_admin


def is_id(value) -> bool:
    """An id as a URL or a form gives it: ASCII digits, a size a BIGINT holds (at most 18
    digits), so a huge number is refused as input instead of failing in the database."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18
