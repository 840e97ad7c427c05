"""Services: the only writers. Each public function that changes data is one transaction
(``database.atomic()``), writes its audit entry and refuses what breaks an invariant
with a ``ShopError`` whose message a cashier understands."""
