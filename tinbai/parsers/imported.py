"""The fork server's imports are done: the pages only they read are given back.

The last of the sandbox's preloaded modules (tinbai.parsers.sandbox): the fork server imports the
preloaded modules in order, then only forks workers, which read their libraries' pages for
themselves. What the imports alone read (tinbai.procmem.release_import_pages) would otherwise
stay in the fork server for the daemon's whole life: ~17 MB of the tree (issue 18: under 300 MB).
"""

from __future__ import annotations

from tinbai.procmem import release_import_pages

release_import_pages()
