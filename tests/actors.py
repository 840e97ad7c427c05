"""Who acts in tests. Once a shop has users, a service called with no actor is refused
(only a shop without users runs with nobody signed in), so tests that add users or act
afterwards say who acts: usually the command line's system actor, with the owner's rights."""

from __future__ import annotations

from shoptui.services.context import Actor

SYSTEM = Actor(system="cli:tester")
