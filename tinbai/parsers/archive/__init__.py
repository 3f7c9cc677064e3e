"""List and read the members of zip, rar and 7z archives, safely.

Everything happens in memory: no member is ever written to a path taken from
the archive (RAR members that need an external decompressor go through a
private temporary file that rarfile creates with mkstemp and deletes).

Safety rules, in the order they are applied:
- The nesting depth is checked first (the caller passes how many archives
  enclose this one); an archive nested too deep is listed but not unpacked.
- Declared sizes are checked before anything is decompressed: member count,
  total unpacked size, unpacked/packed ratio of the whole archive and of each
  member. An offending member is never decompressed.
- While reading, every member is streamed with a hard cap at its declared size
  (and the remaining budget), so a header that lies cannot blow memory.
- Member names are checked for '..' components and absolute paths; they are
  reported, never used as paths.

Findings are (finding, Vietnamese detail) pairs, the findings of tinbai.parsers.facts:
archive_bomb, path_traversal, encrypted, unreadable (the rules turn them into problems).
"""

from tinbai.parsers.archive.listing import ArchiveListing, Member
from tinbai.parsers.archive.names import decode_member_name, path_escape_reason
from tinbai.parsers.archive.reader import is_archive, nested_too_deep, read_members

__all__ = [
    "ArchiveListing", "Member", "decode_member_name", "is_archive", "nested_too_deep", "path_escape_reason",
    "read_members",
]
