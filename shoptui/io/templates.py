"""Empty import files to fill in (``shoptui import template customers|sales|visits -o FILE.xlsx``).

The first sheet has the header row in the chosen language, in the words the importer
reads back (``headers.header_word``), and columns formatted for what goes in them:
codes and phones as text (so Excel keeps a phone's leading zero), dates as dates, money
as numbers. Gender, status and receipt kind offer a list of the words the importer
knows. The second sheet explains each column.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import files
from ..errors import UsageError
from ..i18n import N_, _, language
from ..models import GENDERS, STATUSES
from ..services import settings
from ..services.customers import parse_gender
from .headers import header_word, readable_word
from .values import parse_kind, parse_status
from .xlsx import Book, Column

KINDS = ("customers", "sales", "visits")
TEXT = "@"  # Excel's Text format: what is typed stays as typed
TEMPLATE_ROWS = 10_000  # rows the lists of choices cover

# field -> (column kind, required, what it holds, example)
FIELDS: dict[str, dict[str, tuple[str, bool, str, str]]] = {
    "customers": {
        "code": ("code", False, N_("The customer's code in your old program; empty: a new code is made."), "KH000123"),
        "name": ("text", True, N_("Full name. Each row needs a name or a code."), "Nguyễn Thị Lan"),
        "phone": (
            "code",
            False,
            N_("Phone number, as you write it; numbers of other countries with +."),
            "0912 345 678",
        ),
        "gender": ("text", False, N_("female, male or other (also Nữ/Nam, Ж/М, weiblich/männlich)."), "female"),
        "birthday": ("date", False, N_("Date of birth."), "1990-05-31"),
        "email": ("text", False, N_("E-mail address."), "lan@example.com"),
        "company": ("text", False, N_("Company."), ""),
        "address": ("text", False, N_("Address."), ""),
        "area": ("text", False, N_("Area or district."), ""),
        "status": (
            "text",
            False,
            N_("active, incomplete (data to complete later) or archived; empty: active."),
            "active",
        ),
        "card": ("code", False, N_("Barcode of the customer's loyalty card."), "2000000001234"),
        "points": ("int", False, N_("Points balance to bring over (taken once, as an opening balance)."), "120"),
        "debt": ("money", False, N_("What the customer owes now (taken once, as an opening balance)."), "150000"),
        "registered": (
            "datetime",
            False,
            N_("When the customer registered; empty: the day of the import."),
            "2024-01-15",
        ),
        "store": ("code", False, N_("Code of the store that registered the customer; empty: the only store."), "MAIN"),
    },
    "sales": {
        "receipt_no": (
            "code",
            True,
            N_("Receipt number. Rows with the same number are lines of one receipt."),
            "HD000451",
        ),
        "datetime": ("datetime", True, N_("Date and time of the receipt."), "2025-03-05 10:15"),
        "kind": ("text", False, N_("sale or return; empty: sale."), "sale"),
        "return_of": ("code", False, N_("For a return: the number of the sale it returns."), ""),
        "customer": (
            "code",
            False,
            N_("The customer's card barcode, phone or code; empty: an anonymous sale."),
            "KH000123",
        ),
        "customer_phone": ("code", False, N_("The customer's phone, when the customer column is empty."), ""),
        "customer_name": ("text", False, N_("The customer's name (used with --create-customers)."), ""),
        "store": ("code", False, N_("Store code; empty: the only store."), "MAIN"),
        "cashier": ("text", False, N_("Who sold."), ""),
        "total": (
            "money",
            True,
            N_(
                "What the customer owes after every discount (returns: the amount given back). Required unless the lines give prices."
            ),
            "125000",
        ),
        "discount": ("money", False, N_("Discount on the whole receipt."), "5000"),
        "paid_credit": ("money", False, N_("Part of the total left as debt."), "0"),
        "paid_advance": (
            "money",
            False,
            N_("Part of the total paid from what the customer paid in advance (not credit)."),
            "0",
        ),
        "paid_card": ("money", False, N_("Part of the total paid by bank card."), "0"),
        "points_redeemed": ("int", False, N_("Points the customer paid with."), "0"),
        "voucher": ("code", False, N_("Code of the voucher used."), ""),
        "voucher_amount": ("money", False, N_("Part of the total paid by the voucher."), ""),
        "cash_rounding": (
            "money",
            False,
            N_("The cash rounding: the exact cash less the cash taken (or paid back); empty: none."),
            "",
        ),
        "sku": ("code", False, N_("Line: product code or barcode."), "SP001"),
        "product": ("text", False, N_("Line: product name."), "Trà xanh"),
        "qty": ("qty", False, N_("Line: quantity."), "2"),
        "price": ("money", False, N_("Line: unit price."), "65000"),
        "line_discount": ("money", False, N_("Line: discount on the line."), "0"),
        "line_amount": ("money", False, N_("Line: amount of the line after its discount."), "130000"),
    },
    "visits": {
        "store": ("code", False, N_("Store code; empty: the only store."), "MAIN"),
        "datetime": ("datetime", True, N_("The hour counted (minutes are ignored)."), "2025-03-05 10:00"),
        "in": ("int", True, N_("Visitors who came in during that hour."), "37"),
        "out": ("int", False, N_("Visitors who went out during that hour."), "35"),
    },
}

SHEET_NAMES = {"customers": N_("Customers"), "sales": N_("Sales"), "visits": N_("Visitors")}
# Cells of a column kind as the template formats them before anything is typed.
_WRITER_KINDS = {
    "code": "text",
    "text": "text",
    "date": "date",
    "datetime": "datetime",
    "money": "money",
    "int": "int",
    "qty": "qty",
}


def write_template(kind: str, path: str | Path) -> list[str]:
    """Write the template of ``kind`` to ``path``; returns its column headers."""
    if kind not in KINDS:
        raise UsageError(
            _("There is a template for {kinds}, not for {kind}.").format(kinds=", ".join(KINDS), kind=kind)
        )
    lang = language()
    fields = FIELDS[kind]
    headers = [header_word(kind, name, lang) for name in fields]
    book = Book(settings.currency(), title=_("Import template: {kind}").format(kind=_(SHEET_NAMES[kind])))
    formats = book._formats
    columns = [Column(name, header, _WRITER_KINDS[spec[0]]) for (name, spec), header in zip(fields.items(), headers)]

    def prepare(ws) -> None:
        for index, (name, (field_kind, _required, _help, _example)) in enumerate(fields.items(), start=1):
            letter = get_column_letter(index)
            dimension = ws.column_dimensions[letter]
            dimension.number_format = TEXT if field_kind in ("code", "text") else formats[_WRITER_KINDS[field_kind]]
            dimension.width = max(dimension.width or 0, 14)
            choices = _choices(kind, name)
            if choices:
                # A warning, not a refusal: the importer reads other words for these too.
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(choices) + '"',
                    allow_blank=True,
                    errorStyle="warning",
                    showErrorMessage=True,
                )
                validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
                ws.data_validations.append(validation)

    book.table(_(SHEET_NAMES[kind]), columns, [], prepare=prepare)
    explain = [
        [header, name, _("yes") if required else _("no"), _(help_text), example]
        for (name, (_k, required, help_text, example)), header in zip(fields.items(), headers)
    ]
    book.table(
        _("Columns"),
        [
            Column("column", _("Column")),
            Column("field", _("Field")),
            Column("required", _("Required")),
            Column("meaning", _("What it holds")),
            Column("example", _("Example")),
        ],
        explain,
    )
    with files.atomic_output(path) as partial:
        book.save(partial)
    return headers


def _choices(kind: str, name: str) -> list[str]:
    """The words a list offers for a column, in the interface language when the importer reads them."""
    if kind == "customers" and name == "gender":
        return [readable_word(g, parse_gender) for g in GENDERS]
    if kind == "customers" and name == "status":
        return [readable_word(s, parse_status) for s in STATUSES]
    if kind == "sales" and name == "kind":
        return [readable_word(k, parse_kind) for k in ("sale", "return")]
    return []
