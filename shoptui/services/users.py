"""Users with roles and PINs (salted PBKDF2 hashes), and lock-outs after wrong PINs."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from .. import clock
from ..errors import NotFound, PermissionDenied, ValidationError
from ..i18n import _
from ..models import ROLES, User
from .audit import record
from .context import Actor, require
from .customers import clean_text
from .ledger import write_transaction

PBKDF2_ROUNDS = 120_000
MAX_FAILED_PINS = 5
LOCKOUT = dt.timedelta(minutes=5)


def hash_pin(pin: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), PBKDF2_ROUNDS).hex()


def _check_pin_format(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise ValidationError(_("A PIN is 4 to 12 digits."), "pin")


def add_user(name: str, role: str, pin: str, actor: Actor | None = None) -> User:
    require(actor, "users")
    name = clean_text(name, "name")
    if not name or len(name) > 100:
        raise ValidationError(_("A user needs a name of up to 100 characters."), "name")
    if role not in ROLES:
        raise ValidationError(_("The role must be one of: {choices}.").format(choices=", ".join(ROLES)), "role")
    _check_pin_format(pin)
    salt = secrets.token_hex(16)
    with write_transaction():
        if User.select().where(User.name == name).exists():
            raise ValidationError(_("There is already a user {name}.").format(name=name), "name")
        user = User.create(name=name, role=role, pin_salt=salt, pin_hash=hash_pin(pin, salt), created_at=clock.now())
        record(actor, "user.add", "user", user.id, None, {"name": name, "role": role})
    return user


def set_pin(name: str, pin: str, actor: Actor | None = None) -> User:
    require(actor, "users")
    _check_pin_format(pin)
    user = get_user(name)
    salt = secrets.token_hex(16)
    with write_transaction():
        User.update(pin_salt=salt, pin_hash=hash_pin(pin, salt), failed_pins=0, locked_until=None).where(
            User.id == user.id
        ).execute()
        record(actor, "user.set_pin", "user", user.id, None, None)
    return User.get_by_id(user.id)


def get_user(name: str) -> User:
    user = User.get_or_none(User.name == name.strip())
    if user is None:
        raise NotFound(_("There is no user {name}.").format(name=name))
    return user


def list_users() -> list[User]:
    return list(User.select().order_by(User.name))


def has_users() -> bool:
    return User.select().where(User.active == True).exists()  # noqa: E712


def verify_pin(name: str, pin: str) -> User:
    """The user when the PIN is right; counts wrong PINs and locks the user out for a while."""
    user = User.get_or_none((User.name == name.strip()) & (User.active == True))  # noqa: E712
    if user is None:
        raise PermissionDenied(_("Unknown user or wrong PIN."))
    now = clock.now()
    if user.locked_until is not None and user.locked_until > now:
        raise PermissionDenied(
            _("Too many wrong PINs: {name} is locked until {time}.").format(name=user.name, time=user.locked_until.strftime("%H:%M"))
        )
    if hmac.compare_digest(hash_pin(pin, user.pin_salt), user.pin_hash):
        if user.failed_pins:
            User.update(failed_pins=0, locked_until=None).where(User.id == user.id).execute()
        return User.get_by_id(user.id)
    with write_transaction():
        failed = user.failed_pins + 1
        locked = now + LOCKOUT if failed >= MAX_FAILED_PINS else None
        User.update(failed_pins=0 if locked else failed, locked_until=locked).where(User.id == user.id).execute()
        record(Actor(user=None), "user.wrong_pin", "user", user.id, None, {"failed": failed, "locked": locked is not None})
    raise PermissionDenied(_("Unknown user or wrong PIN."))


def authorize_override(name: str, pin: str, action: str) -> User:
    """A manager or owner PIN that allows what the acting user may not (logged by the caller)."""
    from .context import allows

    user = verify_pin(name, pin)
    if not allows(Actor(user=user), action):
        raise PermissionDenied(_("{name} may not allow this.").format(name=user.name))
    return user
