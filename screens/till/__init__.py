"""The till: a sale and its confirmation, a return, a debt payment, an adjustment, gift
cards, a manager's override, a receipt attached to or moved between customers, and the
day close."""
