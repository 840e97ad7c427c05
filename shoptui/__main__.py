"""``python -m shoptui`` and the ``shoptui`` console script."""

import sys

from .cli import main as _main


def main() -> None:
    sys.exit(_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
