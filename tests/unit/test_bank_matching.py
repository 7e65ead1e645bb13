"""The bank line matcher (SPEC §6): each rule, in order, and its ties."""

import pytest

from app.importing.matching import Directory, label_owner, suggest_category, suggest_member

ANNA, BORIS, VERA = 1, 2, 3


def plots(**labels):
    return Directory(labels=dict(labels))


@pytest.mark.parametrize(
    "purpose, expected",
    [
        ("Взнос за участок 12", ANNA),
        ("УЧАСТОК 12, январь", ANNA),
        ("plot 12", ANNA),
        ("взнос 12", ANNA),  # the bare number, whole word
        ("взнос 112", None),  # not part of a longer number
        ("взнос 12а", None),
        ("взнос за 12.02.2026", None),  # not a date
        ("сумма 12,50", None),
        ("дом 1/12", None),
        ("(12)", ANNA),
        ("", None),
    ],
)
def test_a_number_label_is_a_whole_word(purpose, expected):
    assert label_owner(purpose, plots(**{"12": ANNA})) == expected


def test_the_longest_label_at_a_place_wins():
    directory = Directory(labels={"Участок 12": ANNA, "12": BORIS, "112": VERA})
    assert label_owner("оплата: участок  12", directory) == ANNA
    assert label_owner("оплата 12", directory) == BORIS
    assert label_owner("оплата 112", directory) == VERA


def test_labels_of_two_owners_prefer_the_one_after_a_property_word():
    directory = Directory(labels={"5": ANNA, "2": BORIS})
    assert label_owner("взнос за участок 5, 2 квартал", directory) == ANNA
    assert label_owner("взнос уч. №2 за 5 месяцев", directory) == BORIS
    assert label_owner("взносы 5 и 2", directory) is None  # a true tie: no answer


def test_two_plots_of_one_owner_are_that_owner():
    directory = Directory(labels={"Plot 1": ANNA, "Plot 2": ANNA, "Plot 3": BORIS})
    assert label_owner("Plot 1 and Plot 2", directory) == ANNA


def test_label_punctuation_must_match():
    directory = Directory(labels={"12/1": ANNA, "12": BORIS})
    assert label_owner("участок 12/1", directory) == ANNA
    assert label_owner("участок 12 1", directory) == BORIS


def test_rules_in_order_label_then_name_then_confirmed():
    directory = Directory(
        labels={"7": ANNA},
        names={"борис бобров": [BORIS]},
        confirmed={"борис бобров": VERA, "ооо ромашка": VERA},
    )
    assert suggest_member("участок 7", "Борис Бобров", directory) == ANNA
    assert suggest_member("взнос", "БОРИС   БОБРОВ", directory) == BORIS
    assert suggest_member("взнос", "ООО Ромашка", directory) == VERA
    assert suggest_member("взнос", "Кто-то", directory) is None


def test_name_ignores_e_with_diaeresis():
    directory = Directory(names={"петр семенов": [BORIS]})
    assert suggest_member("", "Пётр Семёнов", directory) == BORIS


def test_two_members_of_one_name_fall_to_the_confirmed_counterparty():
    directory = Directory(names={"анна": [ANNA, VERA]})
    assert suggest_member("", "Анна", directory) is None
    directory.confirmed["анна"] = VERA
    assert suggest_member("", "Анна", directory) == VERA


def test_an_ambiguous_label_falls_to_the_name():
    directory = Directory(labels={"5": ANNA, "2": BORIS}, names={"вера": [VERA]})
    assert suggest_member("5 и 2", "Вера", directory) == VERA


def test_money_out_takes_the_vendors_category():
    directory = Directory(vendors={'ооо "охрана"': "Security"})
    assert suggest_category('ООО  "Охрана"', directory) == "Security"
    assert suggest_category("Someone else", directory) is None
    assert suggest_category("", directory) is None
