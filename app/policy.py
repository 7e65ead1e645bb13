"""Who sees what: the one place the owner-transparency rule (SPEC §4) is written.

Admins see every record and sheet. Owners see their own rows; the whole books (every
member's balance, every expense, the meter readings) only when the community shares them
(``owners_see_balance_sheet``). Budget items are everyone's: they are what is split.
"""

from app.models import Member

# The column that makes a row an owner's own, by kind of record (entity names as in the
# audit log). Kinds named nowhere here are read whole by everyone (budget items).
_OWN = {"contribution": "member_id", "charge": "member_id", "payout": "member_id", "adjustment": "member_id"}
# ... the kinds an owner reads whole once the books are shared, else only their own rows,
_OWN_UNLESS_SHARED = {"expense": "paid_by_member_id"}
# ... and the kinds an owner may not read at all unless the books are shared.
_BOOKS_ONLY = {"reading"}


def sees_books(member: Member) -> bool:
    """The member sees every member's balance, the full sheet and the readings."""
    return member.is_admin or bool(member.community.owners_see_balance_sheet)


def visible_rows(member: Member, entity: str) -> dict | None:
    """The listing filters that hold ``member`` to the rows of ``entity`` they may read
    (``{}``: all of them), or None when they may read none."""
    if member.is_admin:
        return {}
    if entity in _OWN:
        return {_OWN[entity]: member.id}
    if entity in _OWN_UNLESS_SHARED:
        return {} if sees_books(member) else {_OWN_UNLESS_SHARED[entity]: member.id}
    if entity in _BOOKS_ONLY:
        return {} if sees_books(member) else None
    return {}
