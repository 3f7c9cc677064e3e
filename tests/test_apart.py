"""tinbai.apart: a call in a child process of its own, and the daemon without the libraries it
keeps out (the report files' openpyxl and python-docx, the password check's zxcvbn, the schema's Alembic)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tinbai.apart import ApartError, run_apart
from tinbai.web.passwords import password_problem

ROOT = Path(__file__).resolve().parent.parent


def test_the_call_is_made_in_a_child_and_its_result_comes_back():
    assert run_apart("os:getpid") != __import__("os").getpid()
    assert run_apart("builtins:sorted", [3, 1, 2], reverse=True) == [3, 2, 1]


def test_what_the_function_raised_is_an_apart_error():
    with pytest.raises(ApartError, match="ValueError"):
        run_apart("builtins:int", "not a number")
    with pytest.raises(ApartError, match="ModuleNotFoundError"):
        run_apart("tinbai.no_such_module:f")


def test_a_child_over_its_time_is_an_apart_error():
    with pytest.raises(ApartError, match="no result within"):
        run_apart("time:sleep", 30, timeout=1)


def test_the_daemon_imports_none_of_the_libraries_kept_apart():
    # what `main.py run` imports: the daemon with the web server and every page
    code = ("import sys, tinbai.cli.run; "
            "print(' '.join(m for m in ('openpyxl', 'docx', 'zxcvbn', 'alembic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_daemon_imports_none_of_the_parser_workers_libraries():
    # the duplicate check's MinHash is plain Python and the previews are drawn in a parser worker:
    # numpy, Pillow and pdfium live in the workers' fork server only (issue 18: the tree's memory)
    code = ("import sys, tinbai.cli.run; "
            "print(' '.join(m for m in ('numpy', 'PIL', 'pypdfium2', 'cv2') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_password_check_in_its_child_still_refuses_a_guessable_password():
    assert "dễ đoán" in password_problem("matkhau123", "matkhau123")
    own = "hoa.nguyen@tn.gov.vn"
    assert "dễ đoán" in password_problem(own, own, user_inputs=[own])
    assert password_problem("bốn con mèo nhảy qua cầu tre", "bốn con mèo nhảy qua cầu tre") is None
