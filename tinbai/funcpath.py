"""A function named by its path, 'package.module:function': how the parser workers
(tinbai.parsers.sandbox) and the one-off child processes (tinbai.apart) are told what to run,
so that the process that asks never imports what the function needs."""

from __future__ import annotations

import importlib
from typing import Any


def resolve(func_path: str) -> Any:
    """The function named 'package.module:function' (a dotted name after the colon reaches into
    a class)."""
    module, _, name = func_path.partition(":")
    if not module or not name:
        raise ValueError(f"{func_path!r} is not 'module:function'")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target
