"""Who acts, where, and what their role allows. Enforced here, not only by hiding buttons."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NotFound, PermissionDenied
from ..i18n import N_, _
from ..models import Store, User

# The code of the store a new database gets (``stores.ensure_main_store``, run where the
# database is opened: ``cli.open_db``).
MAIN = "MAIN"

ROLE_RANK = {"cashier": 1, "manager": 2, "owner": 3}

# The least role an action needs. Cashiers sell, take returns and debt payments and
# register customers; managers also edit, adjust and run surveys; owners do the rest.
ACTION_ROLES = {
    "sale": "cashier",
    "return": "cashier",
    "debt_payment": "cashier",
    "register": "cashier",
    "issue_card": "cashier",
    "survey_answer": "cashier",
    "edit_customer": "manager",
    "late_return": "manager",
    "adjust": "manager",
    "advance": "manager",
    "credit_override": "manager",
    "move_receipt": "manager",
    "merge_customers": "manager",
    "surveys": "manager",
    "vouchers": "manager",
    "day_close_all": "manager",
    "gift_cards": "cashier",
    "users": "owner",
    "stores": "owner",
    "settings": "owner",
    "backup": "owner",
    "export": "owner",
    "import": "owner",
    "anonymise": "owner",
}

ACTION_NAMES = {
    "sale": N_("record a sale"),
    "return": N_("take a return"),
    "debt_payment": N_("take a debt payment"),
    "register": N_("register a customer"),
    "issue_card": N_("issue a card"),
    "survey_answer": N_("record a survey answer"),
    "edit_customer": N_("edit a customer"),
    "late_return": N_("take a return after the cashier's limit of days"),
    "adjust": N_("adjust points or debt"),
    "advance": N_("record a payment in advance"),
    "credit_override": N_("allow credit over the limit"),
    "move_receipt": N_("move a receipt to another customer"),
    "merge_customers": N_("merge customers"),
    "surveys": N_("change surveys"),
    "vouchers": N_("manage vouchers"),
    "day_close_all": N_("see another user's day close"),
    "gift_cards": N_("sell or top up gift cards"),
    "users": N_("manage users"),
    "stores": N_("manage stores"),
    "settings": N_("change settings"),
    "backup": N_("back up or restore"),
    "export": N_("export data"),
    "import": N_("import data"),
    "anonymise": N_("anonymise a customer"),
}

ROLE_NAMES = {"cashier": N_("cashier"), "manager": N_("manager"), "owner": N_("owner")}
# Whom to ask, with its article: "ask a manager", "ask the owner".
ASK_ROLE = {"cashier": N_("a cashier"), "manager": N_("a manager"), "owner": N_("the owner")}


@dataclass(frozen=True)
class Actor:
    """Who acts: the signed-in user, or the system (``system="cli:<os login>"``: the command
    line run by the OS user who owns the database file, with owner rights), and the store.

    An actor with neither user nor system (or None) is nobody: it may act only in a shop that
    has created no users; once users exist, ``require`` refuses it."""

    user: User | None = None
    store: Store | None = None
    system: str | None = None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user is not None else None

    @property
    def label(self) -> str | None:
        """Who acted, as the audit log names them: the user's name or the system's label."""
        if self.user is not None:
            return self.user.name
        return self.system


def shop_has_users() -> bool:
    """Whether the shop has created users: from then on every action needs a user or the system."""
    return User.select().where(User.active == True).exists()  # noqa: E712


def allows(actor: Actor | None, action: str) -> bool:
    """Whether ``actor`` may do ``action``. A user by their role; the system (the command line,
    as the OS user who owns the file) as the owner; nobody only in a shop without users."""
    if actor is not None and actor.user is not None:
        need = ROLE_RANK[ACTION_ROLES[action]]
        return ROLE_RANK.get(actor.user.role, 0) >= need
    if actor is not None and actor.system:
        return True
    return not shop_has_users()  # one EXISTS query, and only for an actor that is nobody


def require(actor: Actor | None, action: str) -> None:
    if allows(actor, action):
        return
    if actor is None or actor.user is None:
        raise PermissionDenied(
            _("Nobody is signed in: sign in with your user name and PIN to {action}.").format(
                action=_(ACTION_NAMES[action])
            )
        )
    raise PermissionDenied(
        _("A {role} may not {action}; ask {whom}.").format(
            role=_(ROLE_NAMES[actor.user.role]) if actor.user.role in ROLE_NAMES else actor.user.role,
            action=_(ACTION_NAMES[action]),
            whom=_(ASK_ROLE[ACTION_ROLES[action]]),
        )
    )


def current_store(actor: Actor | None) -> Store:
    """The actor's store, else the only (or first) store of the shop. A read only: the MAIN
    store is created where the database is opened (``stores.ensure_main_store``)."""
    if actor is not None and actor.store is not None:
        return actor.store
    store = Store.select().order_by(Store.id).first()
    if store is None:
        raise NotFound(_("There is no store {code}.").format(code=MAIN))
    return store
