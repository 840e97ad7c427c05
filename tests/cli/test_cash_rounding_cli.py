"""``shoptui config set cash_rounding``: a step in the currency's smallest unit, 0 by
default; anything else is refused with one sentence, exit 1."""

from __future__ import annotations

from .subprocess_cli import one_sentence, run


def test_cash_rounding_is_set_and_refused_with_one_sentence(tmp_path):
    db = str(tmp_path / "shop.sqlite")
    assert run("--db", db, "config", "get", "cash_rounding").stdout.strip() == "0"
    assert run("--db", db, "config", "set", "cash_rounding", "500").returncode == 0
    assert run("--db", db, "config", "get", "cash_rounding").stdout.strip() == "500"
    for value in ("-500", "0.05", "900000000001", "-0", "５００", "500000", "3", "7"):
        result = run("--db", db, "config", "set", "cash_rounding", value)
        assert result.returncode == 1, result.stderr
        assert one_sentence(result.stderr) == (
            f"{value} is not a cash rounding step: use 0 for none, or 1, 2 or 5 times a power of ten up to 10,000 "
            "(such as 5, 10, 50, 100, 500, 1000 or 5000)."
        )
    assert run("--db", db, "config", "get", "cash_rounding").stdout.strip() == "500"
