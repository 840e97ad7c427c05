"""The points rule a sale was made under, kept on its receipt: ``points_base`` (the amount
that earned points: the total, less what points paid unless points earn on points) and
``points_earn_per`` (minor units per point, the customer's tier at the time).

A partial return then takes back exactly what lets the customer keep what the kept amount
would have earned under that rule; rates and tiers change, so it cannot be recomputed
later. Receipts written before this migration and imported receipts have neither (NULL):
their returns reverse points in proportion, as before.
"""

from peewee import BigIntegerField


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("receipt", "points_base", BigIntegerField(null=True)),
        migrator.add_column("receipt", "points_earn_per", BigIntegerField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("receipt", "points_earn_per"), migrator.drop_column("receipt", "points_base"))
