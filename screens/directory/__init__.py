"""The directory of customers (the home screen): search, filters, sort, export, and the
registration of a new customer."""
