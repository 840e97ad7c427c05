"""One customer: the card (profile, sales, returns, cards, points, debts, surveys) and what
is done from it to the customer: edit, card actions, merge, status, the survey asked."""
