"""One module per command of the command line; each has ``register(subparsers)``.

A command imports what it runs on (the database, services, reports, io) inside its ``run``:
lazy loads, so that building the parser stays light; they hide no circle (nothing below
imports a command)."""
