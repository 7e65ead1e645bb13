"""What a member owes now, as a payment request their banking app can read (SPEC §6).

The amount is the debt of the latest period's closing balance (by date; provisional while
that period or an earlier one is open), 0 when the member is in credit or settled. The
purpose names the community, the member and every property label of the member. The payload
is built by the pure ``app.payment_codes``; the QR image by ``segno`` as inline SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

import segno
from flask_babel import gettext, lazy_gettext, pgettext
from markupsafe import Markup
from sqlalchemy import select

from app import payment_codes
from app.extensions import db
from app.models import Community, Member, Property
from app.money import format_cents
from app.services import balances
from app.services.community import in_label_order
from app.services import periods as period_service


@dataclass(frozen=True)
class PaymentRequest:
    member: Member
    community: Community
    amount: int  # cents, ≥ 0
    purpose: str
    format: str | None  # "ST00012", "EPC" or None
    payload: str | None
    payee: payment_codes.Payee

    @property
    def missing(self) -> list[str]:
        return payment_codes.missing(self.community.currency, self.payee)

    def as_json(self) -> dict:
        return {
            "amount": format_cents(self.amount),
            "currency": self.community.currency,
            "purpose": self.purpose,
            "format": self.format,
            "payload": self.payload,
        }

    def details(self) -> list[tuple[str, str]]:
        """The payee details a person copies by hand (mails, the text beside the QR)."""
        p = self.payee
        rows = [
            (gettext("Payee"), p.name),
            (pgettext("bank", "Account"), p.account),
            (gettext("Bank"), p.bank_name),
            (gettext("BIC"), p.bic),
            (gettext("Correspondent account"), p.corr_account),
            (gettext("INN"), p.tax_id),
            (gettext("KPP"), p.tax_reg),
        ]
        return [(label, value) for label, value in rows if value] + [(gettext("Purpose"), self.purpose)]

    def qr_svg(self) -> Markup | None:
        return qr_svg(self.payload, self.format) if self.payload else None


def payee_of(community: Community) -> payment_codes.Payee:
    return payment_codes.Payee(
        name=community.payee_name or "",
        account=community.payee_account or "",
        bank_name=community.payee_bank_name or "",
        bic=community.payee_bic or "",
        corr_account=community.payee_corr_account or "",
        tax_id=community.payee_tax_id or "",
        tax_reg=community.payee_tax_reg or "",
    )


def owed_now(member: Member) -> int:
    """The debt in the latest period's closing balance, in cents (0 when not in debt)."""
    every = period_service.periods()
    if not every:
        return 0
    row = balances.sheet(every[-1]).row_for(member.id)
    closing = row.balance.closing if row else 0
    return -closing if closing < 0 else 0


def for_member(member: Member, amount: int | None = None) -> PaymentRequest:
    """The member's payment request; ``amount`` (cents) when the caller already knows it,
    as a reminder does."""
    community = member.community
    amount = owed_now(member) if amount is None else max(amount, 0)
    labels = [
        p.label
        for p in in_label_order(
            db.session.execute(select(Property).where(Property.owner_member_id == member.id)).scalars()
        )
    ]
    purpose = payment_codes.purpose(community.name, member.name, labels)
    payee = payee_of(community)
    kind, payload = payment_codes.payload(
        community.currency, payee, min(amount, payment_codes.EPC_MAX_CENTS), purpose
    )
    return PaymentRequest(member, community, amount, purpose, kind, payload, payee)


def qr_code(payload: str, kind: str | None = None) -> segno.QRCode:
    """The QR symbol. EPC069-12 asks for error correction level M exactly; otherwise segno
    may raise the level when the version has room (a smudged screen still scans)."""
    return segno.make(payload, error="m", micro=False, boost_error=kind != payment_codes.EPC)


def qr_svg(payload: str, kind: str | None = None) -> Markup:
    """The QR as inline SVG: black on white (a dark page theme must not invert it), a quiet
    zone of four modules, and presentation attributes only (the CSP forbids inline styles)."""
    svg = qr_code(payload, kind).svg_inline(
        scale=4,
        border=4,
        omitsize=True,
        light="#fff",
        dark="#000",
        svgclass="payment-qr",
        lineclass=None,
        title=str(QR_LABEL),
    )
    # segno's own SVG markup; the only text in it is our label, escaped (a translation).
    label = Markup.escape(str(QR_LABEL))
    labelled = svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
    return Markup(labelled)  # noqa: S704


QR_LABEL = lazy_gettext("Payment QR code: scan it with your banking app")
