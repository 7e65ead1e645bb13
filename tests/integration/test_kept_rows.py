"""Members and properties are never deleted, and the database refuses to (migration
f7a0c4d1): a posting's member and property carry no foreign key since then, so nothing else
would stop a DELETE from leaving a closed period's postings pointing at nobody.

PostgreSQL's rule: on SQLite, the embedded default, foreign keys were never enforced.

The member below owns a property, was split a share of a closed period, then lost the
property: no record and no property names them any more (their postings and balance
snapshot do)."""

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Member, Posting, Property
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import ApiWorld


pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="PostgreSQL's rule (SQLite never enforced foreign keys)",
)


@pytest.fixture
def closed_split(community):
    w = ApiWorld(community)
    фёдор = w.member("Фёдор Кузьмич Лебедев", "fyodor@snt.example")
    анна = w.member("Анна Петровна Соколова", "anna@snt.example")
    plot = w.prop("Участок № 7", "6", фёдор)
    q1 = w.period("2026 Q1", "2026-01-01", "2026-03-31")
    w.item(q1, "Вывоз мусора", "proportional", "1200.00")
    w.post(f"/periods/{q1}/expenses", payment_type="Вывоз мусора", amount="1200.00", date="2026-02-03")
    w.close(q1)
    w.patch(f"/properties/{plot}", owner_member_id=анна)
    return фёдор, plot


def posting_count(scoped, community_id, **where) -> int:
    with scoped(community_id):
        query = select(func.count()).select_from(Posting)
        for column, value in where.items():
            query = query.where(getattr(Posting, column) == value)
        return db.session.execute(query).scalar_one()


def test_a_member_known_only_to_postings_cannot_be_deleted(community, scoped, closed_split):
    фёдор, _plot = closed_split
    assert posting_count(scoped, community.id, member_id=фёдор) == 1  # the 1,200.00 split
    with scoped(community.id):
        with pytest.raises(IntegrityError, match="never deleted"):
            db.session.execute(delete(Member).where(Member.id == фёдор))
        db.session.rollback()
        assert db.session.get(Member, фёдор).name == "Фёдор Кузьмич Лебедев"
    assert posting_count(scoped, community.id, member_id=фёдор) == 1


def test_a_property_cannot_be_deleted(community, scoped, closed_split):
    _fyodor, plot = closed_split
    with scoped(community.id):
        with pytest.raises(IntegrityError, match="never deleted"):
            db.session.execute(delete(Property).where(Property.id == plot))
        db.session.rollback()
        assert db.session.get(Property, plot).label == "Участок № 7"
    assert posting_count(scoped, community.id, property_id=plot) == 1
