"""The write side of ``shoptui import``: each parsed record becomes rows, keyed by its natural id.

The engine (``shoptui/io/importer.py``) reads the file and hands over batches of
``Record``s inside one transaction per batch; a writer here matches every record with
what is stored and says what it did: ``imported``, ``updated``, ``unchanged`` or
``rejected``. Matching by natural id (customer code/phone, store + receipt number,
store + hour, sku) is what makes a second import add nothing and a killed import
complete when run again.

- customers go through the customer, card, points and debt services;
- receipts are written here in bulk (70,000 of them must import in well under a minute
  or two): payments that add up to the total, lines, voucher uses, and the customers'
  cached sales. Imported receipts post no points or debt entries: the balances come
  from the customer import's opening balances, which are the truth of the old program;
- visitor counts go through ``visits.record_imported``; products are upserted by sku.
"""

from __future__ import annotations

from collections.abc import Callable

from .customers import CustomersWriter
from .products import ProductsWriter
from .records import Options, Writer
from .sales import SalesWriter
from .visits import VisitsWriter

WRITERS: dict[str, Callable[[Options], Writer]] = {
    "customers": CustomersWriter,
    "sales": SalesWriter,
    "visits": VisitsWriter,
    "products": ProductsWriter,
}
