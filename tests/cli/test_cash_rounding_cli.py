"""``shoptui config set cash_rounding``: a step in the currency's smallest unit, 0 by
default; anything else is refused with one sentence, exit 1."""

from __future__ import annotations

from .test_cli_errors import one_sentence, run


def test_cash_rounding_is_set_and_refused_with_one_sentence(tmp_path):
    db = str(tmp_path / "shop.sqlite")
    assert run("--db", db, "config", "get", "cash_rounding").stdout.strip() == "0"
    assert run("--db", db, "config", "set", "cash_rounding", "500").returncode == 0
    assert run("--db", db, "config", "get", "cash_rounding").stdout.strip() == "500"
    for value, says in (("-500", "may not be negative"), ("0.05", "is not a whole number"),
                        ("900000000001", "too large")):
        result = run("--db", db, "config", "set", "cash_rounding", value)
        assert result.returncode == 1 and says in one_sentence(result.stderr), result.stderr
    assert run("--db", db, "config", "get", "cash_rounding").stdout.strip() == "500"
