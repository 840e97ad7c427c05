"""The directory's search: words, accents, phones, codes, cards, filters, order and paging."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from shoptui.errors import DatabaseError, ValidationError
from shoptui.io import directory_export
from shoptui.models import Customer
from shoptui.services import cards, customers, debts, directory, points
from shoptui.services.directory import Filters, Row, Sort, iter_rows, search
from tests.actors import SYSTEM


def names(rows: list[Row]) -> list[str]:
    return [row.name for row in rows]


@pytest.fixture
def shop(database):
    """A few customers of a Vietnamese shop with Russian and German regulars."""
    made = {}
    for name, phone in (
        ("Nguyễn Thị Hồng", "0912 345 678"),
        ("Nguyễn Văn An", "0987 111 222"),
        ("Đặng Văn Lâm", "0903 000 111"),
        ("Ёлкин Пётр", ""),
        ("Hans Straße", "+49 30 1234567"),
        ("Anh Nguyen-Tran", ""),
        ("Hoàng Anh", ""),
    ):
        made[name] = customers.register({"name": name, "phone": phone}).customer
    return made


def test_blank_query_lists_everyone_in_name_order_with_accents_folded(shop):
    # Binary order would put "Đặng" and "Ёлкин" after "Z"; a person expects them with D and E.
    assert names(search("")) == [
        "Anh Nguyen-Tran",
        "Đặng Văn Lâm",
        "Ёлкин Пётр",
        "Hans Straße",
        "Hoàng Anh",
        "Nguyễn Thị Hồng",
        "Nguyễn Văn An",
    ]


def test_words_match_word_starts_in_any_order_without_accents_or_case(shop):
    # Names that start with a word of the query come first.
    assert names(search("nguyen")) == ["Nguyễn Thị Hồng", "Nguyễn Văn An", "Anh Nguyen-Tran"]
    assert names(search("nguyen hong")) == ["Nguyễn Thị Hồng"]
    assert names(search("HONG nguy")) == ["Nguyễn Thị Hồng"]
    assert names(search("nguyen lan")) == []
    assert names(search("uyen")) == []  # the middle of a word is not a match
    assert names(search("anh")) == ["Anh Nguyen-Tran", "Hoàng Anh"]


def test_letters_that_unicode_stripping_misses_are_folded(shop):
    assert names(search("dang")) == ["Đặng Văn Lâm"]
    assert names(search("Đặng")) == ["Đặng Văn Lâm"]
    assert names(search("elkin")) == ["Ёлкин Пётр"]
    assert names(search("ёлкин")) == ["Ёлкин Пётр"]
    assert names(search("strasse")) == ["Hans Straße"]
    assert names(search("straße")) == ["Hans Straße"]


def test_last_digits_of_a_phone_find_the_customer(shop):
    assert names(search("5678")) == ["Nguyễn Thị Hồng"]
    assert names(search("678")) == ["Nguyễn Thị Hồng"]
    assert names(search("4567")) == ["Hans Straße"]  # a foreign number kept in E.164
    assert names(search("78")) == []  # two digits are too few to mean a phone


def test_any_written_form_of_the_number_finds_the_customer(shop):
    for typed in ("0912 345 678", "0912345678", "+84912345678", "+84 912-345-678", "(091) 234 5678"):
        assert names(search(typed)) == ["Nguyễn Thị Hồng"], typed


def test_a_phone_that_could_not_be_read_is_found_by_its_typed_digits(database):
    odd = customers.register({"name": "Số lạ", "phone": "12-34"}).customer
    assert odd.phone is None
    assert names(search("1234")) == ["Số lạ"]


def test_a_code_or_a_held_card_finds_exactly_that_customer(shop):
    hong = shop["Nguyễn Thị Hồng"]
    an = shop["Nguyễn Văn An"]
    assert names(search(hong.code)) == ["Nguyễn Thị Hồng"]
    assert names(search(hong.code.lower())) == ["Nguyễn Thị Hồng"]  # the code is also a word of the key
    cards.issue_card(an, "2000000000015")
    assert names(search("2000000000015")) == ["Nguyễn Văn An"]
    assert names(search(" 2000000000015 ")) == ["Nguyễn Văn An"]


def test_a_withdrawn_card_finds_nobody(shop):
    cards.issue_card(shop["Nguyễn Văn An"], "2000000000022")
    cards.withdraw_card("2000000000022")
    assert search("2000000000022") == []


def test_archived_customers_are_hidden_unless_a_filter_asks(shop):
    customers.archive(shop["Hoàng Anh"])
    assert names(search("anh")) == ["Anh Nguyen-Tran"]
    assert names(search("anh", filters=Filters(statuses=("archived",)))) == ["Hoàng Anh"]
    everyone = Filters(statuses=("active", "incomplete", "archived"))
    assert names(search("anh", filters=everyone)) == ["Anh Nguyen-Tran", "Hoàng Anh"]
    # An exact code obeys the filter too.
    assert search(shop["Hoàng Anh"].code) == []


def test_incomplete_customers_are_shown(database):
    customers.register({"name": "Chưa đủ", "status": "incomplete"})
    assert [(row.name, row.status) for row in search("chua")] == [("Chưa đủ", "incomplete")]


def test_filters_for_debt_group_and_birthday_month(shop):
    debts.set_opening_balance(shop["Đặng Văn Lâm"], 50_000)
    customers.add_to_group(shop["Hans Straße"], "Stammkunden")
    customers.update(shop["Hoàng Anh"], {"birthday": dt.date(1990, 3, 31)})
    customers.update(shop["Nguyễn Văn An"], {"birthday": dt.date(1985, 4, 1)})
    assert names(search("", filters=Filters(with_debt=True))) == ["Đặng Văn Lâm"]
    assert names(search("", filters=Filters(group="Stammkunden"))) == ["Hans Straße"]
    assert names(search("", filters=Filters(group="nobody's group"))) == []
    assert names(search("", filters=Filters(birthday_month=3))) == ["Hoàng Anh"]
    assert names(search("nguyen", filters=Filters(birthday_month=4))) == ["Nguyễn Văn An"]


def test_bad_filters_are_refused(database):
    with pytest.raises(ValidationError):
        search("", filters=Filters(statuses=("gone",)))
    with pytest.raises(ValidationError):
        search("", filters=Filters(statuses=()))
    with pytest.raises(ValidationError):
        search("", filters=Filters(birthday_month=13))


def test_rows_carry_plain_values_with_money_as_integers(shop):
    lam = shop["Đặng Văn Lâm"]
    debts.set_opening_balance(lam, 125_000)
    points.set_opening_balance(lam, 42)
    (row,) = search("dang")
    assert row == Row(
        id=lam.id,
        code=lam.code,
        name="Đặng Văn Lâm",
        phone="+84903000111",
        phone_typed="0903 000 111",
        debt=125_000,
        total_sales=0,
        last_purchase_at=None,
        points=42,
        status="active",
    )
    assert isinstance(row.debt, int) and isinstance(row.total_sales, int)


def test_pages_follow_one_another_without_gaps_or_repeats(database):
    for i in range(25):
        customers.register({"name": f"Khách {i:02d}"})
    everyone = [row.id for row in search("khach", limit=100)]
    pages = [search("khach", limit=10, offset=offset) for offset in (0, 10, 20, 30)]
    assert [len(page) for page in pages] == [10, 10, 5, 0]
    assert [row.id for page in pages for row in page] == everyone
    assert len(set(everyone)) == 25


@pytest.mark.parametrize("query", ["%", "_", "%%%", "[/]", "'; DROP TABLE customer; --", "\x1b[31m", "!!", "😀"])
def test_wildcards_markup_and_junk_match_nothing_and_break_nothing(shop, query):
    assert search(query) == []
    assert Customer.select().count() == len(shop)


def test_a_pasted_page_of_text_is_still_a_query(shop):
    # Hundreds of words would make an SQL expression deeper than SQLite allows.
    assert names(search("nguyen hong " * 400)) == ["Nguyễn Thị Hồng"]
    assert search("x" * 5000) == []


def test_a_broken_database_is_a_plain_error(shop, database):
    database.execute_sql("ALTER TABLE customer RENAME TO customer_gone")
    with pytest.raises(DatabaseError, match="customer list cannot be read"):
        search("nguyen")


# -- order ----------------------------------------------------------------------------------


def test_every_sort_order_with_ties_broken_by_id(shop):
    debts.set_opening_balance(shop["Đặng Văn Lâm"], 50_000)
    debts.set_opening_balance(shop["Hoàng Anh"], 70_000)
    points.set_opening_balance(shop["Hans Straße"], 10)
    assert names(search("", sort=Sort("debt", descending=True)))[:3] == [
        "Hoàng Anh",
        "Đặng Văn Lâm",
        "Anh Nguyen-Tran",
    ]  # then the newest
    assert names(search("", sort=Sort("points", descending=True)))[0] == "Hans Straße"
    assert names(search("", sort=Sort("name", descending=True)))[0] == "Nguyễn Văn An"
    by_sales = [row.id for row in search("", sort=Sort("total_sales", descending=True))]
    assert by_sales == sorted(by_sales, reverse=True)  # all equal: the id decides
    with pytest.raises(ValidationError):
        search("", sort=Sort("favourite colour"))


def test_customers_who_never_bought_come_last_by_last_purchase(shop):
    lam, hong = shop["Đặng Văn Lâm"], shop["Nguyễn Thị Hồng"]
    Customer.update(last_purchase_at=dt.datetime(2025, 1, 2)).where(Customer.id == lam.id).execute()
    Customer.update(last_purchase_at=dt.datetime(2025, 6, 1)).where(Customer.id == hong.id).execute()
    assert names(search("", sort=Sort("last_purchase", descending=True)))[:2] == ["Nguyễn Thị Hồng", "Đặng Văn Lâm"]
    assert names(search("", sort=Sort("last_purchase")))[:2] == ["Đặng Văn Lâm", "Nguyễn Thị Hồng"]
    assert search("", sort=Sort("last_purchase"))[-1].last_purchase_at is None


@pytest.mark.parametrize("query", ["nguyen", "an", "nguyen hong", "n", "678", "0912 345 678", "Hans"])
def test_broad_and_narrow_plans_give_the_same_list(shop, monkeypatch, query):
    narrow = [row.id for row in search(query)]
    monkeypatch.setattr(directory, "NARROW_LIMIT", 0)  # every way now counts as broad
    assert [row.id for row in search(query)] == narrow
    for sort in (Sort("debt", True), Sort("name", True)):
        assert len(search(query, sort=sort)) == len(narrow)


# -- export ---------------------------------------------------------------------------------


def test_export_rows_come_in_batches_in_the_shown_order(shop, monkeypatch):
    monkeypatch.setattr(directory, "EXPORT_BATCH", 3)
    batches = list(iter_rows("", sort=Sort("name")))
    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert [row for batch in batches for row in batch] == search("")
    assert [row.name for batch in iter_rows("nguyen") for row in batch] == names(search("nguyen"))


# -- the word index stays in step with every writer -----------------------------------------


def test_the_index_follows_register_update_archive_and_delete(database):
    an = customers.register({"name": "Nguyễn Văn An"}).customer
    assert names(search("an nguyen")) == ["Nguyễn Văn An"]
    customers.update(an, {"name": "Trần Văn Bình", "company": "Công ty Đức"})
    assert search("an nguyen") == []
    assert names(search("binh tran")) == names(search("duc")) == ["Trần Văn Bình"]
    assert directory.index_is_in_step()
    Customer.delete().where(Customer.id == an.id).execute()
    assert search("binh") == [] and directory.index_is_in_step()


def test_the_index_follows_an_import(database, tmp_path):
    import csv

    from shoptui.io.importer import import_file

    path = tmp_path / "kh.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [
                ["Mã khách hàng", "Tên khách hàng", "Điện thoại"],
                *[[f"KH{i:03d}", f"Đỗ Thị Mai {i}", ""] for i in range(40)],
            ]
        )
    import_file("customers", path)
    assert len(search("mai do")) == 40
    assert names(search("do 7")) == ["Đỗ Thị Mai 7"]
    assert directory.index_is_in_step()


def test_the_index_is_in_step_after_a_restore(tmp_path):
    from shoptui import backup
    from shoptui import db as dbmod

    source = tmp_path / "shop.sqlite"
    dbmod.open_database(str(source))
    from shoptui.services import settings
    from shoptui.services.stores import ensure_main_store

    settings.clear_cache()
    settings.ensure_defaults()
    ensure_main_store()
    customers.register({"name": "Lê Thu Hà"})
    dbmod.database.close()
    copy = backup.backup_database(str(source), tmp_path / "copy.sqlite")
    # An older backup: made before the word index existed.
    conn = sqlite3.connect(copy)
    conn.executescript(
        "DROP TRIGGER customer_fts_insert; DROP TRIGGER customer_fts_update; DROP TRIGGER customer_fts_delete;"
        " DROP TABLE customer_fts; DELETE FROM shoptui_migration WHERE name = '0002_customer_search';"
    )
    conn.commit()
    conn.close()
    target = tmp_path / "restored.sqlite"
    backup.restore_database(copy, str(target))
    dbmod.open_database(str(target))
    try:
        settings.clear_cache()
        assert names(search("ha le")) == ["Lê Thu Hà"]
        assert directory.index_is_in_step()
        directory.rebuild_index()
        assert names(search("thu")) == ["Lê Thu Hà"]
    finally:
        dbmod.database.close()
        settings.clear_cache()


def test_a_stale_index_is_noticed_and_rebuilt(shop, database):
    # A writer that went around the triggers (they cannot be dropped by a service).
    database.execute_sql("DROP TRIGGER customer_fts_update")
    database.execute_sql("UPDATE customer SET search_key = 'zzz' WHERE id = ?", (shop["Hoàng Anh"].id,))
    assert not directory.index_is_in_step()
    directory.rebuild_index()
    assert directory.index_is_in_step()
    assert names(search("zzz")) == ["Hoàng Anh"]


# -- PostgreSQL -----------------------------------------------------------------------------


def test_search_filters_and_sort_on_postgresql(pg_database):
    indexes = {index.name for index in pg_database.get_indexes("customer")}
    assert "customer_search_key_trgm" in indexes  # the word search's trigram index
    for name, phone in (("Nguyễn Thị Hồng", "0912 345 678"), ("Đặng Văn Lâm", "0903 000 111"), ("Hans Straße", "")):
        customers.register({"name": name, "phone": phone})
    assert names(search("hong nguyen")) == ["Nguyễn Thị Hồng"]
    assert names(search("dang")) == ["Đặng Văn Lâm"]
    assert names(search("strasse")) == ["Hans Straße"]
    assert names(search("5678")) == names(search("+84912345678")) == ["Nguyễn Thị Hồng"]
    assert names(search("")) == ["Đặng Văn Lâm", "Hans Straße", "Nguyễn Thị Hồng"]
    assert names(search("", sort=Sort("name", descending=True)))[0] == "Nguyễn Thị Hồng"
    # Nobody bought yet: the newest first.
    assert names(search("", sort=Sort("last_purchase", descending=True))) == [
        "Hans Straße",
        "Đặng Văn Lâm",
        "Nguyễn Thị Hồng",
    ]
    assert [len(b) for b in iter_rows("")] == [3]


def test_export_to_csv_neutralises_formulas_and_keeps_the_filter(shop, tmp_path):
    import csv

    customers.update(shop["Hoàng Anh"], {"name": '=HYPERLINK("http://x")'})
    debts.set_opening_balance(shop["Đặng Văn Lâm"], 125_000)
    path = tmp_path / "khach.csv"
    assert directory_export.export(path, "") == len(shop)
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Code", "Name", "Phone", "Debt", "Total sales", "Last purchase", "Points", "Status"]
    assert '\'=HYPERLINK("http://x")' in [row[1] for row in rows]
    lam = next(row for row in rows if row[1] == "Đặng Văn Lâm")
    assert lam[2:5] == ["0903 000 111", "125000", "0"]  # as the screen shows it
    assert directory_export.export(path, "", filters=Filters(with_debt=True)) == 1
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 2
    assert not list(tmp_path.glob(".*shoptui-partial*"))


def test_export_to_xlsx_streams_every_row(shop, tmp_path):
    from openpyxl import load_workbook

    debts.set_opening_balance(shop["Đặng Văn Lâm"], 125_000)
    path = tmp_path / "khach.xlsx"
    assert directory_export.export(path, "nguyen", sort=Sort("name")) == 3
    sheet = load_workbook(path).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:2] == ["Code", "Name"]
    assert [row[1] for row in values[1:]] == ["Nguyễn Thị Hồng", "Nguyễn Văn An", "Anh Nguyen-Tran"]
    directory_export.export(path, "dang")
    assert [cell.value for cell in load_workbook(path).active[2]][3] == 125_000


def test_export_refuses_a_folder_or_a_missing_folder(shop, tmp_path):
    with pytest.raises(ValidationError, match="is a folder; give the name of a file"):
        directory_export.export(tmp_path)
    with pytest.raises(ValidationError, match="does not exist"):
        directory_export.export(tmp_path / "nope" / "x.csv")


def test_export_is_the_owners_a_cashier_or_manager_is_refused_and_no_file_written(shop, tmp_path):
    from shoptui.errors import PermissionDenied
    from shoptui.services import users
    from shoptui.services.context import Actor

    path = tmp_path / "khach.csv"
    for role in ("cashier", "manager"):
        user = users.add_user(f"Staff {role}", role, "1234", SYSTEM)
        with pytest.raises(PermissionDenied, match=f"A {role} may not export data; ask the owner."):
            directory_export.export(path, "", actor=Actor(user=user))
        assert not path.exists() and not list(tmp_path.glob("khach*"))
    owner = users.add_user("Hoa", "owner", "9999", SYSTEM)
    assert directory_export.export(path, "", actor=Actor(user=owner)) == len(shop)


def test_broad_pages_run_from_names_starting_with_the_word_into_the_rest(database, monkeypatch):
    for i in range(6):
        customers.register({"name": f"Lê Văn {i}"})
        customers.register({"name": f"Anh Lê {i}"})
    monkeypatch.setattr(directory, "NARROW_LIMIT", 3)
    everyone = names(search("le", limit=100))
    assert everyone[:6] == [f"Lê Văn {i}" for i in range(6)] and len(everyone) == 12
    assert [n for offset in range(0, 12, 5) for n in names(search("le", limit=5, offset=offset))] == everyone
    assert names(search("le", limit=5, offset=12)) == []
    assert names(search("le", sort=Sort("name", descending=True)))[:2] == ["Lê Văn 5", "Lê Văn 4"]
    assert [row.name for batch in iter_rows("le") for row in batch] == everyone
    # With a filter the match is read by SQLite's own plan, in the same order.
    debts.set_opening_balance(Customer.get(Customer.name == "Anh Lê 2"), 1000)
    debts.set_opening_balance(Customer.get(Customer.name == "Lê Văn 4"), 1000)
    assert names(search("le", filters=Filters(with_debt=True))) == ["Lê Văn 4", "Anh Lê 2"]
