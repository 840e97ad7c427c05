"""Widgets the screens share: the footer, forms and their fields, paged tables, the
names of codes."""
