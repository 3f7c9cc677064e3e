"""What makes a file dangerous to open or impossible to open: programs, macros, passwords.

- executable_kind: a program or script, told by content first (PE, ELF,
  Mach-O, Java, Android, Windows shortcut, MSI, shebang), then by the name's
  extension (Windows runs a .js or .vbs whatever is inside), then by script
  markers in text that carries no telling name.
- macro_info: VBA (olevba), Excel 4 macro sheets and OpenDocument Basic.
- is_encrypted_office / is_encrypted_pdf: documents that need a password to open.

Every function is cheap on a large benign file: each looks at magic bytes or a
zip directory first and runs a heavy parser only where it can find something.
"""

from tinbai.parsers.danger.executables import executable_kind
from tinbai.parsers.danger.macros import macro_info
from tinbai.parsers.danger.passwords import is_encrypted_office, is_encrypted_pdf

__all__ = ["executable_kind", "is_encrypted_office", "is_encrypted_pdf", "macro_info"]
