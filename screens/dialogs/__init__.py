"""Small dialogs any screen opens: a choice, a file to write, the keys (F1)."""
