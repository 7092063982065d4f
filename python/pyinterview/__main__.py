"""The ``pyinterview`` console script: the Rust command line, run in this Python."""

import sys


def main() -> int:
    from pyinterview._native import main as run

    return run(["pyinterview", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
