"""What managers and the owner set up: points rules and tiers, custom properties, survey
questions, vouchers."""
