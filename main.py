"""tinbai: python main.py <command>. See README.md."""

import sys

if __name__ == "__main__":
    # imported here, not above: the parsers' sandbox workers (multiprocessing's fork server)
    # import this file as their main module, and need none of the command line
    from tinbai.cli import main

    sys.exit(main())
