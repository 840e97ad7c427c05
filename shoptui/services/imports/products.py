"""Products of an import, upserted by sku."""

from __future__ import annotations

from ...db import database
from ...errors import ShopError, ValidationError
from ...i18n import _
from ...models import Card, Product
from .. import customers
from ..context import require
from .records import Options, Outcome, Record, rejected


class ProductsWriter:
    """Products upserted by sku; a barcode is unique across products."""

    def __init__(self, options: Options):
        self.options = options

    def write(self, records: list[Record]) -> list[Outcome]:
        require(self.options.actor, "import")
        outcomes = []
        for record in records:
            try:
                with database.atomic():
                    outcomes.append(Outcome(self._write_one(record.values)))
            except ShopError as exc:
                outcomes.append(rejected(record.row, str(exc)))
        return outcomes

    def finish(self) -> list[str]:
        return []

    def _write_one(self, values: dict) -> str:
        sku = customers.clean_text(values["sku"], "sku", 64)
        fields = {}
        for name, limit in (("barcode", 64), ("name", 300), ("group", 100)):
            if name in values:
                fields[name] = customers.clean_text(values[name], name, limit)
        if "price" in values:
            if values["price"] < 0:
                raise ValidationError(_("A price may not be negative."))
            fields["price"] = values["price"]
        product = Product.get_or_none(Product.sku == sku)
        barcode = fields.get("barcode")
        if barcode:
            other = Product.get_or_none((Product.barcode == barcode) & (Product.sku != sku))
            if other is not None:
                raise ValidationError(
                    _("Barcode {barcode} already belongs to product {sku}.").format(barcode=barcode, sku=other.sku)
                )
        for code in {sku, barcode} - {None, ""}:
            # A scan reads a card before a product: a product may not take a card's code.
            if Card.select().where(Card.barcode == code).exists():
                raise ValidationError(_("{code} is a card of this shop, not a product.").format(code=code))
        if product is None:
            fields.setdefault("name", sku)
            Product.create(sku=sku, **fields)
            return "imported"
        changes = {k: v for k, v in fields.items() if getattr(product, k) != v}
        if not changes:
            return "unchanged"
        Product.update(**changes).where(Product.id == product.id).execute()
        return "updated"
