"""Builders of Office files that carry a VBA project, shared by the tests (test_danger, test_hostile).

The VBA project is written from the MS-OVBA and MS-CFB descriptions (compound
file, compressed dir and module streams), so olevba reads a genuine project
with an AutoOpen macro that does nothing but show a message box.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile

# ------------------------------------------------------------------ compound file (MS-CFB v3) writer

FREE, END, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
SECTOR, MINI, CUTOFF = 512, 64, 4096


def _dir_entry(
    name: str, kind: int, child: int, right: int, start: int, size: int, clsid: bytes = bytes(16)
) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return (
        encoded.ljust(64, b"\x00")
        + struct.pack("<HBB", len(encoded), kind, 1)  # name length, type, colour black
        + struct.pack("<III", FREE, right, child)  # left sibling, right sibling, child
        + clsid
        + bytes(4 + 16)  # state bits, creation and modification times
        + struct.pack("<IQ", start, size)
    )


def _chain(fat: list[int], start: int, count: int) -> None:
    for i in range(count):
        fat[start + i] = start + i + 1 if i < count - 1 else END


def make_cfb(streams: dict[str, bytes], root_clsid: bytes = bytes(16)) -> bytes:
    """A compound file holding `streams` ("VBA/dir" = stream dir in storage VBA)."""
    nodes: dict[str, list[str]] = {"": []}  # storage path -> child paths
    for path in streams:
        parts = path.split("/")
        for i in range(len(parts)):
            parent, here = "/".join(parts[:i]), "/".join(parts[: i + 1])
            if here not in nodes.get(parent, []):
                nodes.setdefault(parent, []).append(here)
            if i < len(parts) - 1:
                nodes.setdefault(here, [])
    order = ["", *sorted({p for kids in nodes.values() for p in kids})]
    index = {p: i for i, p in enumerate(order)}

    mini = bytearray()
    minifat: list[int] = []
    big: list[tuple[str, bytes]] = []
    placement: dict[str, tuple[int, bool]] = {}
    for path, data in streams.items():
        if len(data) < CUTOFF:
            first = len(mini) // MINI
            count = max(1, -(-len(data) // MINI))
            mini += data.ljust(count * MINI, b"\x00")
            minifat += [first + i + 1 if i < count - 1 else END for i in range(count)]
            placement[path] = (first, True)
        else:
            big.append((path, data))

    dir_bytes_len = -(-len(order) * 128 // SECTOR) * SECTOR
    n_dir = dir_bytes_len // SECTOR
    n_minifat = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    n_ministream = -(-len(mini) // SECTOR)
    n_big = [-(-len(d) // SECTOR) for _, d in big]
    n_data = n_dir + n_minifat + n_ministream + sum(n_big)
    n_fat = 1
    while (n_data + n_fat) > n_fat * (SECTOR // 4):
        n_fat += 1

    fat = [FREE] * (n_fat * SECTOR // 4)
    pos = 0
    dir_start = pos
    _chain(fat, pos, n_dir)
    pos += n_dir
    minifat_start = pos if n_minifat else END
    _chain(fat, pos, n_minifat)
    pos += n_minifat
    ministream_start = pos if n_ministream else END
    _chain(fat, pos, n_ministream)
    pos += n_ministream
    for (path, _data), count in zip(big, n_big, strict=True):
        placement[path] = (pos, False)
        _chain(fat, pos, count)
        pos += count
    fat_start = pos
    for i in range(n_fat):
        fat[fat_start + i] = FATSECT

    def cfb_order(path: str) -> tuple[int, str]:  # siblings sort by name length, then upper case
        name = path.rsplit("/", 1)[-1]
        return len(name), name.upper()

    children = {storage: sorted(kids, key=cfb_order) for storage, kids in nodes.items()}
    right_of = {a: b for kids in children.values() for a, b in itertools.pairwise(kids)}
    entries = []
    for path in order:
        kids = children.get(path, [])
        child = index[kids[0]] if kids else FREE
        right = index[right_of[path]] if path in right_of else FREE
        if path == "":
            entries.append(_dir_entry("Root Entry", 5, child, FREE, ministream_start, len(mini), root_clsid))
        elif path in streams:
            entries.append(
                _dir_entry(path.rsplit("/", 1)[-1], 2, FREE, right, placement[path][0], len(streams[path]))
            )
        else:
            entries.append(_dir_entry(path.rsplit("/", 1)[-1], 1, child, right, 0, 0))
    directory = b"".join(entries)
    while len(directory) < dir_bytes_len:
        directory += _dir_entry("", 0, FREE, FREE, 0, 0)

    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, CUTOFF, minifat_start, n_minifat, END, 0)
    )
    difat = [fat_start + i for i in range(n_fat)] + [FREE] * (109 - n_fat)
    header += struct.pack("<109I", *difat)
    body = directory
    body += struct.pack(f"<{len(minifat)}I", *minifat).ljust(n_minifat * SECTOR, b"\xff")
    body += bytes(mini).ljust(n_ministream * SECTOR, b"\x00")
    for (_, data), count in zip(big, n_big, strict=True):
        body += data.ljust(count * SECTOR, b"\x00")
    body += struct.pack(f"<{len(fat)}I", *fat)
    return header + body


# ------------------------------------------------------------------ VBA project (MS-OVBA)


def ovba_compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compressed container; every token a literal (valid, just not small)."""
    out = bytearray(b"\x01")
    per_chunk = 455 * 8  # 455 groups of flag byte + 8 literals fit the 4096-byte chunk body
    for start in range(0, len(data), per_chunk):
        piece = data[start : start + per_chunk]
        body = bytearray()
        for i in range(0, len(piece), 8):
            body.append(0)  # flag byte: the next 8 tokens are literals
            body += piece[i : i + 8]
        out += struct.pack("<H", (len(body) + 2 - 3) | 0b011 << 12 | 0x8000) + body
    return bytes(out)


def _rec(rec_id: int, data: bytes) -> bytes:
    return struct.pack("<HI", rec_id, len(data)) + data


def vba_dir_stream(modules: list[str]) -> bytes:
    out = (
        _rec(0x0001, struct.pack("<I", 1))  # PROJECTSYSKIND: 32-bit Windows
        + _rec(0x0002, struct.pack("<I", 0x409))  # PROJECTLCID
        + _rec(0x0014, struct.pack("<I", 0x409))  # PROJECTLCIDINVOKE
        + _rec(0x0003, struct.pack("<H", 1252))  # PROJECTCODEPAGE
        + _rec(0x0004, b"VBAProject")  # PROJECTNAME
        + _rec(0x0005, b"")
        + _rec(0x0040, b"")  # PROJECTDOCSTRING (+ Unicode)
        + _rec(0x0006, b"")
        + _rec(0x003D, b"")  # PROJECTHELPFILEPATH (twice)
        + _rec(0x0007, struct.pack("<I", 0))  # PROJECTHELPCONTEXT
        + _rec(0x0008, struct.pack("<I", 0))  # PROJECTLIBFLAGS
        + struct.pack("<HIIH", 0x0009, 4, 1, 0)  # PROJECTVERSION: reserved 4, major, minor
        + _rec(0x000C, b"")
        + _rec(0x003C, b"")  # PROJECTCONSTANTS (+ Unicode)
        + struct.pack("<HIH", 0x000F, 2, len(modules))  # PROJECTMODULES (no references before it)
        + struct.pack("<HIH", 0x0013, 2, 0xFFFF)  # PROJECTCOOKIE
    )
    for name in modules:
        raw, wide = name.encode("ascii"), name.encode("utf-16-le")
        out += (
            _rec(0x0019, raw) + _rec(0x0047, wide)  # MODULENAME, MODULENAMEUNICODE
            + _rec(0x001A, raw) + _rec(0x0032, wide)  # MODULESTREAMNAME (+ Unicode)
            + _rec(0x001C, b"") + _rec(0x0048, b"")  # MODULEDOCSTRING (+ Unicode)
            + _rec(0x0031, struct.pack("<I", 0))  # MODULEOFFSET: source right at the start
            + _rec(0x001E, struct.pack("<I", 0))  # MODULEHELPCONTEXT
            + _rec(0x002C, struct.pack("<H", 0xFFFF))  # MODULECOOKIE
            + struct.pack("<HI", 0x0021, 0)  # MODULETYPE: procedural
            + struct.pack("<HI", 0x002B, 0)  # MODULE terminator
        )  # fmt: skip
    return out + struct.pack("<HI", 0x0010, 0)  # dir terminator


MACRO_SOURCE = 'Attribute VB_Name = "Module1"\r\nSub AutoOpen()\r\n    MsgBox "Xin chao"\r\nEnd Sub\r\n'


def vba_streams(prefix: str = "") -> dict[str, bytes]:
    project = (
        b'ID="{00000000-0000-0000-0000-000000000000}"\r\nModule=Module1\r\nName="VBAProject"\r\n'
        b'HelpContextID="0"\r\nVersionCompatible32="393222000"\r\n\r\n[Host Extender Info]\r\n'
        b"&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n"
    )
    return {
        f"{prefix}PROJECT": project,
        f"{prefix}VBA/_VBA_PROJECT": b"\xcc\x61\xff\xff\x00\x00\x00",  # version-independent: recompile
        f"{prefix}VBA/dir": ovba_compress(vba_dir_stream(["Module1"])),
        f"{prefix}VBA/Module1": ovba_compress(MACRO_SOURCE.encode()),
    }


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>'
    "{extra}</Types>"
)


def make_ooxml(parts: dict[str, bytes], vba_part: str | None = None) -> bytes:
    extra = ""
    if vba_part:
        extra = f'<Override PartName="/{vba_part}" ContentType="application/vnd.ms-office.vbaProject"/>'
    files = {
        "[Content_Types].xml": CONTENT_TYPES.format(extra=extra).encode(),
        "word/document.xml": b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>Tin PBGDPL</w:t></w:r></w:p></w:body></w:document>",
        **parts,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()
