"""Names the screens show for the codes the core stores (translated where shown: N_ here)."""

from __future__ import annotations

from shoptui.i18n import N_, _

STATUS_NAMES = {"active": N_("active"), "incomplete": N_("incomplete"), "archived": N_("archived")}
GENDER_NAMES = {"female": N_("female"), "male": N_("male"), "other": N_("other")}
CHANNEL_NAMES = {"sms": N_("SMS"), "zalo": N_("Zalo"), "facebook": N_("Facebook"), "email": N_("E-mail")}
CARD_KIND_NAMES = {
    "loyalty": N_("loyalty card"),
    "discount": N_("discount card"),
    "voucher": N_("voucher"),
    "gift": N_("gift card"),
}
END_REASON_NAMES = {"withdrawn": N_("withdrawn"), "replaced": N_("replaced")}
FLAG_NAMES = {
    "incomplete": N_("incomplete data"),
    "archived": N_("archived"),
    "merged": N_("merged into another customer"),
    "over_credit_limit": N_("over the credit limit"),
}
POINTS_KIND_NAMES = {
    "opening": N_("opening balance"),
    "earn": N_("earned"),
    "redeem": N_("redeemed"),
    "reverse": N_("reversed (return)"),
    "restore": N_("given back (return)"),
    "expire": N_("expired"),
    "adjust": N_("adjustment"),
    "move": N_("receipt moved"),
    "merge": N_("customers merged"),
}
DEBT_KIND_NAMES = {
    "opening": N_("opening balance"),
    "credit_sale": N_("sale on credit"),
    "payment": N_("payment"),
    "return": N_("return"),
    "adjust": N_("adjustment"),
    "move": N_("receipt moved"),
    "merge": N_("customers merged"),
    "advance": N_("paid in advance"),
}
METHOD_NAMES = {"cash": N_("cash"), "card": N_("bank card"), "transfer": N_("transfer")}


def name_of(table: dict[str, str], code: str | None) -> str:
    """The translated name of ``code``, or the code itself when it is not one we know."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code
