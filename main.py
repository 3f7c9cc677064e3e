"""tinbai: python main.py <command>. See README.md."""

import sys

from tinbai.cli import main

if __name__ == "__main__":
    sys.exit(main())
