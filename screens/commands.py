"""What the command palette (Ctrl+P) offers: every screen, every action, and the keys of
the screen it was opened on, so nothing is reachable only by a key one has to remember."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.screen import Screen

from shoptui.i18n import N_, _
from shoptui.services.context import allows

from .dialogs.help_screen import key_label
from .role_keys import key_name, offered


def _home(app: App) -> None:
    for _screen in range(len(app.screen_stack) - 1):  # bounded: the sign-in does not come off
        app.pop_screen()


def open_surveys(app: App) -> None:
    from .admin.surveys_screen import SurveysScreen

    app.push_screen(SurveysScreen(getattr(app, "actor", None)))


def open_properties(app: App) -> None:
    from .admin.properties_screen import PropertiesScreen

    app.push_screen(PropertiesScreen(getattr(app, "actor", None)))


def open_export_month(app: App) -> None:
    from .reports.export_month_modal import ExportMonthModal

    app.push_screen(ExportMonthModal(getattr(app, "actor", None)))


def open_gift_card_sale(app: App) -> None:
    from .till.gift_card_modal import sell_gift_card

    sell_gift_card(app)


def open_vouchers(app: App) -> None:
    from .admin.vouchers_screen import open_vouchers as open_screen

    open_screen(app)


# The permission each palette entry needs: an entry the signed-in role may not use is not
# offered. Surveys and vouchers stay: a cashier may read them (their changes are refused).
SCREEN_COMMAND_NEEDS = {
    "Custom properties and card kinds": "settings",
    "Export month…": "export",
    "Gift card…": "gift_cards",
}


def _may(app: App, need: str | None) -> bool:
    return need is None or allows(getattr(app, "actor", None), need)


def screen_commands(app: App) -> Iterable[SystemCommand]:
    for command in _screen_commands(app):
        if _may(app, SCREEN_COMMAND_NEEDS.get(command.title_id)):
            yield command.command


class _Titled:
    """A palette entry with the English title it was made from (the catalog's message id)."""

    def __init__(self, title_id: str, help_text: str, callback) -> None:
        self.title_id = title_id
        self.command = SystemCommand(_(title_id), help_text, callback)


def _screen_commands(app: App) -> Iterable[_Titled]:
    yield _Titled(N_("Customer directory"), _("The list of customers, with search"), lambda: _home(app))
    yield _Titled(N_("New customer"), _("Register a customer"), lambda: app.register_customer())
    yield _Titled(
        N_("Reports"),
        _("Portrait, conversion, RFM, win-back, birthdays, debtors and more (Ctrl+T)"),
        lambda: app.action_show_reports(),
    )
    yield _Titled(N_("Surveys"), _("Survey questions: add, edit, switch off, order"), lambda: open_surveys(app))
    yield _Titled(
        N_("Custom properties and card kinds"),
        _("The shop's own customer fields, and the kinds of card"),
        lambda: open_properties(app),
    )
    yield _Titled(
        N_("Devices"),
        _("Barcode scanners and the people counter: state, choose, test"),
        lambda: app.action_show_devices(),
    )
    yield _Titled(N_("Gift card…"), _("Sell a new gift card or top one up"), lambda: open_gift_card_sale(app))
    yield _Titled(N_("Vouchers"), _("Vouchers and coupons: list, add, switch off"), lambda: open_vouchers(app))
    yield _Titled(N_("Export month…"), _("The owner's month-end workbook in Excel"), lambda: open_export_month(app))
    yield _Titled(
        N_("Help: keys"), _("The keys of this screen and the global ones (F1)"), lambda: app.action_show_help()
    )


def key_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    """The bindings of ``screen`` that have a name, each as a command showing its key."""
    seen: set[str] = set()
    for _key, active in screen.active_bindings.items():
        binding = active.binding
        if (
            not binding.description
            or not binding.id
            or not active.enabled
            or binding.action in seen
            or binding.action in ("command_palette", "quit")
        ):
            continue
        if not offered(active.node if isinstance(active.node, Screen) else screen, binding.action):
            continue  # a key the signed-in role may not use is not offered here either
        seen.add(binding.action)
        # Descriptions are English message ids, translated in the language of the moment.
        title = f"{key_name(screen, binding.action, binding.description)} ({key_label(app, binding)})"

        def run(action: str = binding.action, node=active.node) -> None:
            app.call_later(app.run_action, action, node)

        where = _("A key that works on every screen") if active.node is app else _("A key of this screen")
        yield SystemCommand(title, _(binding.tooltip) if binding.tooltip else where, run)


# Textual's own palette entries and placeholders are English strings inside Textual;
# marked here so that our catalogs carry them, and translated as they are shown.
TEXTUAL_TEXTS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
PALETTE_PLACEHOLDER = N_("Search for commands…")
THEMES_PLACEHOLDER = N_("Search for themes…")


def textual_commands(commands: Iterable[SystemCommand], app: App) -> Iterable[SystemCommand]:
    """Textual's commands in the shop's language. Its "Keys" panel is left out: F1 (our help,
    translated, with the palette line) shows the keys of every screen."""
    for command in commands:
        if command.callback in (app.action_show_help_panel, app.action_hide_help_panel):
            continue
        yield command._replace(title=_(command.title), help=_(command.help))


def shop_commands(app: App, screen: Screen) -> Iterable[SystemCommand]:
    if getattr(app, "walled", lambda: False)():
        return  # nothing behind the sign-in or the lock (the palette does not open there either)
    yield from screen_commands(app)
    yield from key_commands(app, screen)
