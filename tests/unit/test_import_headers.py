"""Column names of import files in English, Vietnamese, Russian and German."""

from __future__ import annotations

import pytest

from shoptui.io.headers import FIELDS, header_key, map_headers


def test_kiotviet_customer_export():
    headers = [
        "Mã khách hàng",
        "Tên khách hàng",
        "Điện thoại",
        "Giới tính",
        "Ngày sinh",
        "Email",
        "Công ty",
        "Địa chỉ",
        "Khu vực",
        "Nợ cần thu hiện tại",
        "Điểm hiện tại",
        "Trạng thái",
        "Tổng điểm",
        "Tổng bán",
    ]
    result = map_headers("customers", headers)
    assert result.columns == {
        "code": "Mã khách hàng",
        "name": "Tên khách hàng",
        "phone": "Điện thoại",
        "gender": "Giới tính",
        "birthday": "Ngày sinh",
        "email": "Email",
        "company": "Công ty",
        "address": "Địa chỉ",
        "area": "Khu vực",
        "debt": "Nợ cần thu hiện tại",
        "points": "Điểm hiện tại",
        "status": "Trạng thái",
    }
    # Lifetime points are not the balance: that column is left alone, with the other unknown one.
    assert result.unknown == ["Tổng điểm", "Tổng bán"]


def test_russian_1c_customer_export():
    headers = ["Код", "ФИО", "Телефон", "Пол", "Дата рождения", "Адрес", "Баллы", "Долг", "Штрихкод"]
    assert map_headers("customers", headers).columns == {
        "code": "Код",
        "name": "ФИО",
        "phone": "Телефон",
        "gender": "Пол",
        "birthday": "Дата рождения",
        "address": "Адрес",
        "points": "Баллы",
        "debt": "Долг",
        "card": "Штрихкод",
    }
    assert map_headers("customers", ["Наименование", "Бонусы", "Карта"]).columns == {
        "name": "Наименование",
        "points": "Бонусы",
        "card": "Карта",
    }


def test_german_customer_export():
    headers = [
        "Kundennummer",
        "Name",
        "Telefon",
        "Geschlecht",
        "Geburtsdatum",
        "E-Mail",
        "Firma",
        "Adresse",
        "Gebiet",
        "Punkte",
        "Offener Betrag",
        "Karte",
    ]
    assert map_headers("customers", headers).columns == {
        "code": "Kundennummer",
        "name": "Name",
        "phone": "Telefon",
        "gender": "Geschlecht",
        "birthday": "Geburtsdatum",
        "email": "E-Mail",
        "company": "Firma",
        "address": "Adresse",
        "area": "Gebiet",
        "points": "Punkte",
        "debt": "Offener Betrag",
        "card": "Karte",
    }


def test_sales_headers_in_four_languages():
    expected = {"receipt_no", "datetime", "kind", "total", "discount", "store", "cashier"}
    english = ["receipt_no", "datetime", "kind", "total", "discount", "store", "cashier"]
    russian = ["Номер чека", "Дата", "Тип", "Сумма", "Скидка", "Магазин", "Кассир"]
    german = ["Belegnummer", "Datum", "Art", "Summe", "Rabatt", "Filiale", "Kassierer"]
    vietnamese = ["Mã hóa đơn", "Thời gian", "Loại", "Khách cần trả", "Giảm giá", "Chi nhánh", "Thu ngân"]
    for headers in (english, russian, german, vietnamese):
        result = map_headers("sales", headers)
        assert set(result.columns) == expected and not result.unknown, headers


def test_the_same_word_means_the_buyer_in_a_sales_file():
    assert map_headers("sales", ["Mã khách hàng", "Điện thoại", "Tên khách hàng"]).columns == {
        "customer": "Mã khách hàng",
        "customer_phone": "Điện thoại",
        "customer_name": "Tên khách hàng",
    }
    assert map_headers("customers", ["Mã khách hàng", "Điện thoại"]).columns == {
        "code": "Mã khách hàng",
        "phone": "Điện thoại",
    }


def test_case_accents_spacing_and_units_do_not_matter():
    assert header_key("MÃ KHÁCH HÀNG") == header_key("ma_khach_hang") == header_key(" Mã  khách hàng* ")
    assert map_headers("sales", ["Tổng tiền (VND)", "RECEIPT NO", "Date-Time"]).columns == {
        "total": "Tổng tiền (VND)",
        "receipt_no": "RECEIPT NO",
        "datetime": "Date-Time",
    }
    assert map_headers("customers", ["CustomerID", "ф.и.о."]).columns == {"code": "CustomerID", "name": "ф.и.о."}


def test_a_second_column_for_the_same_field_is_set_aside():
    result = map_headers("customers", ["Name", "ФИО", "Phone"])
    assert result.columns == {"name": "Name", "phone": "Phone"} and result.repeated == ["ФИО"]


def test_visits_and_products():
    assert set(map_headers("visits", ["Магазин", "Дата", "Час", "Вход", "Выход"]).columns) == {
        "store",
        "datetime",
        "time",
        "in",
        "out",
    }
    assert map_headers("products", ["Mã hàng", "Mã vạch", "Tên hàng", "Nhóm hàng", "Giá bán"]).columns == {
        "sku": "Mã hàng",
        "barcode": "Mã vạch",
        "name": "Tên hàng",
        "group": "Nhóm hàng",
        "price": "Giá bán",
    }


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_no_name_means_two_fields_of_one_kind(kind):
    seen: dict[str, str] = {}
    for name, synonyms in FIELDS[kind].items():
        for synonym in (name, *synonyms):
            key = header_key(synonym)
            assert seen.setdefault(key, name) == name, (kind, synonym, seen[key], name)
