"""One customer: a header with what the till needs at a glance, and tabs with the rest.

The header always shows name, code, phone, points, debt and credit left, personal
discount, birthday (flagged in its week) and flags such as "incomplete data". The tabs
hold the profile, sales, returns, cards, the points and debt ledgers (with running
balances and the debt's aging) and survey answers; long lists load a page at a time.
F4 edits, F6 changes the status, F7 adds a card (typed or scanned), Ctrl+W withdraws or
replaces a lost card, F2 moves a receipt recorded here by mistake, Escape goes back. A
key the signed-in role may not use says so at once instead of opening a form that could
not be saved (the services refuse it anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input, Select, Static, TabbedContent, TabPane, Tabs

from shoptui.errors import PermissionDenied
from shoptui.i18n import N_, _
from shoptui.reports import customer_segment, rfm
from shoptui.services import cards, customer_view, customers, points
from shoptui.services.cards import CARD_KINDS
from shoptui.services.context import Actor, allows, require
from shoptui.services.customers import STATUSES

from ..db_work import notify_error, run_db
from ..dialogs.choice_modal import ChoiceModal
from ..messages import CardScanned
from ..text import Formats, content, plain, printable
from ..widgets.footer import ShopFooter
from ..widgets.labels import (
    CARD_KIND_NAMES,
    CHANNEL_NAMES,
    DEBT_KIND_NAMES,
    END_REASON_NAMES,
    FLAG_NAMES,
    GENDER_NAMES,
    METHOD_NAMES,
    POINTS_KIND_NAMES,
    STATUS_NAMES,
    name_of,
)
from ..widgets.paged_table import Column, PagedTable
from .edit_customer_modal import EditCustomerModal, property_text
from .status_change import change_status

PAGE_SIZE = 50
# The header's flags: the shop's own names, and the credit rule's age of debt.
HEADER_FLAGS = {**FLAG_NAMES, "debt_too_old": N_("debt older than the shop allows")}
# Flags that break the shop's credit rule: the debt fact is marked with them.
CREDIT_RULE_FLAGS = ("over_credit_limit", "debt_too_old")
WARNING_STYLE = "bold black on yellow"
TABS = ("profile", "sales", "returns", "cards", "points", "debts", "surveys")


@dataclass(frozen=True)
class CardData:
    header: customer_view.Header
    profile: customer_view.Profile
    cards: list[customer_view.CardRow]
    aging: customer_view.Aging
    sales: customer_view.Page
    returns: customer_view.Page
    points: customer_view.Page
    debts: customer_view.Page
    surveys: customer_view.Page


def load_card(customer_id: int, page_size: int = PAGE_SIZE) -> CardData:
    """Runs in a worker: everything the card shows first, in one go (points that ran out
    leave the balance first: the batch at start may not have reached this customer yet)."""
    points.expire_points(customer=customer_id)
    return CardData(
        header=customer_view.header(customer_id),
        profile=customer_view.profile(customer_id),
        cards=customer_view.cards(customer_id),
        aging=customer_view.debt_aging(customer_id),
        sales=customer_view.sales(customer_id, page_size),
        returns=customer_view.returns(customer_id, page_size),
        points=customer_view.points_ledger(customer_id, page_size),
        debts=customer_view.debt_ledger(customer_id, page_size),
        surveys=customer_view.survey_answers(customer_id, page_size),
    )


def issue_card(customer_id: int, barcode: str, actor: Actor | None, kind: str = "loyalty") -> str:
    return cards.issue_card(customer_id, barcode, kind, actor=actor).barcode


def fact_lines(facts: list[tuple], width: int) -> list[list[tuple]]:
    """The header's "label: value" facts (each maybe with a style after them) packed into
    lines of ``width`` cells, two spaces apart; a fact wider than a line has a line of its
    own (and wraps there)."""
    lines: list[list[tuple]] = [[]]
    used = 0
    for fact in facts:
        label, value = fact[0], fact[1]
        size = cell_len(f"{label}: {value}")
        if lines[-1] and used + 2 + size > width:
            lines.append([])
            used = 0
        used += size + (2 if lines[-1] else 0)
        lines[-1].append(fact)
    return [line for line in lines if line]


class CardTable(PagedTable):
    """A tab's table: ↑ ↓ move its cursor, ← → (and Ctrl+PgUp/PgDn) go to the previous or
    next tab as they do on the tab bar (so a cashier can walk the tabs and read each
    without Tab), and Shift+← → scroll a table wider than the screen."""

    BINDINGS = [
        Binding("left", "screen.next_tab(-1)", N_("Previous tab"), show=False, id="card-table-previous-tab"),
        Binding("right", "screen.next_tab(1)", N_("Next tab"), show=False, id="card-table-next-tab"),
        # A DataTable pages sideways on Ctrl+PgUp/PgDn: here they change the tab, as elsewhere on the card.
        Binding(
            "ctrl+pageup", "screen.next_tab(-1)", N_("Previous tab"), show=False, id="card-table-previous-tab-page"
        ),
        Binding("ctrl+pagedown", "screen.next_tab(1)", N_("Next tab"), show=False, id="card-table-next-tab-page"),
        Binding("shift+left", "scroll_left", N_("Scroll left"), show=False, id="card-table-scroll-left"),
        Binding("shift+right", "scroll_right", N_("Scroll right"), show=False, id="card-table-scroll-right"),
    ]


def can_buy(customer_id: int, actor: Actor | None) -> None:
    """Refuses a sale to an archived (or merged) customer, in the sentence for this user."""
    customers.ensure_can_buy(customers.get(customer_id), actor)


class CustomerCardScreen(Screen[None]):
    # The permission each key needs: a key the signed-in role may not use is not offered.
    ACTION_NEEDS = {
        "edit": "edit_customer",
        "status": "edit_customer",
        "adjust": "adjust",
        "move_receipt": "move_receipt",
        "merge": "merge_customers",
        "anonymise": "anonymise",
    }
    BINDINGS = [
        # The footer shows what the till needs all day; status, cards, adjustments and merging
        # are in F1 and the palette, so that Help and Quit fit 80 columns in every language.
        Binding("escape", "close", N_("Back"), id="card-back"),
        Binding("f4", "edit", N_("Edit"), id="card-edit"),
        Binding("f6", "status", N_("Status"), id="card-status", show=False),
        Binding("f7", "add_card", N_("Add card"), id="card-add", show=False),
        # Priority: the card field of the Cards tab would take Ctrl+W (delete a word) itself.
        Binding(
            "ctrl+w", "card_actions", N_("Withdraw or replace a card"), id="card-actions", show=False, priority=True
        ),
        Binding("f5", "new_sale", N_("Sale"), id="card-sale"),
        Binding("f8", "return_sale", N_("Return"), id="card-return"),
        Binding("f9", "debt_payment", N_("Pay debt"), id="card-debt-payment"),
        Binding("f10", "adjust", N_("Adjust"), id="card-adjust", show=False),
        Binding("ctrl+r", "attach_receipt", N_("Attach receipt"), show=False, id="card-attach"),
        Binding("f2", "move_receipt", N_("Move receipt to another customer"), show=False, id="card-move-receipt"),
        Binding("f12", "merge", N_("Merge duplicate"), id="card-merge", show=False),
        Binding("ctrl+o", "anonymise", N_("Anonymise the customer (owner)"), id="card-anonymise", show=False),
        Binding("ctrl+pagedown", "next_tab(1)", N_("Next tab"), show=False, id="card-next-tab"),
        Binding("ctrl+pageup", "next_tab(-1)", N_("Previous tab"), show=False, id="card-previous-tab"),
    ]

    def __init__(self, customer_id: int, formats: Formats, actor: Actor | None = None):
        super().__init__()
        self.customer_id = customer_id
        self.formats = formats
        self.actor = actor
        self.data: CardData | None = None
        # The RFM segment comes after the card (it may have to score the whole shop first):
        # None until known, and also for a customer without a sale.
        self.segment: str | None = None
        self.segment_done = False  # answered or failed: the header will not change for it

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        f = self.formats
        cid = self.customer_id
        yield Header()
        yield Static(content(_("Loading…")), id="card-header")
        with TabbedContent(id="card-tabs"):
            with TabPane(_("Profile"), id="profile"):
                yield CardTable(
                    [Column("field", _("Field")), Column("value", _("Value"))],
                    lambda row: row,
                    id="profile-table",
                    zebra_stripes=False,
                    show_header=False,
                )
            with TabPane(_("Sales"), id="sales"):
                yield CardTable(
                    [
                        Column("at", _("Date")),
                        Column("number", _("Receipt"), widest=20),
                        Column("store", _("Store"), widest=10),
                        Column("total", _("Total"), True),
                        Column("discount", _("Discount"), True),
                        Column("credit", _("On credit"), True),
                        Column("earned", _("Points +"), True),
                        Column("redeemed", _("Points −"), True),
                        Column("returned", _("Returned"), True),
                    ],
                    lambda r: (
                        f.datetime(r.at),
                        plain(r.number),
                        plain(r.store),
                        f.money(r.total),
                        f.money(r.discount),
                        f.money(r.on_credit),
                        f.number(r.points_earned),
                        f.number(r.points_redeemed),
                        f.money(r.returned),
                    ),
                    partial(customer_view.sales, cid),
                    PAGE_SIZE,
                    id="sales-table",
                )
            with TabPane(_("Returns"), id="returns"):
                yield CardTable(
                    [
                        Column("at", _("Date")),
                        Column("number", _("Receipt"), widest=20),
                        Column("store", _("Store"), widest=10),
                        Column("total", _("Total"), True),
                        Column("sale", _("Of sale"), widest=20),
                        Column("points", _("Points taken back"), True),
                    ],
                    lambda r: (
                        f.datetime(r.at),
                        plain(r.number),
                        plain(r.store),
                        f.money(r.total),
                        plain(r.sale_number or ""),
                        f.number(r.points_reversed),
                    ),
                    partial(customer_view.returns, cid),
                    PAGE_SIZE,
                    id="returns-table",
                )
            with TabPane(_("Cards"), id="cards"):
                yield Input(
                    placeholder=_("Scan or type a card barcode and press Enter to give it to this customer"),
                    id="new-card",
                    max_length=64,
                )
                yield Select(
                    [(_(CARD_KIND_NAMES[k]), k) for k in CARD_KINDS],
                    value="loyalty",
                    allow_blank=False,
                    id="new-card-kind",
                )
                yield CardTable(
                    [
                        Column("barcode", _("Card"), widest=30),
                        Column("kind", _("Kind")),
                        Column("state", _("State")),
                        Column("bound", _("Given")),
                        Column("ended", _("Ended")),
                        Column("by", _("Replaced by"), widest=30),
                    ],
                    self._card_cells,
                    id="cards-table",
                )
            with TabPane(_("Points"), id="points"):
                yield CardTable(
                    [
                        Column("at", _("Date")),
                        Column("change", _("Change"), True),
                        Column("balance", _("Balance"), True),
                        Column("kind", _("What")),
                        Column("receipt", _("Receipt"), widest=20),
                        Column("reason", _("Reason"), widest=40),
                        Column("user", _("By"), widest=16),
                    ],
                    lambda r: (
                        f.datetime(r.at),
                        f.signed_number(r.amount),
                        f.number(r.balance),
                        plain(name_of(POINTS_KIND_NAMES, r.kind)),
                        plain(r.receipt or ""),
                        plain(r.reason),
                        plain(r.user or ""),
                    ),
                    partial(customer_view.points_ledger, cid),
                    PAGE_SIZE,
                    id="points-table",
                )
            with TabPane(_("Debts"), id="debts"):
                yield Static(id="aging")
                yield CardTable(
                    [
                        Column("at", _("Date")),
                        Column("change", _("Change"), True),
                        Column("balance", _("Balance"), True),
                        Column("kind", _("What")),
                        Column("receipt", _("Receipt"), widest=20),
                        Column("method", _("Paid by")),
                        Column("reason", _("Reason"), widest=40),
                        Column("user", _("By"), widest=16),
                    ],
                    lambda r: (
                        f.datetime(r.at),
                        f.signed_money(r.amount),
                        f.money(r.balance),
                        plain(name_of(DEBT_KIND_NAMES, r.kind)),
                        plain(r.receipt or ""),
                        plain(name_of(METHOD_NAMES, r.method)),
                        plain(r.reason),
                        plain(r.user or ""),
                    ),
                    partial(customer_view.debt_ledger, cid),
                    PAGE_SIZE,
                    id="debts-table",
                )
            with TabPane(_("Surveys"), id="surveys"):
                yield CardTable(
                    [
                        Column("at", _("Date")),
                        Column("question", _("Question"), widest=50),
                        Column("answer", _("Answer"), widest=50),
                        Column("user", _("By"), widest=16),
                    ],
                    lambda r: (f.datetime(r.at), plain(r.question), plain(r.answer), plain(r.user or "")),
                    partial(customer_view.survey_answers, cid),
                    PAGE_SIZE,
                    id="surveys-table",
                )
        yield ShopFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Customer")
        self.query_one("#card-tabs", TabbedContent).query_one(Tabs).focus()
        self.reload()

    @on(TabbedContent.TabActivated, "#card-tabs")
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        """A tab's table takes the focus when the tab is shown, so ↑ ↓ move its cursor at
        once (they did nothing until Tab); a field of that tab already focused keeps it
        (F7 shows the Cards tab with its card field focused)."""
        table = next(iter(event.pane.query(CardTable)), None)
        focused = self.focused
        if table is None or (
            focused is not None
            and focused is not event.tabbed_content.query_one(Tabs)
            and event.pane in focused.ancestors
        ):
            return
        table.focus()

    # -- data -----------------------------------------------------------------------------

    def reload(self) -> None:
        run_db(
            self,
            load_card,
            self.customer_id,
            on_done=self._show,
            on_error=self._load_failed,
            group="card",
            exclusive=True,
        )
        self.segment_done = False
        run_db(
            self,
            customer_segment.segment_of,
            self.customer_id,
            on_done=self._segment_known,
            on_error=self._segment_failed,
            group="card-segment",
            exclusive=True,
        )

    def _segment_known(self, segment: str | None) -> None:
        self.segment = segment
        self.segment_done = True
        self._refresh_header()

    def _segment_failed(self, exc) -> None:
        # Only the segment is missing: the card itself is whole, so no error in the cashier's way.
        self.log.warning("customer segment not available", str(exc))
        self.segment_done = True

    def _load_failed(self, exc) -> None:
        notify_error(self, str(exc))
        if self.data is None and self.is_current:
            self.app.pop_screen()

    def _show(self, data: CardData) -> None:
        self.data = data
        self.query_one("#card-header", Static).update(self._header_text(data.header))
        self.query_one("#profile-table", PagedTable).show(self._profile_rows(data.profile))
        self.query_one("#cards-table", PagedTable).show(data.cards)
        for key in ("sales", "returns", "points", "debts", "surveys"):
            self.query_one(f"#{key}-table", PagedTable).show(getattr(data, key))
        self.query_one("#aging", Static).update(self._aging_text(data.aging))

    def _header_text(self, h: customer_view.Header) -> Text:
        f = self.formats
        text = Text(no_wrap=False, end="")
        text.append(printable(h.name), style="bold")
        text.append("  " + printable(h.code))
        phone = f.phone(h.phone, h.phone_typed).plain
        if phone:
            text.append("  ☎ " + phone)
        text.append("\n")
        debt = f.money(h.debt).plain
        if h.debt_days is not None:
            debt = _("{amount} · oldest {days} days").format(amount=debt, days=h.debt_days)
        breaks_rule = any(flag in CREDIT_RULE_FLAGS for flag in h.flags)
        # A negative debt is money the shop holds for the customer: named so, never "-₫50,000".
        debt_fact = (
            (_("Paid in advance"), f.money(-h.debt).plain, "bold")
            if h.debt < 0
            else (_("Debt"), debt, WARNING_STYLE if breaks_rule else "bold")
        )
        facts = [
            (_("Points"), f.number(h.points).plain),
            debt_fact,
            (_("Credit left"), f.money(h.credit_left).plain if h.credit_left is not None else _("no limit")),
            (_("Discount"), f.percent(h.discount_bp).plain),
        ]
        if h.birthday is not None:
            facts.append((_("Birthday"), f.date(h.birthday).plain))
        if self.segment in rfm.SEGMENTS:  # named as the rfm report names it
            facts.append((_("Segment"), _(rfm.LABELS[self.segment])))
        # Lines broken between facts, never inside one ("Birthday:" above its date): Rich
        # wraps at any whitespace, a no-break space included, so the lines are made here.
        for i, line in enumerate(fact_lines(facts, self._header_width())):
            if i:
                text.append("\n")
            for j, (label, value, *style) in enumerate(line):
                if j:
                    text.append("  ")
                text.append(label + ": ", style="dim")
                text.append(value, style=style[0] if style else "bold")
        flags = [_(HEADER_FLAGS[flag]) for flag in h.flags if flag in HEADER_FLAGS]
        if h.birthday_this_week:
            flags.insert(0, _("birthday this week"))
        if flags:
            text.append("\n")
            warnings = {_(HEADER_FLAGS[flag]) for flag in CREDIT_RULE_FLAGS if flag in h.flags}
            for i, flag in enumerate(flags):
                if i:
                    text.append(" ")
                text.append(f" {flag} ", style=WARNING_STYLE if flag in warnings else "reverse bold")
        return text

    def _header_width(self) -> int:
        header = self.query_one("#card-header", Static)
        return header.content_region.width or max(20, self.app.size.width - 2)

    def on_resize(self, event) -> None:
        self.call_after_refresh(self._refresh_header)  # the facts are laid out for the width

    def _refresh_header(self) -> None:
        if self.data is not None and self.is_mounted:
            self.query_one("#card-header", Static).update(self._header_text(self.data.header))

    def _profile_rows(self, p: customer_view.Profile) -> list[tuple[Text, Text]]:
        f = self.formats

        def row(label: str, value) -> tuple[Text, Text]:
            return plain(label), value if isinstance(value, Text) else plain(value)

        consents = [_(CHANNEL_NAMES[c]) for c, given in p.consents.items() if given]
        rows = [
            row(_("Name"), p.name),
            row(_("Code"), p.code),
            row(_("Phone"), f.phone(p.phone, p.phone_typed)),
            row(_("Status"), name_of(STATUS_NAMES, p.status)),
            row(_("Gender"), name_of(GENDER_NAMES, p.gender)),
            row(_("Birthday"), f.date(p.birthday)),
            row(_("E-mail"), p.email),
            row(_("Company"), p.company),
            row(_("Address"), p.address),
            row(_("Area"), p.area),
            row(_("Personal discount"), f.percent(p.discount_bp)),
            row(_("Credit limit"), f.money(p.credit_limit) if p.credit_limit is not None else _("no limit")),
            row(_("Credit left"), f.money(p.credit_left) if p.credit_left is not None else _("no limit")),
            row(_("Paid in advance"), f.money(-p.debt)) if p.debt < 0 else row(_("Debt"), f.money(p.debt)),
            row(_("Points"), f.number(p.points)),
            row(_("Total sales"), f.money(p.total_sales)),
            row(_("Last purchase"), f.datetime(p.last_purchase_at)),
            row(_("Agrees to messages by"), ", ".join(consents) if consents else _("none")),
            row(_("Groups"), ", ".join(p.groups)),
            row(_("Registered"), f.datetime(p.registered_at)),
            row(_("Registered in"), f"{p.store_code} {p.store_name}".strip()),
            row(_("Registered by"), p.registered_by or ""),
        ]
        if p.merged_into:
            rows.append(row(_("Merged into"), p.merged_into))
        for prop in p.properties:
            rows.append(row(prop.name, property_text(prop)))
        rows.append(row(_("Notes"), p.notes))
        for _label, value in rows:  # one line each, read left to right; long text is cut with …
            value.no_wrap = True
            value.justify = "left"
            if value.cell_len > 120:
                value.truncate(120, overflow="ellipsis")
        return rows

    def _card_cells(self, r: customer_view.CardRow) -> tuple[Text, ...]:
        f = self.formats
        state = _("held now") if r.current else name_of(END_REASON_NAMES, r.end_reason)
        return (
            plain(r.barcode),
            plain(name_of(CARD_KIND_NAMES, r.kind)),
            plain(state),
            f.datetime(r.bound_at),
            f.datetime(r.ended_at),
            plain(r.replaced_by or ""),
        )

    def _aging_text(self, aging: customer_view.Aging) -> Text:
        f = self.formats
        text = Text(end="")
        if not aging.total:
            text.append(_("No unpaid debt."))
            return text
        text.append(_("Unpaid: {amount}").format(amount=f.money(aging.total).plain), style="bold")
        text.append(
            "   "
            + _("oldest from {date} ({days} days)").format(date=f.date(aging.oldest_unpaid).plain, days=aging.days)
        )
        text.append("\n")
        for i, (label, amount) in enumerate(aging.buckets):
            if i:
                text.append("   ")
            text.append(_("{days} days").format(days=label) + ": ", style="dim")
            text.append(f.money(amount).plain)
        return text

    def changed(self) -> None:
        """After a write: show it here, and tell the directory to search again."""
        self.app.data_changed()
        self.reload()

    # -- actions --------------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_next_tab(self, step: int) -> None:
        tabs = self.query_one("#card-tabs", TabbedContent)
        index = TABS.index(tabs.active) if tabs.active in TABS else 0
        tabs.active = TABS[(index + step) % len(TABS)]

    def refused(self, action: str) -> bool:
        """Whether the signed-in role may not do ``action``; if so the cashier is told now,
        before a form is filled in for nothing."""
        if allows(self.actor, action):
            return False
        try:
            require(self.actor, action)
        except PermissionDenied as exc:
            notify_error(self, str(exc))
        return True

    def action_edit(self) -> None:
        if self.data is None or self.refused("edit_customer"):
            return
        self.app.push_screen(
            EditCustomerModal(self.data.profile, self.formats, self.actor),
            lambda saved: self.changed() if saved else None,
        )

    def action_status(self) -> None:
        if self.data is None or self.refused("edit_customer"):
            return
        self.app.push_screen(
            ChoiceModal(
                _("Status"),
                _(
                    "{name}: incomplete means data to complete later; archived customers are hidden and do not count toward the limit."
                ).format(name=self.data.header.name),
                [(status, _(STATUS_NAMES[status])) for status in STATUSES],
                current=self.data.header.status,
            ),
            self._set_status,
        )

    def _set_status(self, status: str | None) -> None:
        if status is None or self.data is None or status == self.data.header.status:
            return

        def done(_customer) -> None:
            self.app.notify(_("Status: {status}").format(status=_(STATUS_NAMES[status])), markup=False)
            self.changed()

        change_status(self, self.customer_id, status, self.actor, done)

    # -- the till: sale, return, debt payment, adjustment (screens/till/)

    def action_new_sale(self) -> None:
        if self.data is not None and self.data.header.status == "archived":
            # Refused at the key, in the sentence that says what this user can do (make the
            # customer active again, or ask a manager), not after a sale was typed in.
            run_db(
                self, can_buy, self.customer_id, self.actor, on_done=lambda _ok: self._open_sale(), group="card-sale"
            )
            return
        self._open_sale()

    def _open_sale(self) -> None:
        from ..till.sale_modal import SaleModal

        self.app.push_screen(
            SaleModal(self.customer_id, self.formats, self.actor), lambda done: self.changed() if done else None
        )

    def action_return_sale(self) -> None:
        """The sale highlighted on the Sales tab, else a receipt number to type."""
        from ..till.return_modal import ReturnModal

        sale_id = None
        tabs = self.query_one("#card-tabs", TabbedContent)
        table = self.query_one("#sales-table", PagedTable)
        if tabs.active == "sales" and self.data is not None and 0 <= table.cursor_row < len(self.data.sales.rows):
            sale_id = self.data.sales.rows[table.cursor_row].id
        self.app.push_screen(
            ReturnModal(self.formats, self.actor, sale_id, customer_id=self.customer_id),
            lambda done: self.changed() if done else None,
        )

    def action_debt_payment(self) -> None:
        from ..till.debt_payment_modal import DebtPaymentModal

        if self.data is None:
            return
        # Nothing owed: only a manager or the owner may take money in advance.
        if self.data.header.debt <= 0 and not allows(self.actor, "advance"):
            self.app.notify(printable(_("{name} owes nothing.").format(name=self.data.header.name)), markup=False)
            return
        self.app.push_screen(
            DebtPaymentModal(self.customer_id, self.data.header.debt, self.formats, self.actor, self.data.header.name),
            lambda done: self.changed() if done else None,
        )

    def action_attach_receipt(self) -> None:
        from ..till.attach_modal import AttachModal

        if self.data is not None:
            self.app.push_screen(
                AttachModal(self.customer_id, self.data.header.name, self.formats, self.actor),
                lambda done: self.changed() if done else None,
            )

    def action_move_receipt(self) -> None:
        """F2: a sale recorded on this customer by mistake goes to the right one (manager+);
        the sale highlighted on the Sales tab, else a receipt number to type."""
        from ..till.move_receipt_modal import MoveReceiptModal

        if self.data is None or self.refused("move_receipt"):
            return
        sale_id = None
        tabs = self.query_one("#card-tabs", TabbedContent)
        table = self.query_one("#sales-table", PagedTable)
        if tabs.active == "sales" and 0 <= table.cursor_row < len(self.data.sales.rows):
            sale_id = self.data.sales.rows[table.cursor_row].id
        self.app.push_screen(
            MoveReceiptModal(self.customer_id, self.data.header.name, self.formats, self.actor, sale_id),
            lambda moved: self.changed() if moved else None,
        )

    def action_adjust(self) -> None:
        from ..till.adjust_modal import AdjustModal

        if self.refused("adjust"):
            return
        self.app.push_screen(
            AdjustModal(self.customer_id, self.formats, self.actor), lambda done: self.changed() if done else None
        )

    def action_merge(self) -> None:
        if self.data is None or self.refused("merge_customers"):
            return
        from .merge_modal import MergeModal

        self.app.push_screen(
            MergeModal(self.customer_id, self.data.header.name, self.actor),
            lambda merged: self.changed() if merged else None,
        )

    def action_anonymise(self) -> None:
        """Ctrl+O (owner): the customer asked to be forgotten. A second question, then
        services/privacy.py erases what identifies them; receipts and balances stay."""
        from .card_actions_modal import confirm_anonymise

        if self.data is None or self.refused("anonymise"):
            return
        confirm_anonymise(
            self, self.customer_id, self.data.header.name, self.data.header.code, self.actor, self.changed
        )

    def action_card_actions(self) -> None:
        """Ctrl+W: withdraw a lost card, or replace it by a new one; the Cards tab shows the history."""
        from .card_actions_modal import open_card_actions

        if self.refused("issue_card"):
            return
        self.query_one("#card-tabs", TabbedContent).active = "cards"
        open_card_actions(self.app, self.customer_id)

    def action_add_card(self) -> None:
        self.query_one("#card-tabs", TabbedContent).active = "cards"
        self.query_one("#new-card", Input).focus()

    @on(Input.Submitted, "#new-card")
    def _add_card(self, event: Input.Submitted) -> None:
        event.stop()
        self.add_card(event.value)

    def add_card(self, barcode: str) -> None:
        if not barcode.strip():
            return

        def done(card_barcode: str) -> None:
            self.query_one("#new-card", Input).value = ""
            name = self.data.header.name if self.data else ""
            self.app.notify(
                printable(_("Card {barcode} given to {name}.").format(barcode=card_barcode, name=name)), markup=False
            )
            self.changed()

        run_db(
            self,
            issue_card,
            self.customer_id,
            barcode,
            self.actor,
            self.query_one("#new-card-kind", Select).value,
            on_done=done,
            group="add-card",
            title=_("Card"),
        )

    def on_card_scanned(self, message: CardScanned) -> None:
        """A scan while the card field has the focus is a card for this customer."""
        if self.focused is self.query_one("#new-card", Input):
            message.stop()
            self.query_one("#new-card", Input).value = message.barcode
            self.add_card(message.barcode)
