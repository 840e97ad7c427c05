"""Customers, their groups/tags and the shop's own custom properties."""

from __future__ import annotations

import peewee as pw

from .base import BaseModel, MoneyField
from .shop import Store, User

STATUSES = ("active", "incomplete", "archived")
GENDERS = ("female", "male", "other")
CHANNELS = ("sms", "zalo", "facebook", "email")
PROPERTY_KINDS = ("text", "number", "date", "choice", "yesno")


class Customer(BaseModel):
    code = pw.CharField(unique=True, max_length=32)
    name = pw.CharField(max_length=200)
    # Folded words of name, code and company (see textfold): the directory searches this.
    search_key = pw.TextField(index=True, default="")
    phone = pw.CharField(max_length=20, null=True, index=True)  # E.164
    phone_typed = pw.CharField(max_length=40, default="")
    phone_rev = pw.CharField(max_length=20, null=True, index=True)  # digits reversed, for "ends with"
    gender = pw.CharField(max_length=8, null=True)
    birthday = pw.DateField(null=True)
    birthday_md = pw.IntegerField(null=True, index=True)  # month*100+day, for birthday lists
    email = pw.CharField(max_length=200, default="")
    company = pw.CharField(max_length=200, default="")
    address = pw.TextField(default="")
    area = pw.CharField(max_length=100, default="")
    status = pw.CharField(max_length=12, default="active", index=True)
    registered_at = pw.DateTimeField(index=True)
    store = pw.ForeignKeyField(Store, backref="customers")
    store_id: int
    registered_by = pw.ForeignKeyField(User, null=True, backref="registered_customers")
    registered_by_id: int | None
    discount_bp = pw.IntegerField(default=0)  # personal discount in hundredths of a percent
    credit_limit = MoneyField(null=True)  # None: no limit; 0: no credit
    consent_sms = pw.BooleanField(default=False)
    consent_zalo = pw.BooleanField(default=False)
    consent_facebook = pw.BooleanField(default=False)
    consent_email = pw.BooleanField(default=False)
    notes = pw.TextField(default="")
    merged_into = pw.ForeignKeyField("self", null=True, backref="merged_from")
    merged_into_id: int | None
    # Cached sums, kept in step by the services in the same transaction and recomputed by `check`.
    # Indexed so that the directory can sort a broad match by them and stop after one page.
    points_balance = pw.BigIntegerField(default=0, index=True)
    debt_balance = MoneyField(default=0, index=True)
    total_sales = MoneyField(default=0, index=True)  # sales minus returns
    last_purchase_at = pw.DateTimeField(null=True, index=True)
    updated_at = pw.DateTimeField()


class Group(BaseModel):
    name = pw.CharField(unique=True, max_length=100)


class CustomerGroup(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="group_links", on_delete="CASCADE")
    customer_id: int
    group = pw.ForeignKeyField(Group, backref="customer_links", on_delete="CASCADE")
    group_id: int

    class Meta:
        indexes = ((("customer", "group"), True),)


class PropertyDefinition(BaseModel):
    code = pw.CharField(unique=True, max_length=64)
    name = pw.CharField(max_length=200)
    kind = pw.CharField(max_length=8)
    choices = pw.TextField(default="")  # one choice per line, for kind "choice"
    position = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)


class PropertyValue(BaseModel):
    customer = pw.ForeignKeyField(Customer, backref="property_values", on_delete="CASCADE")
    customer_id: int
    definition = pw.ForeignKeyField(PropertyDefinition, backref="values", on_delete="CASCADE")
    definition_id: int
    value = pw.TextField()  # canonical text: ISO date, decimal string, "1"/"0" for yes/no

    class Meta:
        indexes = ((("customer", "definition"), True),)
