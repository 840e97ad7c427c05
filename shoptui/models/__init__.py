"""Peewee models, one module per aggregate. ``ALL_MODELS`` is in dependency order."""

from .base import BaseModel, JSONTextField, MoneyField
from .cards import CARD_KINDS, Card, CardBinding, GiftCardEntry
from .catalog import Product
from .customers import (
    CHANNELS,
    GENDERS,
    PROPERTY_KINDS,
    STATUSES,
    Customer,
    CustomerGroup,
    Group,
    PropertyDefinition,
    PropertyValue,
)
from .ledgers import DEBT_KINDS, POINTS_KINDS, DebtEntry, PointsEntry
from .loyalty import PointsTier, Voucher
from .receipts import PAYMENT_METHODS, RECEIPT_KINDS, Payment, Receipt, ReceiptLine, VoucherUse
from .shop import ROLES, AuditLog, ChainCheckpoint, ImportSource, Sequence, Setting, Store, User
from .summaries import SUMMARY_MODELS, CustomerSales, ReceiptHour
from .surveys import SurveyAnswer, SurveyQuestion
from .visits import CounterState, VisitCount

ALL_MODELS = [
    Setting,
    Sequence,
    Store,
    User,
    AuditLog,
    ImportSource,
    Customer,
    Group,
    CustomerGroup,
    PropertyDefinition,
    PropertyValue,
    Card,
    CardBinding,
    Product,
    PointsTier,
    Voucher,
    Receipt,
    ReceiptLine,
    Payment,
    VoucherUse,
    GiftCardEntry,
    PointsEntry,
    DebtEntry,
    VisitCount,
    CounterState,
    SurveyQuestion,
    SurveyAnswer,
    ChainCheckpoint,
]
