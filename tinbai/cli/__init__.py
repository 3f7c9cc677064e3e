"""python main.py <command>: the command line of tinbai.

One module per command, each with a `run(config, args)`; `main` loads only the module of the
command asked for (COMMANDS names them), so that `check` does not pay for the database, the
daemon or the web server. Every error a user can cause (a missing file, an unknown profile, a
wrong config value) is one clear line on stderr and exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

from tinbai.cli.common import UsageError, setup_logging
from tinbai.cli.parser import build_parser
from tinbai.config import ConfigError, load_config
from tinbai.procmem import give_big_buffers_back

log = logging.getLogger("tinbai")

# command -> the module that runs it
COMMANDS = {name: f"tinbai.cli.{name}" for name in
            ("check", "run", "status", "queue", "outbox", "reminders", "rules", "demo", "user", "report")}


def module_of(args: argparse.Namespace) -> str:
    """The module that runs the command: `run` serving the review pages has its own, so that
    `run --once` and `run --no-web` do not load the web server (~12 MB, 0.4 s)."""
    if args.command == "run" and not (args.once or args.no_web):
        return "tinbai.cli.run_web"
    return COMMANDS[args.command]


# commands whose output is the point: only warnings on stderr
QUIET = {"check", "queue", "outbox", "status", "reminders", "user", "rules"}


def main(argv: list[str] | None = None) -> int:
    give_big_buffers_back()
    args = build_parser().parse_args(argv)
    try:
        cfg = load_config(args.config)
        setup_logging(cfg.settings.log_level, quiet=args.command in QUIET)
        return importlib.import_module(module_of(args)).run(cfg, args)
    except (ConfigError, UsageError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`main.py rules | head`): nothing left to say
        # what Python's documentation advises: point stdout at devnull so the exit's flush is quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # the last guard: one line for the user, details in the log
        log.debug("unexpected error", exc_info=True)
        print(f"error: {type(e).__name__}: {e} (chạy lại với log_level = \"DEBUG\" để xem chi tiết)", file=sys.stderr)
        return 1
