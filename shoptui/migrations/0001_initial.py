"""The initial schema: a frozen copy of the models as first released.

Generated with ``python -m playhouse.migrations ... initial`` and then frozen by hand:
money and JSON columns are plain BIGINT/TEXT here, and the partial unique index that
keeps a card bound to one customer at a time is added explicitly.
"""

from peewee import *


def up(migrator, db):
    class Store(Model):
        code = CharField(unique=True, max_length=32)
        name = CharField(max_length=200)
        address = TextField(default="")
        next_receipt_no = BigIntegerField(default=1)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "store"

    db.create_tables([Store])

    class User(Model):
        name = CharField(unique=True, max_length=100)
        role = CharField(max_length=16)
        pin_salt = CharField(max_length=64)
        pin_hash = CharField(max_length=128)
        active = BooleanField(default=True)
        store = ForeignKeyField(Store, null=True)
        failed_pins = IntegerField(default=0)
        locked_until = DateTimeField(null=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "user"

    db.create_tables([User])

    class AuditLog(Model):
        at = DateTimeField(index=True)
        user = ForeignKeyField(User, null=True)
        action = CharField(max_length=64)
        entity = CharField(max_length=64)
        entity_id = CharField(null=True, max_length=64)
        before = TextField(null=True)
        after = TextField(null=True)
        override_by = ForeignKeyField(User, null=True)
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "audit_log"
            indexes = ((("entity", "entity_id"), False),)

    db.create_tables([AuditLog])

    class Card(Model):
        barcode = CharField(unique=True, max_length=64)
        kind = CharField(max_length=12, default="loyalty")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "card"

    db.create_tables([Card])

    class Customer(Model):
        code = CharField(unique=True, max_length=32)
        name = CharField(max_length=200)
        search_key = TextField(index=True, default="")
        phone = CharField(index=True, null=True, max_length=20)
        phone_typed = CharField(max_length=40, default="")
        phone_rev = CharField(index=True, null=True, max_length=20)
        gender = CharField(null=True, max_length=8)
        birthday = DateField(null=True)
        birthday_md = IntegerField(index=True, null=True)
        email = CharField(max_length=200, default="")
        company = CharField(max_length=200, default="")
        address = TextField(default="")
        area = CharField(max_length=100, default="")
        status = CharField(index=True, max_length=12, default="active")
        registered_at = DateTimeField(index=True)
        store = ForeignKeyField(Store)
        registered_by = ForeignKeyField(User, null=True)
        discount_bp = IntegerField(default=0)
        credit_limit = BigIntegerField(null=True)
        consent_sms = BooleanField(default=False)
        consent_zalo = BooleanField(default=False)
        consent_facebook = BooleanField(default=False)
        consent_email = BooleanField(default=False)
        notes = TextField(default="")
        merged_into = ForeignKeyField("self", null=True)
        points_balance = BigIntegerField(default=0)
        debt_balance = BigIntegerField(default=0)
        total_sales = BigIntegerField(default=0)
        last_purchase_at = DateTimeField(null=True)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "customer"

    db.create_tables([Customer])

    class CardBinding(Model):
        card = ForeignKeyField(Card)
        customer = ForeignKeyField(Customer)
        bound_at = DateTimeField()
        ended_at = DateTimeField(null=True)
        end_reason = CharField(null=True, max_length=12)
        replaced_by = ForeignKeyField(Card, null=True)
        user = ForeignKeyField(User, null=True)

        class Meta:
            database = db
            table_name = "card_binding"

    db.create_tables([CardBinding])
    db.execute(
        CardBinding.index(CardBinding.card, unique=True, name="cardbinding_one_open").where(
            CardBinding.ended_at.is_null()
        )
    )

    class CounterState(Model):
        store = ForeignKeyField(Store)
        name = CharField(max_length=200)
        last_in = BigIntegerField(null=True)
        last_out = BigIntegerField(null=True)
        last_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "counter_state"
            indexes = ((("store", "name"), True),)

    db.create_tables([CounterState])

    class Group(Model):
        name = CharField(unique=True, max_length=100)

        class Meta:
            database = db
            table_name = "group"

    db.create_tables([Group])

    class CustomerGroup(Model):
        customer = ForeignKeyField(Customer, on_delete="CASCADE")
        group = ForeignKeyField(Group, on_delete="CASCADE")

        class Meta:
            database = db
            table_name = "customer_group"
            indexes = ((("customer", "group"), True),)

    db.create_tables([CustomerGroup])

    class Receipt(Model):
        store = ForeignKeyField(Store)
        number = CharField(max_length=64)
        kind = CharField(max_length=8, default="sale")
        return_of = ForeignKeyField("self", null=True)
        at = DateTimeField(index=True)
        cashier = ForeignKeyField(User, null=True)
        customer = ForeignKeyField(Customer, null=True)
        subtotal = BigIntegerField(default=0)
        discount = BigIntegerField(default=0)
        total = BigIntegerField()
        points_earned = BigIntegerField(default=0)
        points_redeemed = BigIntegerField(default=0)
        source = CharField(max_length=8, default="till")
        content_hash = CharField(null=True, max_length=64)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "receipt"
            indexes = (
                (("store", "number"), True),
                (("customer", "at"), False),
                (("kind", "at"), False),
                (("store", "at"), False),
            )

    db.create_tables([Receipt])

    class DebtEntry(Model):
        customer = ForeignKeyField(Customer)
        at = DateTimeField()
        kind = CharField(max_length=12)
        amount = BigIntegerField()
        receipt = ForeignKeyField(Receipt, null=True)
        method = CharField(null=True, max_length=10)
        user = ForeignKeyField(User, null=True)
        reason = TextField(default="")

        class Meta:
            database = db
            table_name = "debt_entry"
            indexes = ((("customer", "at"), False), (("kind", "at"), False))

    db.create_tables([DebtEntry])

    class GiftCardEntry(Model):
        card = ForeignKeyField(Card)
        at = DateTimeField()
        kind = CharField(max_length=12)
        amount = BigIntegerField()
        user = ForeignKeyField(User, null=True)
        reason = TextField(default="")
        receipt = ForeignKeyField(Receipt, null=True)

        class Meta:
            database = db
            table_name = "gift_card_entry"

    db.create_tables([GiftCardEntry])

    class ImportSource(Model):
        kind = CharField(max_length=32)
        file_sha256 = CharField(max_length=64)
        file_name = TextField()
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        rows_done = IntegerField(default=0)
        summary = TextField(null=True)

        class Meta:
            database = db
            table_name = "import_source"
            indexes = ((("kind", "file_sha256"), True),)

    db.create_tables([ImportSource])

    class Voucher(Model):
        code = CharField(unique=True, max_length=64)
        kind = CharField(max_length=8)
        value = BigIntegerField()
        valid_from = DateField(null=True)
        valid_to = DateField(null=True)
        max_uses = IntegerField(null=True, default=1)
        customer = ForeignKeyField(Customer, null=True)
        created_at = DateTimeField()
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "voucher"

    db.create_tables([Voucher])

    class Payment(Model):
        receipt = ForeignKeyField(Receipt, on_delete="CASCADE")
        method = CharField(max_length=10)
        amount = BigIntegerField()
        voucher = ForeignKeyField(Voucher, null=True)
        gift_card = ForeignKeyField(Card, null=True)

        class Meta:
            database = db
            table_name = "payment"
            indexes = ((("receipt",), False), (("method",), False))

    db.create_tables([Payment])

    class PointsEntry(Model):
        customer = ForeignKeyField(Customer)
        at = DateTimeField()
        kind = CharField(max_length=10)
        points = BigIntegerField()
        receipt = ForeignKeyField(Receipt, null=True)
        user = ForeignKeyField(User, null=True)
        reason = TextField(default="")

        class Meta:
            database = db
            table_name = "points_entry"
            indexes = ((("customer", "at"), False), (("kind", "at"), False))

    db.create_tables([PointsEntry])

    class PointsTier(Model):
        name = CharField(unique=True, max_length=64)
        min_spend = BigIntegerField()
        earn_per = BigIntegerField()
        discount_bp = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "points_tier"

    db.create_tables([PointsTier])

    class Product(Model):
        sku = CharField(unique=True, max_length=64)
        barcode = CharField(unique=True, null=True, max_length=64)
        name = CharField(max_length=300)
        group = CharField(max_length=100, default="")
        price = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "product"

    db.create_tables([Product])

    class PropertyDefinition(Model):
        code = CharField(unique=True, max_length=64)
        name = CharField(max_length=200)
        kind = CharField(max_length=8)
        choices = TextField(default="")
        position = IntegerField(default=0)
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "property_definition"

    db.create_tables([PropertyDefinition])

    class PropertyValue(Model):
        customer = ForeignKeyField(Customer, on_delete="CASCADE")
        definition = ForeignKeyField(PropertyDefinition, on_delete="CASCADE")
        value = TextField()

        class Meta:
            database = db
            table_name = "property_value"
            indexes = ((("customer", "definition"), True),)

    db.create_tables([PropertyValue])

    class ReceiptLine(Model):
        receipt = ForeignKeyField(Receipt, on_delete="CASCADE")
        position = IntegerField()
        product = ForeignKeyField(Product, null=True)
        sku = CharField(max_length=64, default="")
        name = CharField(max_length=300, default="")
        qty = DecimalField(max_digits=14, decimal_places=3)
        unit_price = BigIntegerField()
        line_discount = BigIntegerField(default=0)
        amount = BigIntegerField()
        return_of_line = ForeignKeyField("self", null=True)

        class Meta:
            database = db
            table_name = "receipt_line"
            indexes = ((("receipt", "position"), True), (("product",), False))

    db.create_tables([ReceiptLine])

    class Sequence(Model):
        name = CharField(primary_key=True, max_length=64)
        value = BigIntegerField(default=0)

        class Meta:
            database = db
            table_name = "sequence"

    db.create_tables([Sequence])

    class Setting(Model):
        key = CharField(primary_key=True, max_length=64)
        value = TextField()

        class Meta:
            database = db
            table_name = "setting"

    db.create_tables([Setting])

    class SurveyQuestion(Model):
        text = TextField()
        kind = CharField(max_length=8, default="choice")
        choices = TextField(default="")
        target = CharField(max_length=8, default="new")
        group = ForeignKeyField(Group, null=True)
        ask_at_card_read = BooleanField(default=False)
        active = BooleanField(default=True)
        position = IntegerField(default=0)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "survey_question"

    db.create_tables([SurveyQuestion])

    class SurveyAnswer(Model):
        question = ForeignKeyField(SurveyQuestion)
        customer = ForeignKeyField(Customer)
        answer = TextField()
        at = DateTimeField()
        user = ForeignKeyField(User, null=True)
        receipt = ForeignKeyField(Receipt, null=True)

        class Meta:
            database = db
            table_name = "survey_answer"
            indexes = ((("question", "customer"), False), (("customer",), False))

    db.create_tables([SurveyAnswer])

    class VisitCount(Model):
        store = ForeignKeyField(Store)
        hour = DateTimeField()
        source = CharField(max_length=200)
        visitors_in = IntegerField(default=0)
        visitors_out = IntegerField(default=0)
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "visit_count"
            indexes = ((("store", "hour", "source"), True), (("hour",), False))

    db.create_tables([VisitCount])

    class VoucherUse(Model):
        voucher = ForeignKeyField(Voucher)
        receipt = ForeignKeyField(Receipt)
        customer = ForeignKeyField(Customer, null=True)
        at = DateTimeField()
        amount = BigIntegerField()

        class Meta:
            database = db
            table_name = "voucher_use"
            indexes = ((("voucher", "receipt"), True), (("customer",), False))

    db.create_tables([VoucherUse])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("voucher_use"))
    migrator.migrate(migrator.drop_table("visit_count"))
    migrator.migrate(migrator.drop_table("survey_answer"))
    migrator.migrate(migrator.drop_table("survey_question"))
    migrator.migrate(migrator.drop_table("setting"))
    migrator.migrate(migrator.drop_table("sequence"))
    migrator.migrate(migrator.drop_table("receipt_line"))
    migrator.migrate(migrator.drop_table("property_value"))
    migrator.migrate(migrator.drop_table("property_definition"))
    migrator.migrate(migrator.drop_table("product"))
    migrator.migrate(migrator.drop_table("points_tier"))
    migrator.migrate(migrator.drop_table("points_entry"))
    migrator.migrate(migrator.drop_table("payment"))
    migrator.migrate(migrator.drop_table("voucher"))
    migrator.migrate(migrator.drop_table("import_source"))
    migrator.migrate(migrator.drop_table("gift_card_entry"))
    migrator.migrate(migrator.drop_table("debt_entry"))
    migrator.migrate(migrator.drop_table("receipt"))
    migrator.migrate(migrator.drop_table("customer_group"))
    migrator.migrate(migrator.drop_table("group"))
    migrator.migrate(migrator.drop_table("counter_state"))
    migrator.migrate(migrator.drop_table("card_binding"))
    migrator.migrate(migrator.drop_table("customer"))
    migrator.migrate(migrator.drop_table("card"))
    migrator.migrate(migrator.drop_table("audit_log"))
    migrator.migrate(migrator.drop_table("user"))
    migrator.migrate(migrator.drop_table("store"))
