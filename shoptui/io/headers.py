"""Column names: SPEC's English names and what Vietnamese, Russian and German exports call them.

A header is matched after folding (case, accents, đ/ё/ß, punctuation and spaces go:
"Mã khách hàng", "MÃ KHÁCH HÀNG" and "ma_khach_hang" are one name) and without a
trailing unit in brackets ("Tổng tiền (VND)"). The same word may mean different
fields in different files: "Điện thoại" is the customer's phone in a customer list
and the buyer's phone in a sales list, so each kind has its own table.

KiotViet's "Tổng điểm" is deliberately absent: it may be lifetime points, while the
balance is "Điểm hiện tại".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ShopError
from ..i18n import _
from ..textfold import fold

_STORE = ("store", "shop", "branch", "store code", "chi nhánh", "cửa hàng", "mã chi nhánh", "магазин",
          "торговая точка", "ртт", "склад", "filiale", "geschäft", "laden", "markt")

CUSTOMER_FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "customer code", "customer id", "customer no", "client code", "mã khách hàng", "mã kh", "mã",
             "код", "код клиента", "код покупателя", "номер клиента", "kundennummer", "kunden-nr", "kundennr",
             "kundencode", "kunden-id"),
    "name": ("name", "full name", "customer name", "customer", "tên khách hàng", "tên", "họ tên", "họ và tên",
             "khách hàng", "наименование", "фио", "ф.и.о.", "имя", "полное имя", "клиент", "покупатель",
             "vollständiger name", "kundenname", "kunde", "vor- und nachname"),
    "phone": ("phone", "phone number", "mobile", "tel", "telephone", "cell", "điện thoại", "số điện thoại", "sđt",
              "di động", "телефон", "мобильный телефон", "номер телефона", "тел", "telefon", "telefonnummer",
              "handy", "mobil", "mobilnummer"),
    "gender": ("gender", "sex", "giới tính", "пол", "geschlecht"),
    "birthday": ("birthday", "birth date", "date of birth", "dob", "birthdate", "ngày sinh", "sinh nhật",
                 "дата рождения", "день рождения", "geburtsdatum", "geburtstag"),
    "email": ("email", "e-mail", "email address", "mail", "thư điện tử", "электронная почта", "эл. почта",
              "e-mail-adresse"),
    "company": ("company", "organization", "organisation", "công ty", "tên công ty", "компания", "организация",
                "фирма", "firma", "unternehmen"),
    "address": ("address", "địa chỉ", "адрес", "adresse", "anschrift"),
    "area": ("area", "region", "district", "khu vực", "район", "регион", "gebiet", "bezirk"),
    "status": ("status", "state", "trạng thái", "статус", "состояние"),
    "card": ("card", "card number", "card barcode", "loyalty card", "barcode", "thẻ", "mã thẻ", "số thẻ",
             "thẻ thành viên", "карта", "номер карты", "штрихкод", "штрих-код", "штрихкод карты",
             "дисконтная карта", "karte", "kartennummer", "kundenkarte", "barcode"),
    "points": ("points", "points balance", "bonus points", "điểm hiện tại", "điểm", "бонусы", "баллы",
               "бонусные баллы", "остаток баллов", "punkte", "punktestand", "bonuspunkte"),
    "debt": ("debt", "balance due", "owed", "nợ hiện tại", "nợ cần thu hiện tại", "nợ", "công nợ", "долг",
             "задолженность", "schulden", "offener betrag", "offene posten"),
    "registered": ("registered", "registered at", "registration date", "created", "created at", "ngày tạo",
                   "ngày đăng ký", "дата регистрации", "зарегистрирован", "дата создания", "registriert",
                   "registriert am", "anmeldedatum", "registrierungsdatum", "erstellt am", "kunde seit"),
    "store": _STORE,
}

SALES_FIELDS: dict[str, tuple[str, ...]] = {
    "receipt_no": ("receipt_no", "receipt", "receipt number", "invoice", "invoice no", "invoice number",
                   "order id", "order number", "bill no", "mã hóa đơn", "số hóa đơn", "hóa đơn", "mã chứng từ",
                   "номер чека", "чек", "номер документа", "документ", "belegnummer", "bonnummer", "beleg", "bon",
                   "rechnungsnummer"),
    "datetime": ("datetime", "date", "date time", "invoice date", "order date", "timestamp", "thời gian", "ngày",
                 "ngày bán", "ngày giờ", "дата", "дата и время", "дата время", "datum", "zeitpunkt", "datum uhrzeit",
                 "belegdatum"),
    "time": ("time", "giờ", "время", "uhrzeit", "zeit"),
    "kind": ("kind", "type", "operation", "loại", "loại phiếu", "loại chứng từ", "тип", "вид", "вид операции",
             "операция", "art", "typ", "belegart"),
    "return_of": ("return_of", "return of", "original receipt", "returned receipt", "hóa đơn gốc",
                  "mã hóa đơn gốc", "чек продажи", "основание", "возврат по чеку", "ursprungsbeleg",
                  "originalbeleg", "rückgabe zu"),
    "customer": ("customer", "client", "customer code", "customer id", "customer card", "card", "mã khách hàng",
                 "khách hàng", "mã kh", "thẻ", "mã thẻ", "покупатель", "клиент", "код клиента", "карта",
                 "дисконтная карта", "номер карты", "kunde", "kundennummer", "kundenkarte", "karte"),
    "customer_phone": ("customer phone", "phone", "điện thoại", "sđt", "số điện thoại", "телефон",
                       "телефон клиента", "telefon"),
    "customer_name": ("customer name", "tên khách hàng", "фио", "фио клиента", "имя клиента", "kundenname", "name"),
    "store": _STORE,
    "cashier": ("cashier", "seller", "salesperson", "staff", "employee", "user", "thu ngân", "người bán",
                "nhân viên bán hàng", "nhân viên", "người tạo", "кассир", "продавец", "kassierer", "kassiererin",
                "verkäufer", "mitarbeiter"),
    "total": ("total", "amount", "sum", "total amount", "khách cần trả", "tổng cộng", "tổng tiền",
              "tổng thanh toán", "cần thanh toán", "сумма", "итого", "сумма чека", "сумма к оплате", "summe",
              "gesamt", "betrag", "gesamtbetrag", "endbetrag"),
    "discount": ("discount", "giảm giá", "chiết khấu", "giảm giá hóa đơn", "скидка", "сумма скидки", "rabatt",
                 "nachlass"),
    "paid_credit": ("paid_credit", "credit", "on credit", "paid on credit", "ghi nợ", "nợ", "tiền nợ", "в долг",
                    "кредит", "долг", "auf rechnung", "kredit", "anschreiben"),
    "paid_advance": ("paid_advance", "paid from the advance", "from the advance", "advance used",
                     "trả từ tiền ứng trước", "từ tiền ứng trước", "trừ tiền ứng trước", "trả từ tiền trả trước",
                     "từ tiền trả trước", "оплачено из аванса", "из аванса", "оплачено из предоплаты",
                     "из предоплаты", "aus vorauszahlung", "aus der vorauszahlung", "von der vorauszahlung"),
    "paid_card": ("paid_card", "card payment", "paid by card", "bank card", "thẻ ngân hàng", "quẹt thẻ",
                  "thanh toán thẻ", "безнал", "безналичные", "оплата картой", "kartenzahlung", "ec-karte",
                  "ec karte"),
    "points_redeemed": ("points_redeemed", "points redeemed", "points used", "redeemed points", "points",
                        "điểm sử dụng", "điểm đã dùng", "thanh toán bằng điểm", "điểm", "списано баллов",
                        "оплачено баллами", "баллы", "бонусы", "eingelöste punkte", "punkte"),
    "voucher": ("voucher", "coupon", "voucher code", "coupon code", "mã voucher", "phiếu giảm giá", "mã giảm giá",
                "купон", "сертификат", "ваучер", "промокод", "gutschein", "gutscheincode"),
    "voucher_amount": ("voucher_amount", "voucher amount", "voucher value", "paid by voucher", "giá trị voucher",
                       "tiền voucher", "сумма купона", "оплачено сертификатом", "сумма сертификата",
                       "gutscheinbetrag", "gutscheinwert"),
    "cash_rounding": ("cash_rounding", "cash rounding", "rounding", "làm tròn", "làm tròn tiền mặt",
                      "округление", "округление наличных", "rundung", "bargeldrundung"),
    "sku": ("sku", "item code", "product code", "stock code", "article", "article number", "mã hàng",
            "mã sản phẩm", "mã hàng hóa", "mã vạch", "артикул", "код товара", "штрихкод", "штрих-код",
            "artikelnummer", "artikel-nr", "ean"),
    "product": ("product", "product name", "item", "description", "tên hàng", "tên sản phẩm", "sản phẩm",
                "hàng hóa", "товар", "наименование товара", "номенклатура", "наименование", "artikel", "produkt",
                "bezeichnung", "artikelbezeichnung", "beschreibung"),
    "qty": ("qty", "quantity", "count", "số lượng", "sl", "количество", "кол-во", "menge", "anzahl"),
    "price": ("price", "unit price", "đơn giá", "giá bán", "giá", "цена", "preis", "einzelpreis", "stückpreis"),
    "line_discount": ("line_discount", "line discount", "item discount", "giảm giá hàng", "chiết khấu dòng",
                      "скидка на товар", "скидка по строке", "positionsrabatt", "artikelrabatt"),
    "line_amount": ("line_amount", "line amount", "line total", "thành tiền", "сумма по строке", "стоимость",
                    "positionsbetrag", "zeilensumme"),
}

VISITS_FIELDS: dict[str, tuple[str, ...]] = {
    "store": _STORE,
    "datetime": ("datetime", "date", "date time", "timestamp", "thời gian", "ngày", "ngày giờ", "дата",
                 "дата и время", "datum", "zeitpunkt"),
    "time": ("hour", "time", "giờ", "час", "время", "stunde", "uhrzeit", "zeit"),
    "in": ("in", "visitors", "visitors in", "entries", "count in", "vào", "khách vào", "lượt vào", "số khách",
           "вход", "вошло", "входы", "посетители", "eingang", "besucher", "rein", "hinein"),
    "out": ("out", "visitors out", "exits", "count out", "ra", "khách ra", "lượt ra", "выход", "вышло", "выходы",
            "ausgang", "raus", "hinaus"),
}

PRODUCT_FIELDS: dict[str, tuple[str, ...]] = {
    "sku": ("sku", "code", "item code", "product code", "stock code", "article", "article number", "mã hàng",
            "mã sản phẩm", "mã hàng hóa", "mã", "артикул", "код", "код товара", "artikelnummer", "artikel-nr",
            "code"),
    "barcode": ("barcode", "ean", "gtin", "upc", "mã vạch", "штрихкод", "штрих-код", "strichcode"),
    "name": ("name", "product", "product name", "description", "tên hàng", "tên sản phẩm", "tên", "наименование",
             "название", "товар", "номенклатура", "bezeichnung", "artikel", "artikelbezeichnung", "produkt"),
    "group": ("group", "category", "product group", "nhóm hàng", "nhóm", "danh mục", "loại hàng", "группа",
              "категория", "warengruppe", "gruppe", "kategorie"),
    "price": ("price", "sale price", "giá bán", "đơn giá", "giá", "цена", "цена продажи", "preis",
              "verkaufspreis"),
}

FIELDS = {"customers": CUSTOMER_FIELDS, "sales": SALES_FIELDS, "visits": VISITS_FIELDS, "products": PRODUCT_FIELDS}

_UNIT = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")


def header_key(header: str) -> str:
    """The comparable form of a column name: folded, without spaces, unit in brackets removed."""
    text = _UNIT.sub("", str(header or "")).strip().rstrip("*:").strip()
    return fold(text).replace(" ", "")


def _table(kind: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, synonyms in FIELDS[kind].items():
        for synonym in (name, *synonyms):
            table.setdefault(header_key(synonym), name)
    return table


@dataclass
class HeaderMap:
    """Which file column feeds each field, and the columns nobody asked for."""

    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file
    unknown: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # a second column for a field already taken

    def label(self, name: str) -> str:
        return self.columns.get(name, name)


def map_headers(kind: str, headers: list[str]) -> HeaderMap:
    table = _table(kind)
    result = HeaderMap()
    for header in headers:
        if not str(header or "").strip():
            continue
        name = table.get(header_key(header))
        if name is None:
            result.unknown.append(header)
        elif name in result.columns:
            result.repeated.append(header)
        else:
            result.columns[name] = header
    return result


# The column name templates and exports write for each field, per language. Each is one
# of the field's synonyms above, so the importer reads back what we write.
HEADER_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "vi": {
        "customers": {
            "code": "Mã khách hàng", "name": "Tên khách hàng", "phone": "Điện thoại", "gender": "Giới tính",
            "birthday": "Ngày sinh", "email": "Email", "company": "Công ty", "address": "Địa chỉ",
            "area": "Khu vực", "status": "Trạng thái", "card": "Mã thẻ", "points": "Điểm hiện tại",
            "debt": "Nợ hiện tại", "registered": "Ngày tạo", "store": "Chi nhánh",
        },
        "sales": {
            "receipt_no": "Mã hóa đơn", "datetime": "Thời gian", "kind": "Loại chứng từ",
            "return_of": "Mã hóa đơn gốc", "customer": "Mã khách hàng", "customer_phone": "Điện thoại",
            "customer_name": "Tên khách hàng", "store": "Chi nhánh", "cashier": "Thu ngân",
            "total": "Khách cần trả", "discount": "Giảm giá hóa đơn", "paid_credit": "Ghi nợ",
            "paid_advance": "Trả từ tiền trả trước",
            "paid_card": "Thanh toán thẻ", "points_redeemed": "Điểm sử dụng", "voucher": "Mã voucher",
            "voucher_amount": "Tiền voucher", "cash_rounding": "Làm tròn tiền mặt", "sku": "Mã hàng", "product": "Tên hàng", "qty": "Số lượng",
            "price": "Đơn giá", "line_discount": "Giảm giá hàng", "line_amount": "Thành tiền",
        },
        "visits": {"store": "Chi nhánh", "datetime": "Thời gian", "in": "Khách vào", "out": "Khách ra"},
    },
    "ru": {
        "customers": {
            "code": "Код клиента", "name": "ФИО", "phone": "Телефон", "gender": "Пол",
            "birthday": "Дата рождения", "email": "Электронная почта", "company": "Организация",
            "address": "Адрес", "area": "Район", "status": "Статус", "card": "Номер карты",
            "points": "Бонусные баллы", "debt": "Задолженность", "registered": "Дата регистрации",
            "store": "Магазин",
        },
        "sales": {
            "receipt_no": "Номер чека", "datetime": "Дата и время", "kind": "Вид операции",
            "return_of": "Чек продажи", "customer": "Код клиента", "customer_phone": "Телефон клиента",
            "customer_name": "ФИО клиента", "store": "Магазин", "cashier": "Кассир", "total": "Сумма чека",
            "discount": "Сумма скидки", "paid_credit": "В долг", "paid_advance": "Оплачено из предоплаты", "paid_card": "Оплата картой",
            "points_redeemed": "Оплачено баллами", "voucher": "Купон", "voucher_amount": "Сумма купона",
            "cash_rounding": "Округление наличных",
            "sku": "Артикул", "product": "Наименование товара", "qty": "Количество", "price": "Цена",
            "line_discount": "Скидка по строке", "line_amount": "Сумма по строке",
        },
        "visits": {"store": "Магазин", "datetime": "Дата и время", "in": "Вход", "out": "Выход"},
    },
    "de": {
        "customers": {
            "code": "Kundennummer", "name": "Kundenname", "phone": "Telefon", "gender": "Geschlecht",
            "birthday": "Geburtsdatum", "email": "E-Mail", "company": "Firma", "address": "Adresse",
            "area": "Gebiet", "status": "Status", "card": "Kartennummer", "points": "Punktestand",
            "debt": "Offener Betrag", "registered": "Registriert am", "store": "Filiale",
        },
        "sales": {
            "receipt_no": "Belegnummer", "datetime": "Zeitpunkt", "kind": "Belegart", "return_of": "Ursprungsbeleg",
            "customer": "Kundennummer", "customer_phone": "Telefon", "customer_name": "Kundenname",
            "store": "Filiale", "cashier": "Kassierer", "total": "Gesamtbetrag", "discount": "Rabatt",
            "paid_credit": "Auf Rechnung", "paid_advance": "Aus der Vorauszahlung", "paid_card": "Kartenzahlung", "points_redeemed": "Eingelöste Punkte",
            "voucher": "Gutscheincode", "voucher_amount": "Gutscheinbetrag", "cash_rounding": "Bargeldrundung", "sku": "Artikelnummer",
            "product": "Artikelbezeichnung", "qty": "Menge", "price": "Einzelpreis",
            "line_discount": "Positionsrabatt", "line_amount": "Positionsbetrag",
        },
        "visits": {"store": "Filiale", "datetime": "Zeitpunkt", "in": "Eingang", "out": "Ausgang"},
    },
}


# English: SPEC's names as a person writes them (matching ignores case, spaces and "_").
ENGLISH_WORDS = {"sku": "SKU", "datetime": "Date time", "email": "E-mail", "qty": "Qty", "in": "In", "out": "Out",
                 "paid_advance": "Paid from the advance"}


def header_word(kind: str, name: str, lang: str) -> str:
    """The column name for field ``name`` of an import ``kind`` in ``lang``."""
    word = HEADER_WORDS.get(lang, {}).get(kind, {}).get(name)
    if word is not None:
        return word
    return ENGLISH_WORDS.get(name) or name.replace("_", " ").capitalize()


def readable_word(word: str, parse) -> str:
    """``word`` (a gender, status or receipt kind) in the interface language when ``parse``,
    the importer's reader, takes the translation back as ``word``; else the English word,
    which it always reads. What an export or a template writes, an import reads again."""
    translated = _(word)
    try:
        return translated if parse(translated) == word else word
    except ShopError:
        return word
