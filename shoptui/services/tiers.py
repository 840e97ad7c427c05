"""Points tiers (the owner's): customers whose spend in the last 12 months reaches a
tier's threshold earn at its rate and get its discount (``points.rate_for`` picks the
highest tier reached at sale time). Each change is one audited transaction."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RuleViolation, ValidationError
from ..i18n import _
from ..models import PointsTier
from .audit import record, snapshot
from .context import Actor, require
from .ledger import write_transaction
from .rows import by_id

NAME_MAX = 64
FULL_DISCOUNT_BP = 10000  # 100 %, in hundredths of a percent
# Changing tiers is changing the shop's points rules: the owner's, like every setting.
ACTION = "settings"


@dataclass(frozen=True)
class TierInput:
    name: str
    min_spend: int  # spend in the last 12 months, minor units
    earn_per: int  # money per point, minor units
    discount_bp: int = 0  # hundredths of a percent


@dataclass(frozen=True)
class TierRow:
    id: int
    name: str
    min_spend: int
    earn_per: int
    discount_bp: int


def list_tiers() -> list[TierRow]:
    """Every tier, lowest threshold first."""
    return [
        TierRow(t.id, t.name, t.min_spend, t.earn_per, t.discount_bp)
        for t in PointsTier.select().order_by(PointsTier.min_spend, PointsTier.id)
    ]


def _whole(value, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("{value} is not a whole number.").format(value=value), field)
    return value


def _validated(tier: TierInput, tier_id: int | None) -> dict:
    name = " ".join((tier.name or "").split())
    if not name:
        raise ValidationError(_("A tier needs a name."), "name")
    if len(name) > NAME_MAX:
        raise ValidationError(_("A tier's name is at most {n} characters.").format(n=NAME_MAX), "name")
    min_spend = _whole(tier.min_spend, "min_spend")
    if min_spend < 0:
        raise ValidationError(_("A tier's spend threshold may not be negative."), "min_spend")
    earn_per = _whole(tier.earn_per, "earn_per")
    if earn_per <= 0:
        raise ValidationError(_("The money per point must be more than zero."), "earn_per")
    discount_bp = _whole(tier.discount_bp, "discount_bp")
    if not 0 <= discount_bp <= FULL_DISCOUNT_BP:
        raise ValidationError(_("A tier's discount is between 0 and 100%."), "discount_bp")
    others = PointsTier.select().where(PointsTier.id != tier_id) if tier_id is not None else PointsTier.select()
    for other in others:
        if other.name.casefold() == name.casefold():
            raise RuleViolation(_("There is already a tier named {name}.").format(name=other.name))
        if other.min_spend == min_spend:
            raise RuleViolation(
                _("Tier {name} already starts at this spend; each tier needs its own threshold.").format(
                    name=other.name
                )
            )
    return {"name": name, "min_spend": min_spend, "earn_per": earn_per, "discount_bp": discount_bp}


def _tier(tier_id: int) -> PointsTier:
    return by_id(PointsTier, tier_id, _("There is no such tier."))


def add_tier(tier: TierInput, actor: Actor | None = None) -> int:
    """A new tier; answers its id."""
    require(actor, ACTION)
    with write_transaction():
        values = _validated(tier, None)
        row = PointsTier.create(**values)
        record(actor, "tier.add", "points_tier", row.id, None, snapshot(row))
    return row.id


def update_tier(tier_id: int, tier: TierInput, actor: Actor | None = None) -> None:
    require(actor, ACTION)
    with write_transaction():
        row = _tier(tier_id)
        values = _validated(tier, row.id)
        before = snapshot(row)
        PointsTier.update(**values).where(PointsTier.id == row.id).execute()
        record(actor, "tier.update", "points_tier", row.id, before, snapshot(_tier(row.id)))


def delete_tier(tier_id: int, actor: Actor | None = None) -> None:
    require(actor, ACTION)
    with write_transaction():
        row = _tier(tier_id)
        before = snapshot(row)
        row.delete_instance()
        record(actor, "tier.delete", "points_tier", tier_id, before, None)
