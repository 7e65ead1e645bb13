"""Payment request payloads that banking apps read from a QR code (SPEC §6). Pure text: no
Flask, no SQLAlchemy.

- ``st00012`` — GOST R 56042-2014, the Russian "ST00012" string (version 0001, UTF-8):
  ``ST00012|Name=…|PersonalAcc=…|BankName=…|BIC=…|CorrespAcc=…|PayeeINN=…|KPP=…|Sum=…|Purpose=…``
  with ``Sum`` in kopecks. ``|`` separates fields, so it never appears inside a value.
- ``epc`` — EPC069-12, the European Payments Council "SEPA credit transfer" QR (version 002,
  character set 1 = UTF-8): twelve newline-separated elements, trailing empty ones left off.

A zero amount leaves the amount out (the payer types what they want to pay ahead) rather
than asking for a transfer of nothing, which banking apps refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from app.money import format_cents

ST00012 = "ST00012"
EPC = "EPC"

# GOST R 56042-2014, table 1 (maximum lengths of the values).
ST_NAME, ST_BANK_NAME, ST_PURPOSE = 160, 45, 210
# EPC069-12, section 3.4.
EPC_NAME, EPC_TEXT, EPC_MAX_CENTS = 70, 140, 99_999_999_999

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Payee:
    """Who receives the money: the community's payee settings."""

    name: str = ""
    account: str = ""  # RUB: the 20-digit settlement account; EUR: the IBAN
    bank_name: str = ""
    bic: str = ""
    corr_account: str = ""  # RUB: the bank's correspondent account
    tax_id: str = ""  # RUB: ИНН
    tax_reg: str = ""  # RUB: КПП


def one_line(text: str) -> str:
    """User text as one line: line breaks, tabs and control characters become spaces."""
    cleaned = "".join(" " if ord(c) < 32 or ord(c) == 127 else c for c in text or "")
    return _SPACES.sub(" ", cleaned).strip()


def compact(code: str) -> str:
    """An account number, IBAN or BIC as banks want it: no spaces, upper case."""
    return re.sub(r"\s+", "", code or "").upper()


def purpose(community: str, member: str, labels: list[str]) -> str:
    """The payment's purpose: the community, the member, and every property label."""
    parts = [one_line(community), one_line(member)]
    if labels:
        parts.append(", ".join(one_line(label) for label in labels))
    return " — ".join(p for p in parts if p)


def _st_value(text: str, limit: int | None = None) -> str:
    value = one_line(text).replace("|", "/")
    return value[:limit].rstrip() if limit else value


def st00012(payee: Payee, amount_cents: int, purpose_text: str) -> str:
    """GOST R 56042-2014 payload. The required block (Name, PersonalAcc, BankName, BIC,
    CorrespAcc — "0" when the bank has none) comes first, then the optional fields given."""
    fields = [
        ("Name", _st_value(payee.name, ST_NAME)),
        ("PersonalAcc", compact(payee.account)),
        ("BankName", _st_value(payee.bank_name, ST_BANK_NAME)),
        ("BIC", compact(payee.bic)),
        ("CorrespAcc", compact(payee.corr_account) or "0"),
    ]
    if payee.tax_id.strip():
        fields.append(("PayeeINN", compact(payee.tax_id)))
    if payee.tax_reg.strip():
        fields.append(("KPP", compact(payee.tax_reg)))
    if amount_cents > 0:
        fields.append(("Sum", str(amount_cents)))
    text = _st_value(purpose_text, ST_PURPOSE)
    if text:
        fields.append(("Purpose", text))
    return "|".join([ST00012, *(f"{key}={value}" for key, value in fields)])


def epc(payee: Payee, amount_cents: int, remittance: str) -> str:
    """EPC069-12 payload: BCD, 002, 1, SCT, BIC, name, IBAN, amount, purpose code (empty),
    structured reference (empty), unstructured remittance text."""
    if amount_cents > EPC_MAX_CENTS:
        raise ValueError("EPC QR amounts stop at 999999999.99")
    amount = f"EUR{format_cents(amount_cents)}" if amount_cents > 0 else ""
    elements = [
        "BCD",
        "002",
        "1",
        "SCT",
        compact(payee.bic),
        one_line(payee.name)[:EPC_NAME].rstrip(),
        compact(payee.account),
        amount,
        "",
        "",
        one_line(remittance)[:EPC_TEXT].rstrip(),
    ]
    while elements[-1] == "":
        elements.pop()
    return "\n".join(elements)


def missing(currency: str, payee: Payee) -> list[str]:
    """The payee settings a payload needs and does not have (the setting names)."""
    if currency == "RUB":
        needed = {
            "payee_name": payee.name,
            "payee_account": payee.account,
            "payee_bank_name": payee.bank_name,
            "payee_bic": payee.bic,
        }
    elif currency == "EUR":
        needed = {"payee_name": payee.name, "payee_account": payee.account}
    else:
        return []
    return [name for name, value in needed.items() if not value.strip()]


def payload(
    currency: str, payee: Payee, amount_cents: int, purpose_text: str
) -> tuple[str | None, str | None]:
    """(format, payload) for the community's currency; (None, None) for a currency no
    supported QR standard covers, or when payee details are missing."""
    if currency not in ("RUB", "EUR") or missing(currency, payee):
        return None, None
    if currency == "RUB":
        return ST00012, st00012(payee, amount_cents, purpose_text)
    return EPC, epc(payee, amount_cents, purpose_text)


# --- checking what a treasurer types -----------------------------------------------------


def iban_valid(text: str) -> bool:
    """ISO 13616: country, two check digits, up to 30 letters and digits; mod 97 == 1."""
    iban = compact(text)
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def swift_bic_valid(text: str) -> bool:
    """ISO 9362: bank (4 letters), country (2 letters), location (2), branch (3, optional)."""
    return re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", compact(text)) is not None


def payee_errors(currency: str, payee: Payee) -> dict[str, list[str]]:
    """Format errors of the given (non-blank) payee fields for the community's currency."""
    errors: dict[str, list[str]] = {}

    def check(field: str, value: str, ok: bool, message: str) -> None:
        if value.strip() and not ok:
            errors[field] = [message]

    if currency == "RUB":

        def digits(value: str, *lengths: int) -> bool:
            code = compact(value)
            return code.isascii() and code.isdigit() and len(code) in lengths

        check(
            "payee_account",
            payee.account,
            digits(payee.account, 20),
            _("A settlement account has 20 digits."),
        )
        check("payee_bic", payee.bic, digits(payee.bic, 9), _("A BIC (БИК) has 9 digits."))
        check(
            "payee_corr_account",
            payee.corr_account,
            digits(payee.corr_account, 20),
            _("A correspondent account has 20 digits."),
        )
        check(
            "payee_tax_id", payee.tax_id, digits(payee.tax_id, 10, 12), _("An INN (ИНН) has 10 or 12 digits.")
        )
        check(
            "payee_tax_reg",
            payee.tax_reg,
            re.fullmatch(r"\d{4}[0-9A-Z]{2}\d{3}", compact(payee.tax_reg)) is not None,
            _("A KPP (КПП) has 9 characters: digits, letters only in places 5 and 6."),
        )
        check(
            "payee_bank_name",
            payee.bank_name,
            len(one_line(payee.bank_name)) <= ST_BANK_NAME,
            _("At most %(num)d characters in a Russian payment QR.", num=ST_BANK_NAME),
        )
    elif currency == "EUR":
        check(
            "payee_account",
            payee.account,
            iban_valid(payee.account),
            _("Not a valid IBAN (check the country code, check digits and length)."),
        )
        check(
            "payee_bic",
            payee.bic,
            swift_bic_valid(payee.bic),
            _("A BIC has 8 or 11 letters and digits, e.g. COBADEFFXXX."),
        )
        check(
            "payee_name",
            payee.name,
            len(one_line(payee.name)) <= EPC_NAME,
            _("At most %(num)d characters in a SEPA payment QR.", num=EPC_NAME),
        )
    return errors
