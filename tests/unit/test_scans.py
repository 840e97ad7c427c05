"""One scan classifier for every screen (issue 12): what a code is, in the shop's order,
and the shop's card number rule that keeps product barcodes and garbage out of its cards."""

from __future__ import annotations

import datetime as dt

import pytest

from shoptui.barcodes import card_rule_refusal, ean13, is_ean13
from shoptui.errors import ValidationError
from shoptui.models import Card, Customer, Product
from shoptui.services import cards, checkout, customers, registration, scans, settings, vouchers
from shoptui.services.sale_quote import SaleInput

CARD = ean13("200000000777")
PRODUCT = ean13("893000000001")  # a Vietnamese product's EAN-13: valid, not in-store


@pytest.fixture
def shop(database):
    an = customers.register({"name": "An", "phone": "0912 345 678"}).customer
    cards.issue_card(an, CARD)
    old = ean13("200000000888")
    cards.issue_card(an, old)
    cards.withdraw_card(old)
    vouchers.load_gift_card(ean13("290000000001"), 50_000)
    vouchers.create_voucher("SUMMER10", "percent", 1000)
    Product.create(sku="TEA", barcode=PRODUCT, name="Green tea", price=30_000)
    sale = checkout.record_sale(SaleInput(customer=an, amount=10_000)).receipt
    return {"an": an, "old": old, "sale": sale}


def test_each_kind_of_code_is_told_apart(shop):
    an = shop["an"]
    loyalty = scans.classify(f" {CARD}\n")
    assert (loyalty.kind, loyalty.code, loyalty.customer_id, loyalty.customer_name) == ("loyalty", CARD, an.id, "An")
    assert loyalty.opens_customer
    withdrawn = scans.classify(shop["old"])
    assert (withdrawn.kind, withdrawn.customer_id) == ("withdrawn", an.id) and withdrawn.ended_at is not None
    assert scans.classify(ean13("290000000001")).kind == "gift"
    assert scans.classify("SUMMER10").kind == "voucher"
    product = scans.classify(PRODUCT)
    assert (product.kind, product.product_sku, product.product_name) == ("product", "TEA", "Green tea")
    assert scans.classify("TEA").kind == "product"
    assert (scans.classify(an.code).kind, scans.classify(an.code).customer_id) == ("customer", an.id)
    receipt = scans.classify(shop["sale"].number)
    assert (receipt.kind, receipt.receipt_id, receipt.customer_id) == ("receipt", shop["sale"].id, an.id)


def test_an_unknown_code_says_whether_it_could_be_a_new_card(shop):
    new = scans.classify(ean13("200000000999"))
    assert (new.kind, new.new_card_refusal) == ("unknown", None)
    foreign = scans.classify(ean13("400000000001"))  # a product of a shop we do not know
    assert foreign.kind == "unknown" and "product barcode" in foreign.new_card_refusal
    typo = scans.classify("2000000009992")
    assert typo.kind == "unknown" and "check digit" in typo.new_card_refusal
    assert scans.classify("x/1").new_card_refusal
    assert scans.classify("0912 345 679").phone_like


def test_a_card_beats_a_product_with_the_same_code(shop):
    # The order: a card the shop gave out is the customer's before anything else.
    Product.create(sku="SAME", barcode=CARD, name="Clash", price=1)
    assert scans.classify(CARD).kind == "loyalty"


def test_the_first_reading_the_shop_knows_wins(shop):
    assert scans.first_known(["nothing-here", "TEA"]).kind == "product"
    assert scans.first_known(["nothing-here", "nor-this"]).code == "nothing-here"


@pytest.mark.parametrize(
    "code, refused",
    [
        (ean13("200000000001"), None),
        (ean13("210000000999"), None),
        ("2100000009991", "check digit"),  # the issue's card with a birthday's digits typed after it
        ("210000000999115/03/1995", "13 digits"),
        (ean13("893000000001"), "product barcode"),
        ("x/1", "13 digits"),
        ("２００００００００００１５", "13 digits"),  # full-width digits are not a scan
    ],
)
def test_the_in_store_ean13_rule(code, refused):
    refusal = card_rule_refusal(code, "ean13")
    assert (refusal is None) if refused is None else (refused in refusal)


def test_the_prefix_and_any_rules():
    assert card_rule_refusal("KV123456", "prefix", "KV", 8) is None
    assert "starts with KV" in card_rule_refusal("AB123456", "prefix", "KV", 8)
    assert "8 characters" in card_rule_refusal("KV12", "prefix", "KV", 8)
    assert card_rule_refusal("anything", "any") is None
    assert is_ean13(ean13("200000000001")) and not is_ean13("20000000000")


def test_a_new_card_breaking_the_rule_is_refused_and_an_import_keeps_its_cards(shop):
    an = shop["an"]
    with pytest.raises(ValidationError, match="product of this shop"):
        cards.issue_card(an, "TEA")
    with pytest.raises(ValidationError, match="check digit") as caught:
        cards.check_bindable("2100000009991")
    assert caught.value.field == "barcode"
    cards.issue_card(an, "KV-OLD-1", follow_rule=False)  # another program's card, as imported
    assert Card.get_or_none(Card.barcode == "KV-OLD-1") is not None
    settings.set_value("card_rule", "prefix")
    settings.set_value("card_prefix", "KV")
    cards.issue_card(an, "KV-NEW-2")
    with pytest.raises(ValidationError, match="starts with KV"):
        cards.issue_card(an, ean13("200000000555"))


def test_registration_with_a_bad_card_saves_nothing_and_a_good_one_saves_both(shop):
    before = Customer.select().count()
    with pytest.raises(ValidationError) as caught:
        registration.register({"name": "Bình", "phone": "0987 111 222"}, PRODUCT)
    assert caught.value.field == "card" and Customer.select().count() == before
    outcome = registration.register({"name": "Bình", "phone": "0987 111 222"}, ean13("200000000123"))
    assert cards.resolve_scan(ean13("200000000123")).customer.id == outcome.customer.id


def test_a_card_bound_by_another_till_meanwhile_leaves_no_customer(shop, monkeypatch):
    # The check passes, then the binding fails inside the transaction: nothing is kept.
    monkeypatch.setattr(cards, "check_bindable", lambda card, **kw: card)
    before = Customer.select().count()
    with pytest.raises(ValidationError) as caught:
        registration.register({"name": "Chi", "phone": "0903 123 456"}, CARD)
    assert caught.value.field == "card" and "already belongs to An" in str(caught.value)
    assert Customer.select().count() == before


def test_no_card_takes_the_code_of_a_product_voucher_or_customer_even_imported_or_under_any(shop):
    # Found by a hostile tester: an import bound a product's barcode as a card, and under
    # card_rule any a voucher's code, a customer's code and a lower-case SKU became cards,
    # which then took their place at every scan.
    an = shop["an"]
    other = customers.register({"name": "Bình"}).customer
    settings.set_value("card_rule", "any")
    for code, said in (
        (PRODUCT, "product"),
        ("tea", "product"),
        ("SUMMER10", "voucher"),
        ("summer10", "voucher"),
        (other.code, "customer's code"),
        (other.code.lower(), "customer's code"),
    ):
        with pytest.raises(ValidationError, match=said):
            cards.issue_card(an, code)
        with pytest.raises(ValidationError, match=said):
            cards.issue_card(an, code, follow_rule=False)  # as an import binds another program's card
    with pytest.raises(ValidationError, match="plain letters and digits"):
        cards.issue_card(an, "０８９３")
    assert scans.classify("SUMMER10").kind == "voucher" and scans.classify(other.code).kind == "customer"


def test_a_product_or_voucher_may_not_take_a_cards_code(shop, tmp_path):
    from shoptui.io.importer import import_file

    path = tmp_path / "products.csv"
    path.write_text(f"sku,barcode,name,price\nEVIL1,{CARD},Evil,1000\n{CARD},,Evil 2,1000\n", encoding="utf-8")
    result = import_file("products", path)
    assert result.rejected == 2 and not Product.select().where(Product.name.startswith("Evil")).exists()
    with pytest.raises(ValidationError, match="This is An.s card"):
        vouchers.create_voucher(CARD, "amount", 5_000)


def test_a_new_gift_card_or_voucher_code_may_not_mean_something_else(shop):
    """One code, one meaning: a product (any letter case), a loyalty card held now or
    before, a customer's code or the other kind's code is refused with what it is."""
    an = shop["an"]
    for code in (PRODUCT, "tea"):
        for make in (
            lambda c: vouchers.load_gift_card(c, 10_000),
            lambda c: vouchers.create_voucher(c, "amount", 5_000),
        ):
            with pytest.raises(ValidationError, match="This is a product: Green tea"):
                make(code)
    with pytest.raises(ValidationError, match="This is An's card"):
        vouchers.load_gift_card(CARD, 10_000)
    with pytest.raises(ValidationError, match="This is An's card"):
        vouchers.create_voucher(CARD, "amount", 5_000)
    with pytest.raises(ValidationError, match="An"):
        vouchers.create_voucher(shop["old"], "amount", 5_000)
    with pytest.raises(ValidationError, match="customer code"):
        vouchers.create_voucher(an.code.lower(), "amount", 5_000)
    with pytest.raises(ValidationError, match="This is a voucher: SUMMER10"):
        vouchers.load_gift_card("summer10", 10_000)
    with pytest.raises(ValidationError, match="This is a gift card"):
        vouchers.create_voucher(ean13("290000000001"), "amount", 5_000)
    assert scans.new_code_refusal(ean13("290000000001"), "gift") is None  # a top-up of it
    assert scans.new_code_refusal(ean13("290000000002"), "gift") is None
    assert Card.select().where(Card.kind == "gift").count() == 1


def test_check_warns_about_gift_cards_and_vouchers_that_already_clash(shop):
    from shoptui.check import run_checks, warnings
    from shoptui.models import Voucher

    Voucher.create(code=PRODUCT, kind="amount", value=5_000, max_uses=1, created_at=dt.datetime(2024, 1, 1))
    Card.create(barcode="tea", kind="gift", created_at=dt.datetime(2024, 1, 1))
    assert run_checks() == []
    found = [p.message for p in warnings() if p.kind == "code_clash"]
    assert len(found) == 2, found
    assert any(PRODUCT in m and "Green tea" in m for m in found) and any("tea" in m and "Green tea" in m for m in found)
