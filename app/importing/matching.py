"""Who a bank statement line is from, or what it paid for (SPEC §6). Pure: the service hands
in what it knows of the community as a ``Directory``.

Money in is matched to a member, the first rule that gives exactly one member winning:

1. **A property label in the purpose.** The label's words appear in the purpose in order,
   case-insensitively, as whole words: no letter or digit touches either end, and a number
   label is not part of a longer number (``12`` is not found in ``112``, ``12а``,
   ``12.02.2026``, ``12,50`` or ``1/12``). Where labels overlap, the longest one found at a
   place wins: in "участок 12" the label "Участок 12" is found, not also "12". If the labels
   found belong to more than one member, those preceded by a property word ("участок",
   "уч.", "кв.", "plot", "unit", "lot", "№", "#", …) are preferred ("за участок 5, 2 квартал"
   is plot 5's owner, not plot 2's); if that still names several members, this rule gives
   no answer and the next one decides.
2. **The counterparty is a member's name**, ignoring case, spacing and ё/е. Two members of
   that name: no answer from this rule.
3. **The counterparty of a line confirmed earlier**: the member that counterparty's most
   recently confirmed line went to.

Money out takes the ``payment_type`` of the latest expense (by date, then by id) whose
vendor is the counterparty (ignoring case and spacing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Directory", "key", "label_owner", "suggest_category", "suggest_member"]

PROPERTY_WORDS = frozenset(
    {
        "участок",
        "участка",
        "участку",
        "уч",
        "кв",
        "квартира",
        "квартиры",
        "дом",
        "дома",
        "гараж",
        "гаража",
        "бокс",
        "лот",
        "plot",
        "unit",
        "lot",
        "flat",
        "apt",
        "apartment",
        "house",
        "garage",
        "no",
        "nr",
    }
)
_TOKEN = re.compile(r"\w+")
_NUMBER_JOINERS = ".,/-"


def key(text: str) -> str:
    """Names compare ignoring case, spacing and ё/е."""
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


@dataclass
class Directory:
    """What the matcher knows of a community."""

    # property label -> its owner's member id (active members only)
    labels: dict[str, int] = field(default_factory=dict)
    # key(name) -> member ids with that name
    names: dict[str, list[int]] = field(default_factory=dict)
    # key(counterparty) -> member id of that counterparty's latest confirmed line
    confirmed: dict[str, int] = field(default_factory=dict)
    # key(vendor) -> payment_type of that vendor's latest expense
    vendors: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        # labels by their words, so a purpose is scanned once, a dict lookup per word
        self._by_tokens: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        for label, owner in self.labels.items():
            tokens = tuple(t.casefold() for t in _TOKEN.findall(key(label)))
            if tokens:
                core = re.sub(r"^\W+|\W+$", "", _squeeze(key(label)))
                self._by_tokens.setdefault(tokens, []).append((core, owner))
        self._longest = max((len(t) for t in self._by_tokens), default=0)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def label_owner(purpose: str, directory: Directory) -> int | None:
    """Rule 1: the owner of the property labels found in the purpose, if exactly one."""
    text = key(purpose)
    tokens = list(_TOKEN.finditer(text))
    found: list[tuple[int, bool]] = []  # (owner, preceded by a property word)
    index = 0
    while index < len(tokens):
        match = _longest_at(text, tokens, index, directory)
        if match is None:
            index += 1
            continue
        length, owner = match
        found.append((owner, _after_property_word(text, tokens, index)))
        index += length
    owners = {owner for owner, _ in found}
    if len(owners) > 1:
        owners = {owner for owner, marked in found if marked}
    return owners.pop() if len(owners) == 1 else None


def _longest_at(text, tokens, index, directory) -> tuple[int, int] | None:
    words = [t[0] for t in tokens[index : index + directory._longest]]
    for count in range(len(words), 0, -1):
        for core, owner in directory._by_tokens.get(tuple(words[:count]), ()):
            start, end = tokens[index].start(), tokens[index + count - 1].end()
            # The label's own punctuation must be there too ("12/1" is not "12 1").
            if _squeeze(text[start:end]) != core or _joined_number(text, start, end):
                continue
            return count, owner
    return None


def _joined_number(text: str, start: int, end: int) -> bool:
    """Is text[start:end] part of a longer number: 12 in 12.02.2026, 1/12, 12-1, 12,50?"""
    before = text[start - 2 : start] if start >= 2 else ""
    after = text[end : end + 2]
    return (
        len(before) == 2 and before[1] in _NUMBER_JOINERS and before[0].isdigit() and text[start].isdigit()
    ) or (len(after) == 2 and after[0] in _NUMBER_JOINERS and after[1].isdigit() and text[end - 1].isdigit())


def _after_property_word(text: str, tokens, index: int) -> bool:
    first = tokens[index]
    if first[0] in PROPERTY_WORDS:
        return True  # the label itself says it ("Участок 12")
    gap = text[tokens[index - 1].end() : first.start()] if index else text[: first.start()]
    if "№" in gap or "#" in gap:
        return True
    return index > 0 and tokens[index - 1][0] in PROPERTY_WORDS


def suggest_member(purpose: str, counterparty: str, directory: Directory) -> int | None:
    """The member a line of money in is from, by the three rules in order; None if none."""
    owner = label_owner(purpose, directory)
    if owner is not None:
        return owner
    name = key(counterparty)
    if name:
        named = directory.names.get(name, [])
        if len(named) == 1:
            return named[0]
        return directory.confirmed.get(name)
    return None


def suggest_category(counterparty: str, directory: Directory) -> str | None:
    """The category of a line of money out: the vendor's latest expense's."""
    name = key(counterparty)
    return directory.vendors.get(name) if name else None
