"""Issue 16 (left open): bidi controls and zero-width characters let a name be displayed as
another. The rule (shoptui.textsafe, README "Text that is kept"): removed where text
enters, so exports give back what is stored byte for byte; shown as a stand-in by every
display, whatever an older version stored."""

from __future__ import annotations

import csv

import pytest

from shoptui.errors import ValidationError, one_line
from shoptui.io.importer import import_file
from shoptui.models import Customer, DebtEntry, PointsEntry, ReceiptLine
from shoptui.reports.render import display
from shoptui.services import customers, debts, points
from shoptui.textsafe import has_hidden, show_hidden, strip_hidden
from tests.hostile import hostile_strings

HIDDEN = [
    chr(c)
    for c in (
        *range(0x202A, 0x202F),
        *range(0x2066, 0x206A),
        *range(0x200B, 0x2010),
        *range(0x2060, 0x2065),
        0x061C,
        0x180E,
        0xFEFF,
    )
]
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji made of three and two joiners


@pytest.mark.parametrize("char", HIDDEN, ids=[f"U+{ord(c):04X}" for c in HIDDEN])
def test_each_hidden_character_is_removed_at_entry_and_shown_at_display(char):
    given = f"Ng{char}uyễn"
    assert customers.clean_text(given, "name") == "Nguyễn"
    assert show_hidden(given) == "Ng\ufffduyễn"
    assert display(given, "VND") == "Ng\ufffduyễn"
    assert char not in one_line(f"No customer {given}.")


def test_a_joiner_inside_an_emoji_is_kept_and_one_between_letters_is_not():
    assert customers.clean_text(f"An {FAMILY}", "name") == f"An {FAMILY}"
    assert show_hidden(FAMILY) == FAMILY
    assert customers.clean_text("A\u200dn", "name") == "An"
    assert strip_hidden("\u200d\U0001f468") == "\U0001f468"  # no emoji before it


def test_the_hostile_corpus_keeps_nothing_that_could_spoof_a_name():
    for given in hostile_strings():
        kept = customers.clean_text(given, "notes")
        assert not has_hidden(kept), repr(given)
        for shown in (show_hidden(given), display(given, "VND")):
            assert strip_hidden(shown) == shown, repr(given)  # only a joiner inside an emoji is left


def test_a_spoofing_name_typed_or_imported_is_stored_without_its_controls(database, tmp_path):
    typed = customers.register({"name": "Bình\u202egnuH\u202c", "company": "A\u200bB"}).customer
    assert (typed.name, typed.company) == ("BìnhgnuH", "AB")
    path = tmp_path / "c.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["code", "name", "area"], ["K1", "\u2067Lan\u2069\u200e", "Q\ufeff1"]])
    import_file("customers", path)
    imported = Customer.get(Customer.code == "K1")
    assert (imported.name, imported.area) == ("Lan", "Q1")


def test_reasons_and_imported_product_names_follow_the_same_rule(database, tmp_path):
    customer = customers.register({"name": "An"}).customer
    debts.adjust_debt(customer, 1000, "fix\u202eed")
    points.adjust_points(customer, 5, "gift\u200b")
    assert DebtEntry.get().reason == "fixed" and PointsEntry.get().reason == "gift"
    path = tmp_path / "s.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [
                ["receipt_no", "datetime", "sku", "product", "qty", "price"],
                ["R1", "2024-03-05 10:00", "S1", "Rice\u202e gk 5", "1", "1000"],
            ]
        )
    import_file("sales", path)
    assert ReceiptLine.get().name == "Rice gk 5"
    with pytest.raises(ValidationError):
        debts.adjust_debt(customer, 1000, "\u202e\u200b")  # only hidden characters: no reason at all


def test_a_message_escapes_hidden_characters_but_keeps_an_emoji_whole():
    assert one_line("No customer A\u202eB.") == "No customer A\\u202eB."
    assert one_line(f"No customer {FAMILY}\u200b.") == f"No customer {FAMILY}\\u200b."
