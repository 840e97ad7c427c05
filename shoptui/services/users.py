"""Users with roles and PINs (salted scrypt hashes), and lock-outs after wrong PINs.

A PIN of 4 digits has 10,000 values: whoever reads the database file can try them all
offline, so each try must cost. scrypt (n=2**14, r=8, p=1: about 16 MiB and a few tens of
milliseconds) makes the 10,000 cost minutes instead of the fraction of a second that a fast
hash would. The scheme and its parameters are kept in the hash string (``scrypt$n$r$p$hex``);
a bare hex string is the PBKDF2 of earlier versions, still verified and replaced by scrypt at
the user's next successful sign-in.

A refusal reads the same whether the name is unknown, the PIN wrong or the user locked out,
so that the sign-in does not tell a stranger which user names exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets

from .. import clock
from ..errors import NotFound, PermissionDenied, ValidationError
from ..i18n import _
from ..models import ROLES, User
from .audit import record
from .context import Actor, allows, require, shop_has_users
from .customers import clean_text
from .ledger import write_transaction

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_PREFIX = "scrypt"
LEGACY_PBKDF2_ROUNDS = 120_000  # the hashes of earlier versions: a bare hex string
MAX_FAILED_PINS = 5
LOCKOUT = dt.timedelta(minutes=5)
# ASCII digits only: str.isdigit() also takes "¹²³⁴" and full-width digits, which no till keypad types.
PIN_FORMAT = re.compile(r"[0-9]{4,12}")
# Hashed for an unknown user too, so that the answer takes as long as for a known one.
_DUMMY_SALT = "00" * 16
_DUMMY_HASH = f"{SCRYPT_PREFIX}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${'00' * 32}"


def hash_pin(pin: str, salt: str) -> str:
    """The PIN's scrypt hash with its scheme and parameters: ``scrypt$n$r$p$hex``."""
    digest = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"{SCRYPT_PREFIX}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${digest.hex()}"


def _pin_matches(pin: str, salt: str, stored: str) -> bool:
    """``pin`` against a stored hash of either scheme (PBKDF2 hashes are bare hex)."""
    if stored.startswith(SCRYPT_PREFIX + "$"):
        try:
            _scheme, n, r, p, expected = stored.split("$")
            digest = hashlib.scrypt(
                pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected) // 2
            )
        except ValueError:
            return False  # a damaged hash opens nothing
        return hmac.compare_digest(digest.hex(), expected)
    try:
        digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), LEGACY_PBKDF2_ROUNDS)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), stored)


def _needs_rehash(stored: str) -> bool:
    return not stored.startswith(f"{SCRYPT_PREFIX}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}$")


def _valid_pin(pin: str) -> bool:
    return isinstance(pin, str) and PIN_FORMAT.fullmatch(pin) is not None


def _check_pin_format(pin: str) -> None:
    if not _valid_pin(pin):
        raise ValidationError(_("A PIN is 4 to 12 digits."), "pin")


def _refused() -> PermissionDenied:
    """The one answer to every failed sign-in: unknown name, wrong PIN or locked out alike."""
    minutes = int(LOCKOUT.total_seconds() // 60)
    return PermissionDenied(
        _("Unknown user or wrong PIN. After {count} wrong PINs in a row a user must wait {minutes} minutes.").format(
            count=MAX_FAILED_PINS, minutes=minutes
        )
    )


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
    return shop_has_users()


def verify_pin(name: str, pin: str) -> User:
    """The user when the PIN is right; counts wrong PINs against the user named and locks
    them out for a while. Every refusal says the same (see ``_refused``)."""
    user = User.get_or_none((User.name == name.strip()) & (User.active == True))  # noqa: E712
    valid = _valid_pin(pin)
    candidate = pin if valid else ""  # anything else is wrong, and hashed all the same
    if user is None:
        _pin_matches(candidate, _DUMMY_SALT, _DUMMY_HASH)
        raise _refused()
    now = clock.now()
    right = _pin_matches(candidate, user.pin_salt, user.pin_hash) and valid
    if user.locked_until is not None and user.locked_until > now:
        raise _refused()  # not counted: the lock-out runs its time whatever is typed
    if right:
        if user.failed_pins or user.locked_until is not None or _needs_rehash(user.pin_hash):
            changes: dict[object, object] = {User.failed_pins: 0, User.locked_until: None}
            if _needs_rehash(user.pin_hash):  # an older scheme: scrypt from this sign-in on
                salt = secrets.token_hex(16)
                changes.update({User.pin_salt: salt, User.pin_hash: hash_pin(candidate, salt)})
            with write_transaction():
                User.update(changes).where(User.id == user.id).execute()
        return User.get_by_id(user.id)
    with write_transaction():
        failed = User.get_by_id(user.id).failed_pins + 1  # read afresh: two tills may count at once
        locked = now + LOCKOUT if failed >= MAX_FAILED_PINS else None
        User.update(failed_pins=0 if locked else failed, locked_until=locked).where(User.id == user.id).execute()
        record(
            Actor(user=None), "user.wrong_pin", "user", user.id, None, {"failed": failed, "locked": locked is not None}
        )
    raise _refused()


def authorize_override(name: str, pin: str, action: str) -> User:
    """A manager or owner PIN that allows what the acting user may not (logged by the caller)."""
    user = verify_pin(name, pin)
    if not allows(Actor(user=user), action):
        raise PermissionDenied(_("{name} may not allow this.").format(name=user.name))
    return user
