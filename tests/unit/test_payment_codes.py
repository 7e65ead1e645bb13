"""Payment QR payloads (SPEC §6 "Payment request"), against strings written out by hand."""

import pytest

from app.payment_codes import (
    Payee,
    epc,
    iban_valid,
    missing,
    payee_errors,
    payload,
    purpose,
    st00012,
    swift_bic_valid,
)

BEREZKA = Payee(
    name="СНТ «Берёзка»",
    account="40703810038000000001",
    bank_name="ПАО СБЕРБАНК",
    bic="044525225",
    corr_account="30101810400000000225",
    tax_id="5024000000",
    tax_reg="502401001",
)
MAPLE = Payee(name="Maple Court HOA", account="DE89 3704 0044 0532 0130 00", bic="COBADEFFXXX")


def test_purpose_names_community_member_and_every_property():
    assert (
        purpose("Maple Court", "Olga Owner", ["Flat 1", "Garage 1"])
        == "Maple Court — Olga Owner — Flat 1, Garage 1"
    )
    assert purpose("Maple Court", "Bea Brown", []) == "Maple Court — Bea Brown"
    assert purpose("Maple\nCourt", "Bea\t Brown", ["Flat\r\n2"]) == "Maple Court — Bea Brown — Flat 2"


def test_st00012_with_every_field():
    text = "СНТ «Берёзка» — Иван Петров — Участок 12, Участок 14"
    assert st00012(BEREZKA, 123456, text) == (
        "ST00012|Name=СНТ «Берёзка»|PersonalAcc=40703810038000000001|BankName=ПАО СБЕРБАНК"
        "|BIC=044525225|CorrespAcc=30101810400000000225|PayeeINN=5024000000|KPP=502401001"
        "|Sum=123456|Purpose=СНТ «Берёзка» — Иван Петров — Участок 12, Участок 14"
    )


def test_st00012_leaves_out_what_is_not_given():
    payee = Payee(name="ТСЖ Клён", account="40703 810 0 38000000001", bank_name="Банк", bic="044525225")
    # No correspondent account: "0", as the standard asks; no INN or KPP; nothing owed: no Sum.
    assert st00012(payee, 0, "ТСЖ Клён — Анна") == (
        "ST00012|Name=ТСЖ Клён|PersonalAcc=40703810038000000001|BankName=Банк|BIC=044525225"
        "|CorrespAcc=0|Purpose=ТСЖ Клён — Анна"
    )


def test_st00012_user_text_cannot_add_a_field():
    payee = Payee(name="A|B Sum=1", account="40703810038000000001", bank_name="X|Y", bic="044525225")
    assert st00012(payee, 5, "Plot 5|Sum=999\nKPP=1") == (
        "ST00012|Name=A/B Sum=1|PersonalAcc=40703810038000000001|BankName=X/Y|BIC=044525225"
        "|CorrespAcc=0|Sum=5|Purpose=Plot 5/Sum=999 KPP=1"
    )


def test_st00012_cuts_long_texts_to_the_standards_lengths():
    payee = Payee(name="N" * 200, account="40703810038000000001", bank_name="B" * 60, bic="044525225")
    fields = dict(f.split("=", 1) for f in st00012(payee, 1, "P" * 300).split("|")[1:])
    assert (len(fields["Name"]), len(fields["BankName"]), len(fields["Purpose"])) == (160, 45, 210)


def test_epc_sepa_credit_transfer():
    assert epc(MAPLE, 1032, "Maple Court — Olga Owner — Flat 1, Garage 1") == (
        "BCD\n002\n1\nSCT\nCOBADEFFXXX\nMaple Court HOA\nDE89370400440532013000\nEUR10.32\n\n\n"
        "Maple Court — Olga Owner — Flat 1, Garage 1"
    )


def test_epc_without_bic_or_amount():
    payee = Payee(name="Maple Court HOA", account="de89370400440532013000")
    assert epc(payee, 0, "Maple Court — Bea\nBrown") == (
        "BCD\n002\n1\nSCT\n\nMaple Court HOA\nDE89370400440532013000\n\n\n\nMaple Court — Bea Brown"
    )


def test_epc_lengths():
    payee = Payee(name="N" * 80, account="DE89370400440532013000")
    lines = epc(payee, 100_000_000_000 - 1, "T" * 200).split("\n")
    assert (len(lines[5]), lines[7], len(lines[10])) == (70, "EUR999999999.99", 140)
    with pytest.raises(ValueError):
        epc(payee, 100_000_000_000, "x")


def test_payload_by_currency_and_missing_details():
    assert payload("RUB", BEREZKA, 100, "p")[0] == "ST00012"
    assert payload("EUR", MAPLE, 100, "p")[0] == "EPC"
    assert payload("USD", MAPLE, 100, "p") == (None, None)
    assert payload("RUB", Payee(name="X", account="40703810038000000001"), 100, "p") == (None, None)
    assert missing("RUB", Payee(name="X", account="40703810038000000001")) == ["payee_bank_name", "payee_bic"]
    assert missing("EUR", Payee(name=" ")) == ["payee_name", "payee_account"]


def test_iban_and_bic_checks():
    assert iban_valid("DE89 3704 0044 0532 0130 00")
    assert iban_valid("GB82WEST12345698765432")
    assert not iban_valid("DE88370400440532013000")  # a check digit off
    assert not iban_valid("40703810038000000001")
    assert swift_bic_valid("COBADEFFXXX") and swift_bic_valid("cobadeff")
    assert not swift_bic_valid("044525225")


def test_rub_payee_formats_checked_only_when_given():
    assert payee_errors("RUB", BEREZKA) == {}
    assert payee_errors("RUB", Payee()) == {}
    assert payee_errors("RUB", Payee(tax_id="502400000012")) == {}
    bad = Payee(
        account="4070381003800000000",
        bic="04452522X",
        corr_account="1" * 21,
        tax_id="12345678901",
        tax_reg="50240100",
    )
    assert set(payee_errors("RUB", bad)) == {
        "payee_account",
        "payee_bic",
        "payee_corr_account",
        "payee_tax_id",
        "payee_tax_reg",
    }
    assert payee_errors("RUB", Payee(account="٤" * 20)) != {}  # Arabic-Indic digits are not


def test_eur_payee_formats():
    assert payee_errors("EUR", MAPLE) == {}
    assert set(payee_errors("EUR", Payee(account="DE00 1234", bic="1234"))) == {"payee_account", "payee_bic"}
    assert payee_errors("USD", Payee(account="anything")) == {}
