"""The reports: the list, one report's form, table and charts, its dialogs (stores, a
date), and the month-end export."""
