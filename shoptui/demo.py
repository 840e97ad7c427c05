"""``shoptui demo``: a realistic demo shop, written through the services.

Deterministic: the same seed on the same day always makes the same shop. Every date
is counted back from ``today``: the demo covers the ``days`` days ending today, today
included up to closing time (so that the as-of-today reports have something to show),
and its receipts may therefore lie later in the day than the moment it was made.

What it makes: an owner and two cashiers (``DEMO_USERS``, whose PINs the README gives);
customers with Vietnamese names, VN mobile phones, birthdays (some unknown), genders,
consents, areas and companies; loyalty cards in the in-store barcode range (EAN-13
starting with ``2``); a few loyal regulars and many one-time buyers; anonymous sales;
whole and partial returns; sales on credit within limits and debt payments; points
earned and redeemed; vouchers (some customers use one on more than two receipts) and
a gift card; hourly visitor counts; survey questions and answers; groups, and one
custom property.

Writes go through the services with their ``at=`` parameters. Products and survey
questions and answers have no service yet: they are inserted here.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal

from . import clock
from .barcodes import ean13
from .db import database, migration_lock
from .errors import RuleViolation, UsageError
from .i18n import _, ngettext
from .models import (
    Card,
    Customer,
    Group,
    Product,
    PropertyDefinition,
    Receipt,
    ReceiptLine,
    Store,
    SurveyAnswer,
    SurveyQuestion,
    User,
    Voucher,
)
from .services import (
    cards,
    checkout,
    customers,
    debts,
    ledger,
    sale_quote,
    sale_return,
    settings,
    users,
    visits,
    vouchers,
)
from .services.context import Actor, require
from .textfold import fold


@dataclass(frozen=True)
class DemoUser:
    name: str
    role: str
    pin: str


OWNER = DemoUser("owner", "owner", "1111")
CASHIERS = (DemoUser("lan", "cashier", "2222"), DemoUser("minh", "cashier", "3333"))
DEMO_USERS = (OWNER, *CASHIERS)

DEFAULT_CUSTOMERS = 300
DEFAULT_DAYS = 90
DEFAULT_SEED = 1
MAX_DAYS = 3660
MAX_CUSTOMERS = 1_000_000
DEMO_COUNTER = "demo"  # its visits have the source "counter:demo"
SHOP_NAME = "Tạp hóa Minh Anh"
OPEN_HOUR, CLOSE_HOUR = 7, 22  # the shop is open from 7:00 to 22:00
# Receipts per opening hour, 7h..21h: a morning and an evening rush.
HOUR_WEIGHTS = (5, 7, 6, 4, 4, 5, 3, 3, 4, 5, 7, 9, 8, 6, 3)
WEEKDAY_WEIGHTS = (0.9, 0.9, 0.95, 1.0, 1.1, 1.3, 1.25)  # Monday first
LOYALTY_PREFIX = "21"  # in-store range: EAN-13 starting with 2 never clashes with an imported card
GIFT_PREFIX = "29"

FAMILY_NAMES = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 5),
    ("Phan", 4.5),
    ("Vũ", 3.9),
    ("Võ", 3.9),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
)
FEMALE_MIDDLE = ("Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Bảo", "Minh", "Hoài")
MALE_MIDDLE = ("Văn", "Văn", "Minh", "Đức", "Quang", "Hữu", "Thanh", "Công", "Hoàng", "Gia", "Quốc")
FEMALE_GIVEN = (
    "Anh",
    "Chi",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hồng",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "My",
    "Ngân",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phương",
    "Quỳnh",
    "Tâm",
    "Thảo",
    "Thu",
    "Trang",
    "Trinh",
    "Tuyết",
    "Uyên",
    "Vân",
    "Vy",
    "Xuân",
    "Yến",
)
MALE_GIVEN = (
    "An",
    "Bảo",
    "Bình",
    "Cường",
    "Dũng",
    "Duy",
    "Đạt",
    "Đức",
    "Hải",
    "Hiếu",
    "Hoàng",
    "Hùng",
    "Huy",
    "Khang",
    "Khoa",
    "Kiên",
    "Long",
    "Lộc",
    "Minh",
    "Nam",
    "Nghĩa",
    "Phát",
    "Phong",
    "Phúc",
    "Quân",
    "Quang",
    "Sơn",
    "Tài",
    "Thắng",
    "Thành",
    "Tiến",
    "Toàn",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
)
MOBILE_PREFIXES = (
    "086",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",  # Viettel
    "090",
    "093",
    "070",
    "076",
    "077",
    "078",
    "079",  # MobiFone
    "088",
    "091",
    "094",
    "081",
    "082",
    "083",
    "084",
    "085",  # VinaPhone
    "092",
    "056",
    "058",
    "099",
    "059",  # Vietnamobile, Gmobile
)
AREAS = ("Quận 1", "Quận 3", "Quận 10", "Bình Thạnh", "Phú Nhuận", "Gò Vấp", "Tân Bình", "Thủ Đức")
STREETS = (
    "Nguyễn Trãi",
    "Lê Lợi",
    "Hai Bà Trưng",
    "Cách Mạng Tháng Tám",
    "Phan Xích Long",
    "Võ Văn Tần",
    "Điện Biên Phủ",
)
COMPANIES = (
    "Công ty TNHH Minh Phát",
    "Quán cà phê Gió",
    "Tiệm bánh Hồng Hạnh",
    "Công ty CP Sao Việt",
    "Nhà hàng Bếp Quê",
)
NOTES = ("Thích cà phê sữa đá.", "Giao hàng tận nhà sau 18h.", "Hay mua sỉ nước suối.", "Ăn chay ngày rằm.")
WISHES = ("Sữa hạt không đường", "Bánh mì tươi buổi sáng", "Trái cây nhập khẩu", "Cà phê hạt rang xay", "Rau hữu cơ")
# sku, name, group, price (VND)
PRODUCTS = (
    ("GAO-ST25-5", "Gạo ST25 túi 5kg", "Gạo", 185000),
    ("GAO-TAM-2", "Gạo tám thơm 2kg", "Gạo", 62000),
    ("MI-HAOHAO", "Mì Hảo Hảo tôm chua cay", "Mì gói", 4500),
    ("MI-OMACHI", "Mì Omachi sườn hầm", "Mì gói", 8000),
    ("PHO-VIFON", "Phở bò Vifon", "Mì gói", 9500),
    ("NM-NAMNGU", "Nước mắm Nam Ngư 500ml", "Gia vị", 38000),
    ("NM-PHUQUOC", "Nước mắm Phú Quốc 40 độ", "Gia vị", 79000),
    ("DAU-NEPTUNE", "Dầu ăn Neptune 1L", "Gia vị", 55000),
    ("HAT-NEM", "Hạt nêm Knorr 400g", "Gia vị", 36000),
    ("DUONG-BH", "Đường Biên Hòa 1kg", "Gia vị", 27000),
    ("SUA-VNM-1L", "Sữa tươi Vinamilk 1L", "Sữa", 33000),
    ("SUA-TH-180", "Sữa TH true milk 180ml", "Sữa", 8500),
    ("SUA-CHUA", "Sữa chua Vinamilk hộp", "Sữa", 7000),
    ("CF-G7", "Cà phê G7 3in1 hộp 18 gói", "Đồ uống", 52000),
    ("CF-TN", "Cà phê Trung Nguyên 500g", "Đồ uống", 98000),
    ("TRA-XANH", "Trà xanh Không Độ 500ml", "Đồ uống", 10000),
    ("NUOC-LAVIE", "Nước suối Lavie 500ml", "Đồ uống", 5000),
    ("NUOC-THUNG", "Nước suối Aquafina thùng 24 chai", "Đồ uống", 110000),
    ("BIA-SG", "Bia Sài Gòn lon", "Đồ uống", 12000),
    ("BIA-333-THUNG", "Bia 333 thùng 24 lon", "Đồ uống", 265000),
    ("COCA", "Coca-Cola lon 320ml", "Đồ uống", 10000),
    ("BANH-CHOCOPIE", "Bánh Chocopie hộp 12 cái", "Bánh kẹo", 55000),
    ("BANH-AFC", "Bánh AFC rau", "Bánh kẹo", 24000),
    ("KEO-ALPENLIEBE", "Kẹo Alpenliebe gói", "Bánh kẹo", 18000),
    ("TRUNG-GA-10", "Trứng gà vỉ 10 quả", "Tươi sống", 32000),
    ("RAU-MUONG", "Rau muống bó", "Tươi sống", 8000),
    ("THIT-HEO", "Thịt heo ba chỉ 500g", "Tươi sống", 75000),
    ("XA-BONG-OMO", "Bột giặt OMO 3kg", "Hóa phẩm", 168000),
    ("NUOC-RUA-CHEN", "Nước rửa chén Sunlight 750g", "Hóa phẩm", 29000),
    ("DAU-GOI", "Dầu gội Clear 370g", "Hóa phẩm", 119000),
    ("KEM-DANH-RANG", "Kem đánh răng P/S 230g", "Hóa phẩm", 35000),
    ("GIAY-VS", "Giấy vệ sinh Pulppy 10 cuộn", "Hóa phẩm", 68000),
    ("TA-BOBBY", "Tã Bobby size M 40 miếng", "Mẹ và bé", 259000),
    ("SUA-BOT", "Sữa bột Dielac 900g", "Mẹ và bé", 289000),
)
# How many receipts a customer makes over the demo period: (profile, share).
PROFILES = (("never", 0.04), ("once", 0.55), ("twice", 0.17), ("few", 0.13), ("regular", 0.08), ("loyal", 0.03))


@dataclass
class DemoSummary:
    customers: int = 0
    sales: int = 0
    anonymous: int = 0
    returns: int = 0
    debt_payments: int = 0
    visitors: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None

    def line(self) -> str:
        # Every count through ngettext: "1 returns" reads wrong, and Russian has three forms.
        counts = dict(
            customers=ngettext("{n} customer", "{n} customers", self.customers).format(n=self.customers),
            sales=ngettext("{n} sale", "{n} sales", self.sales).format(n=self.sales),
            anonymous=ngettext("{n} anonymous", "{n} anonymous", self.anonymous).format(n=self.anonymous),
            returns=ngettext("{n} return", "{n} returns", self.returns).format(n=self.returns),
            payments=ngettext("{n} debt payment", "{n} debt payments", self.debt_payments).format(n=self.debt_payments),
            visitors=ngettext("{n} visitor", "{n} visitors", self.visitors).format(n=self.visitors),
        )
        return _(
            "Demo shop ready: {customers}, {sales} ({anonymous}), {returns}, {payments} and {visitors} "
            "from {first} to {last}; users owner (PIN {owner_pin}), {c1} (PIN {c1_pin}) and {c2} (PIN {c2_pin})."
        ).format(
            **counts,
            first=self.first_day,
            last=self.last_day,
            owner_pin=OWNER.pin,
            c1=CASHIERS[0].name,
            c1_pin=CASHIERS[0].pin,
            c2=CASHIERS[1].name,
            c2_pin=CASHIERS[1].pin,
        )


def check_size(customers: int, days: int) -> None:
    """Bad sizes are bad usage, said before a database file is created for nothing."""
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise UsageError(_("--customers must be between 1 and {most}.").format(most=MAX_CUSTOMERS))
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(_("--days must be between 1 and {most}.").format(most=MAX_DAYS))


def make_demo(
    customers: int = DEFAULT_CUSTOMERS,
    days: int = DEFAULT_DAYS,
    seed: int = DEFAULT_SEED,
    today: dt.date | None = None,
    actor: Actor | None = None,
) -> DemoSummary:
    """Fill an empty database with a demo shop; refuse one that has customers or receipts.

    ``actor`` adds the demo's users (the command line passes its system actor). Without one,
    the demo may only start a shop that has no users yet: it adds the owner first and acts
    as that owner from then on."""
    check_size(customers, days)
    # The check and the filling are one turn: demos started on one new file at once would
    # all find it empty and then collide on the first thing the second one creates. They
    # take the migrations' lock (the folder's flock on SQLite, an advisory lock on
    # PostgreSQL), which a killed demo gives back; the ones that wait then find it filled.
    with migration_lock(database.obj):
        if any(model.select().exists() for model in (Customer, Receipt, Card, Voucher)):
            raise RuleViolation(
                _(
                    "This database already has customers, cards or receipts; the demo fills only an empty one (give another --db)."
                )
            )
        return _DemoShop(customers, days, seed, today or clock.today(), actor).run()


@dataclass
class _Plan:
    """What one customer will do; decided up front so that the order of events is fixed."""

    index: int
    profile: str
    visit_days: list[int]
    store: Store
    has_card: bool
    voucher_lover: bool
    credit_limit: int | None = None
    customer_id: int | None = None
    points: int | None = 0  # balances as the last service call left them; None: read again
    debt: int | None = 0
    card: str | None = None
    visits_done: int = 0
    personal_voucher: str | None = None


@dataclass(order=True)
class _Event:
    at: dt.datetime
    seq: int
    kind: str = field(compare=False)
    data: object = field(compare=False, default=None)


class _DemoShop:
    def __init__(self, n_customers: int, days: int, seed: int, today: dt.date, actor: Actor | None = None):
        self.rng = random.Random(seed)
        self.setup_actor = actor
        self.n_customers = n_customers
        self.days = days
        self.first_day = today - dt.timedelta(days=days - 1)
        self.today = today
        # Nothing after now: a demo made during the day stops at this moment, not at midnight.
        self.end = min(clock.end_of_day(today), clock.now())
        self.summary = DemoSummary(first_day=self.first_day, last_day=today)
        self.events: list[_Event] = []
        self.seq = itertools.count()
        self.phones: set[str] = set()
        self.card_numbers = itertools.count(1)
        self.receipts_per_hour: dict[tuple[int, dt.datetime], int] = {}
        self.answers: list[dict] = []
        self.plans: list[_Plan] = []
        self.gift_barcode: str | None = None
        self.gift_holder: _Plan | None = None

    # -- set-up ---------------------------------------------------------------------------

    def run(self) -> DemoSummary:
        # One transaction: far faster on SQLite than one per service call, and a demo
        # stopped half-way leaves an empty database, so that it can simply run again.
        with ledger.write_transaction():
            self._set_up_shop()
            self._plan()
            while self.events:
                event = heapq.heappop(self.events)
                getattr(self, f"_on_{event.kind}")(event.at, event.data)
            self._finish()
        return self.summary

    def _at(self, day: int, hour: int | None = None) -> dt.datetime:
        """A moment of the ``day``-th demo day (0 = the first), in opening hours."""
        if hour is None:
            hour = OPEN_HOUR + self.rng.choices(range(len(HOUR_WEIGHTS)), HOUR_WEIGHTS)[0]
        start = dt.datetime.combine(self.first_day + dt.timedelta(days=day), dt.time(hour))
        # Before minute 55, so that what follows a moment later stays in the same opening hour.
        return start + dt.timedelta(minutes=self.rng.randrange(55), seconds=self.rng.randrange(60))

    def _schedule(self, at: dt.datetime, kind: str, data=None) -> None:
        if at < self.end:
            heapq.heappush(self.events, _Event(at, next(self.seq), kind, data))

    def _schedule_later(self, after: dt.datetime, min_days: int, max_days: int, kind: str, data) -> None:
        """``kind`` on a day ``min_days`` to ``max_days`` after ``after``, in opening hours, if still in the demo."""
        day = (after.date() - self.first_day).days + self.rng.randint(min_days, max_days)
        if day >= self.days:
            return
        at = self._at(day)
        if at <= after:
            at = after + dt.timedelta(minutes=self.rng.randint(20, 90))
            if at.hour >= CLOSE_HOUR or at.date() != after.date():  # after closing: the next morning
                if day + 1 >= self.days:
                    return
                at = self._at(day + 1, OPEN_HOUR + self.rng.randrange(3))
        self._schedule(at, kind, data)

    def _set_up_shop(self) -> None:
        start = dt.datetime.combine(self.first_day, dt.time(OPEN_HOUR)) - dt.timedelta(days=1)
        made = {u.name: u for u in User.select().where(User.name.in_([u.name for u in DEMO_USERS]))}
        # Where users exist, only an actor allowed to add users may fill the shop; in a shop
        # without users the demo adds the owner first and acts as that owner from then on.
        require(self.setup_actor, "users")
        adder = self.setup_actor
        for demo_user in DEMO_USERS:  # the owner first
            if demo_user.name not in made:  # an existing user keeps the PIN the shop gave it
                made[demo_user.name] = users.add_user(demo_user.name, demo_user.role, demo_user.pin, adder)
            if adder is None and demo_user is OWNER:
                adder = Actor(user=made[OWNER.name])
        self.stores = list(Store.select().order_by(Store.id))
        self.owner = Actor(user=made[OWNER.name], store=self.stores[0])
        self.cashiers = [made[c.name] for c in CASHIERS]
        if settings.get("shop_name") == settings.SETTINGS["shop_name"].default:
            settings.set_value("shop_name", SHOP_NAME, self.owner)
        # A shop may have imported its products already: theirs stay as they are.
        Product.insert_many(
            [
                dict(sku=sku, barcode=ean13(f"893{i:09d}"), name=name, group=group, price=price)
                for i, (sku, name, group, price) in enumerate(PRODUCTS, start=1)
            ]
        ).on_conflict_ignore().execute()
        self.products = list(Product.select().where(Product.sku.in_([p[0] for p in PRODUCTS])).order_by(Product.id))
        self._make_surveys(start)
        if not PropertyDefinition.select().where(PropertyDefinition.code == "eyesight").exists():
            customers.define_property("eyesight", _("Eyesight"), "number", actor=self.owner)
        last = self.today + dt.timedelta(days=30)
        vouchers.create_voucher("GIAM10", "percent", 1000, self.first_day, last, None, actor=self.owner, at=start)
        vouchers.create_voucher(
            "TET50K",
            "amount",
            50000,
            self.first_day,
            self.first_day + dt.timedelta(days=min(30, self.days)),
            40,
            actor=self.owner,
            at=start,
        )

    def _make_surveys(self, at: dt.datetime) -> None:
        vip, _created = Group.get_or_create(name=_("VIP"))
        # Asked of regulars (from their second visit) at card read, never of someone who has
        # just registered: the registration survey holds only questions a stranger can answer.
        self.regulars, _created = Group.get_or_create(name=_("Regulars"))
        self.questions = {
            "source": SurveyQuestion.create(
                text=_("How did you hear about our shop?"),
                kind="choice",
                target="new",
                position=1,
                created_at=at,
                choices="\n".join([_("Friends or family"), "Facebook", "Zalo", _("Walking past"), _("Leaflet")]),
            ),
            "rating": SurveyQuestion.create(
                text=_("How happy are you with our shop, from 1 to 5?"),
                kind="choice",
                target="group",
                group=self.regulars,
                choices="1\n2\n3\n4\n5",
                ask_at_card_read=True,
                position=2,
                created_at=at,
            ),
            "wish": SurveyQuestion.create(
                text=_("Which products would you like us to stock?"),
                kind="text",
                target="group",
                group=vip,
                position=3,
                created_at=at,
            ),
        }

    # -- the plan ---------------------------------------------------------------------------

    def _plan(self) -> None:
        names, shares = zip(*PROFILES)
        day_weights = [WEEKDAY_WEIGHTS[(self.first_day + dt.timedelta(days=d)).weekday()] for d in range(self.days)]
        identified = 0
        for index in range(self.n_customers):
            profile = self.rng.choices(names, shares)[0]
            early = profile in ("regular", "loyal")
            span = max(1, int(self.days * 0.3)) if early else self.days
            first = self.rng.choices(range(span), day_weights[:span])[0]
            visit_days = [first] + self._later_days(profile, first)
            plan = _Plan(
                index,
                profile,
                visit_days,
                store=self.stores[0]
                if len(self.stores) == 1 or self.rng.random() < 0.6
                else self.rng.choice(self.stores),
                has_card=self.rng.random() < 0.75,
                voucher_lover=profile in ("few", "regular", "loyal") and self.rng.random() < 0.15,
            )
            self.plans.append(plan)
            identified += len(visit_days) if profile != "never" else 0
            registered = self._at(first)
            if registered >= self.end:
                # Planned for later today: registered before now instead, so the demo
                # has every customer asked for whatever the hour it runs.
                earliest = dt.datetime.combine(self.first_day, dt.time())
                registered = max(self.end - dt.timedelta(minutes=1 + self.rng.randrange(30)), earliest)
            self._schedule(registered, "register", plan)
        # Buyers without a card: a third as many receipts as the identified ones.
        anonymous = int(identified * 0.35)
        for _i in range(anonymous):
            self._schedule(self._at(self.rng.choices(range(self.days), day_weights)[0]), "anonymous_sale")
        gift_day = self.days // 4
        self._schedule(self._at(gift_day), "gift_card")

    def _later_days(self, profile: str, first: int) -> list[int]:
        last = self.days - 1
        if profile in ("never", "once") or first >= last:
            return []
        if profile == "twice":
            count = 1
        elif profile == "few":
            count = self.rng.randint(2, 3)
        elif profile == "regular":
            count = self.rng.randint(4, 8)
        else:  # loyal: about once a week
            count = max(7, int((last - first) / self.rng.uniform(4, 8)))
        return sorted(self.rng.randint(first + 1, last) for _i in range(count))

    # -- people -----------------------------------------------------------------------------

    def _person(self, plan: _Plan, at: dt.datetime) -> dict:
        rng = self.rng
        roll = rng.random()
        gender = "female" if roll < 0.58 else "male" if roll < 0.96 else None
        family = rng.choices(*zip(*FAMILY_NAMES))[0]
        middles = [m for m in (MALE_MIDDLE if gender == "male" else FEMALE_MIDDLE) if m != family]
        middle = rng.choice(middles)
        given = rng.choice(MALE_GIVEN if gender == "male" else FEMALE_GIVEN)
        values: dict = {"name": f"{family} {middle} {given}", "gender": gender or ""}
        incomplete = rng.random() < 0.04
        if not incomplete:
            values["phone"] = self._phone()
        if rng.random() < 0.85:
            age = int(rng.triangular(16, 72, 31))
            values["birthday"] = self.today - dt.timedelta(days=age * 365 + rng.randrange(365))
        if rng.random() < 0.25:
            values["email"] = f"{fold(given)}.{fold(family)}{rng.randint(70, 2010)}@gmail.com".replace(" ", "")
        if rng.random() < 0.6:
            values["area"] = rng.choice(AREAS)
            if rng.random() < 0.5:
                values["address"] = f"{rng.randint(1, 350)} {rng.choice(STREETS)}, {values['area']}"
        if rng.random() < 0.06:
            values["company"] = rng.choice(COMPANIES)
        if rng.random() < 0.04:
            values["notes"] = rng.choice(NOTES)
        values.update(
            consent_sms=rng.random() < 0.6,
            consent_zalo=rng.random() < 0.7,
            consent_facebook=rng.random() < 0.3,
            consent_email="email" in values and rng.random() < 0.6,
        )
        if plan.profile in ("regular", "loyal") and rng.random() < 0.4 or rng.random() < 0.05:
            values["credit_limit"] = rng.choice((500_000, 1_000_000, 2_000_000, 3_000_000))
        if plan.profile == "loyal":
            values["discount_bp"] = rng.choice((300, 500))
        if incomplete:
            values["status"] = "incomplete"
        return values

    def _phone(self) -> str:
        while True:
            digits = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10_000_000):07d}"
            if digits not in self.phones:
                self.phones.add(digits)
                break
        style = self.rng.random()
        if style < 0.4:
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        if style < 0.75:
            return digits
        if style < 0.9:
            return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
        return f"+84 {digits[1:4]} {digits[4:7]} {digits[7:]}"

    def _cashier(self, at: dt.datetime, store: Store) -> Actor:
        return Actor(user=self.cashiers[0] if at.hour < 14 else self.cashiers[1], store=store)

    def _new_card(self, prefix: str = LOYALTY_PREFIX) -> str:
        return ean13(f"{prefix}{next(self.card_numbers):010d}")

    # -- events -----------------------------------------------------------------------------

    def _on_register(self, at: dt.datetime, plan: _Plan) -> None:
        actor = self._cashier(at, plan.store)
        customer = customers.register(self._person(plan, at), actor, registered_at=at).customer
        plan.customer_id, plan.credit_limit = customer.id, customer.credit_limit
        self.summary.customers += 1
        if plan.profile == "loyal":
            customers.add_to_group(customer, _("VIP"), self.owner)
        if customer.company:
            customers.add_to_group(customer, _("Wholesale"), self.owner)
        if customer.area == AREAS[0] and self.rng.random() < 0.5:
            customers.add_to_group(customer, _("Neighbours"), self.owner)
        if self.rng.random() < 0.12:
            value = Decimal(self.rng.randint(-18, 8)) / 4
            customers.set_property(customer, "eyesight", value, self.owner)
        if plan.has_card:
            plan.card = self._new_card()
            cards.issue_card(customer, plan.card, actor=actor, at=at)
        if self.rng.random() < 0.6:
            question = self.questions["source"]
            self._answer(question, customer.id, self.rng.choice(question.choices.split("\n")), at, actor)
        if plan.profile in ("regular", "loyal") and customer.birthday is not None and self.rng.random() < 0.5:
            plan.personal_voucher = f"SN-{customer.code}"
            vouchers.create_voucher(
                plan.personal_voucher,
                "amount",
                30000,
                at.date(),
                at.date() + dt.timedelta(days=60),
                1,
                customer=customer,
                actor=self.owner,
                at=at,
            )
        if plan.profile == "loyal" and self.rng.random() < 0.5:
            self._answer(self.questions["wish"], customer.id, self.rng.choice(WISHES), at, actor)
        if plan.profile == "never":
            return
        for number, day in enumerate(plan.visit_days):
            when = at + dt.timedelta(minutes=2) if number == 0 else self._at(day)
            self._schedule(when, "customer_sale", plan)

    def _answer(self, question: SurveyQuestion, customer_id: int, answer: str, at, actor: Actor, receipt=None) -> None:
        self.answers.append(
            dict(question=question.id, customer=customer_id, answer=answer, at=at, user=actor.user_id, receipt=receipt)
        )

    def _basket(self, sale: sale_quote.SaleInput, lines_share: float, big: bool = False) -> None:
        """Lines for some receipts; for the others the cashier typed only the amount."""
        rng = self.rng
        if rng.random() < lines_share:
            count = rng.choice((1, 1, 2, 2, 3, 4, 6 if big else 3))
            picked = rng.sample(self.products, min(count, len(self.products)))
            sale.lines = [sale_quote.LineInput(qty=Decimal(rng.choice((1, 1, 1, 2, 3))), sku=p.sku) for p in picked]
        else:
            amount = rng.lognormvariate(11.7, 0.75) * (1.6 if big else 1)  # about 120,000 VND
            sale.amount = min(5_000_000, max(5_000, int(round(amount, -3))))

    def _on_customer_sale(self, at: dt.datetime, plan: _Plan) -> None:
        assert plan.customer_id is not None  # registered before the first sale
        rng = self.rng
        actor = self._cashier(at, plan.store)
        plan.visits_done += 1
        if plan.card and plan.visits_done > 2 and rng.random() < 0.03:
            # A lost card is replaced; a few cards are handed back for good.
            if rng.random() < 0.8:
                new = self._new_card()
                cards.replace_card(plan.card, new, actor, at=at - dt.timedelta(minutes=1))
                plan.card = new
            else:
                cards.withdraw_card(plan.card, actor, at=at - dt.timedelta(minutes=1))
                plan.card = None
        sale = sale_quote.SaleInput(customer=plan.customer_id, at=at)
        self._basket(sale, 0.6, big=plan.profile == "loyal")
        if plan.personal_voucher and plan.visits_done > 1 and rng.random() < 0.6:
            sale.voucher, plan.personal_voucher = plan.personal_voucher, None
        elif plan.voucher_lover and rng.random() < 0.8 or rng.random() < 0.03:
            sale.voucher = "GIAM10"
        elif at.date() <= self.first_day + dt.timedelta(days=30) and rng.random() < 0.04:
            sale.voucher = "TET50K"
        if sale.voucher and not self._voucher_usable(sale.voucher, at):
            sale.voucher = None
        self._pay(sale, plan)
        result = checkout.record_sale(sale, actor)
        plan.points, plan.debt = result.points_balance, result.debt_balance
        self._count_receipt(result.receipt, identified=True)
        if plan.visits_done == 2:
            customers.add_to_group(plan.customer_id, self.regulars.name, self.owner)
        if plan.visits_done == 2 and plan.card and rng.random() < 0.5:
            rating = str(rng.choices((1, 2, 3, 4, 5), (1, 2, 6, 14, 12))[0])
            self._answer(self.questions["rating"], plan.customer_id, rating, at, actor, result.receipt.id)
        if sale.credit and rng.random() < 0.75:
            self._schedule_later(at, 2, 30, "debt_payment", (plan, sale.credit))
        if rng.random() < 0.035:
            self._schedule_later(at, 0, 6, "return", (plan, result.receipt.id))

    def _voucher_usable(self, code: str, at: dt.datetime) -> bool:
        voucher = Voucher.get(Voucher.code == code)
        return not (
            (voucher.valid_to and at.date() > voucher.valid_to)
            or (voucher.max_uses is not None and vouchers.uses_of(voucher) >= voucher.max_uses)
        )

    def _pay(self, sale: sale_quote.SaleInput, plan: _Plan) -> None:
        """Points, gift card, credit and bank card for some receipts; cash pays the rest."""
        rng = self.rng
        assert plan.customer_id is not None  # a customer's sale
        if plan.points is None or plan.debt is None:  # a return changed them
            plan.points, plan.debt = ledger.balances(plan.customer_id)
        use_points = plan.points >= 20 and rng.random() < 0.3
        use_gift = plan is self.gift_holder and self.gift_barcode is not None
        use_credit = plan.credit_limit is not None and rng.random() < 0.35
        by_card = rng.random() < 0.25
        if not (use_points or use_gift or use_credit or by_card):
            return
        q = sale_quote.quote(sale)
        left = q.total - q.voucher_money
        if use_points and q.max_points:
            sale.points = rng.randint(min(20, q.max_points), q.max_points)
            q = sale_quote.quote(sale)  # the voucher pays a share of what the points leave
            left = q.total - q.points_money - q.voucher_money
        if use_gift and self.gift_barcode is not None:
            balance = vouchers.gift_balance(vouchers.gift_card(self.gift_barcode))
            sale.gift_card, sale.gift_amount = self.gift_barcode, min(balance, left)
            left -= sale.gift_amount
        if use_credit and plan.credit_limit is not None:
            room = max(0, plan.credit_limit - max(0, plan.debt))
            sale.credit = min(room, left) // 1000 * 1000
            left -= sale.credit
        if by_card and left > 0:
            sale.card, sale.cash = left, 0

    def _on_anonymous_sale(self, at: dt.datetime, _data) -> None:
        store = self.stores[0] if len(self.stores) == 1 or self.rng.random() < 0.6 else self.rng.choice(self.stores)
        sale = sale_quote.SaleInput(at=at)
        self._basket(sale, 0.3)
        result = checkout.record_sale(sale, self._cashier(at, store))
        self._count_receipt(result.receipt, identified=False)
        if self.rng.random() < 0.02:
            self._schedule_later(at, 0, 3, "return", (None, result.receipt.id))

    def _count_receipt(self, receipt: Receipt, identified: bool) -> None:
        self.summary.sales += 1
        self.summary.anonymous += 0 if identified else 1
        hour = receipt.at.replace(minute=0, second=0, microsecond=0)
        key = (receipt.store_id, hour)
        self.receipts_per_hour[key] = self.receipts_per_hour.get(key, 0) + 1

    def _on_return(self, at: dt.datetime, data) -> None:
        plan, receipt_id = data
        if plan is not None:
            plan.points = plan.debt = None
        sale = Receipt.get_by_id(receipt_id)
        actor = self._cashier(at, sale.store)
        lines = list(ReceiptLine.select().where(ReceiptLine.receipt == sale).order_by(ReceiptLine.position))
        roll = self.rng.random()
        if roll < 0.45:
            sale_return.record_return(sale, actor=actor, at=at)
        elif roll < 0.8 and lines and (len(lines) > 1 or lines[0].qty > 1):
            line = self.rng.choice(lines)
            qty = Decimal(1) if line.qty > 1 else Decimal(line.qty)
            sale_return.record_return(sale, lines=[(line.id, qty)], actor=actor, at=at)
            if self.rng.random() < 0.2:  # and later the rest of the receipt
                self._schedule_later(at, 1, 3, "return_rest", (plan, sale.id))
        else:
            part = max(1000, sale.total // 3 // 1000 * 1000)
            if part >= sale.total:
                sale_return.record_return(sale, actor=actor, at=at)
            else:
                sale_return.record_return(
                    sale, amount=part, refund_method=self.rng.choice(("cash", "card")), actor=actor, at=at
                )
        self.summary.returns += 1

    def _on_return_rest(self, at: dt.datetime, data) -> None:
        plan, receipt_id = data
        if plan is not None:
            plan.points = plan.debt = None
        sale = Receipt.get_by_id(receipt_id)
        sale_return.record_return(sale, actor=self._cashier(at, sale.store), at=at)
        self.summary.returns += 1

    def _on_debt_payment(self, at: dt.datetime, data) -> None:
        plan, amount = data
        customer = Customer.get_by_id(plan.customer_id)
        if customer.debt_balance <= 0:
            return
        pay = None if self.rng.random() < 0.6 else min(customer.debt_balance, max(1000, amount // 2000 * 1000))
        method = self.rng.choice(("cash", "cash", "transfer"))
        plan.debt = debts.take_payment(customer, pay, method, self._cashier(at, plan.store), at=at).balance_after
        self.summary.debt_payments += 1

    def _on_gift_card(self, at: dt.datetime, _data) -> None:
        """A gift card is sold, and a loyal customer spends it over the next visits."""
        self.gift_barcode = self._new_card(GIFT_PREFIX)
        vouchers.load_gift_card(self.gift_barcode, 500_000, self._cashier(at, self.stores[0]), at=at)
        day = (at.date() - self.first_day).days
        regulars = [p for p in self.plans if p.profile in ("loyal", "regular") and p.visit_days[-1] > day]
        self.gift_holder = regulars[0] if regulars else None

    # -- the rest ---------------------------------------------------------------------------

    def _finish(self) -> None:
        for chunk in _chunks(self.answers, 500):
            SurveyAnswer.insert_many(chunk).execute()
        self._archive_some()
        self.summary.visitors = self._record_visits()

    def _archive_some(self) -> None:
        """A few one-time buyers of the first weeks moved away: archived, as a shop does."""
        cutoff = dt.datetime.combine(self.first_day + dt.timedelta(days=max(1, self.days // 3)), dt.time())
        old = (
            Customer.select(Customer.id)
            .where((Customer.last_purchase_at < cutoff) & (Customer.debt_balance == 0))
            .order_by(Customer.id)
        )
        for row in old:
            if self.rng.random() < 0.05:
                customers.archive(row.id, self.owner)

    def _record_visits(self) -> int:
        """The people counter of each store: switched on at opening, it reports its running
        totals at the end of every hour (the ``totals`` protocol), so each day starts with
        what the visits service reads as a reset. Visitors are the buyers plus those who
        only looked. Returns the visitors counted in."""
        counted = 0
        for store in self.stores:
            for day in range(self.days):
                date = self.first_day + dt.timedelta(days=day)
                total_in = total_out = 0
                for hour in range(OPEN_HOUR, CLOSE_HOUR):
                    at = dt.datetime.combine(date, dt.time(hour))
                    if at + dt.timedelta(hours=1) > self.end:
                        break  # the counter reports an hour once it is over
                    buyers = self.receipts_per_hour.get((store.id, at), 0)
                    visitors = buyers + round(buyers * self.rng.uniform(0.5, 1.6)) + self.rng.randint(0, 3)
                    total_in += visitors
                    total_out = min(total_in, total_out + max(0, visitors - self.rng.randint(-1, 2)))
                    visits.record_reading(
                        store, DEMO_COUNTER, total_in, total_out, at=at + dt.timedelta(minutes=59, seconds=50)
                    )
                    counted += visitors
        return counted


def _chunks(rows: list, size: int):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
