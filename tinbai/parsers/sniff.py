"""What a file really is, from its bytes: the `detected_type` of the check report.

The name of an attachment is a claim by the sender; the content decides. Order of
evaluation: fixed signatures (magic numbers) first, then containers that need a
look inside (ZIP: OOXML / ODF / JAR / APK; OLE2: doc / xls / ppt / msi / msg),
then text (html, xml, svg, scripts, plain text), then libmagic as a last resort
for binary formats our table does not know.

Vocabulary: the contract's names (pdf, docx, jpg, mp3, zip, exe, unknown…) plus a
few of our own, listed in TYPES. Office files with VBA macros are reported as
docm / xlsm / pptm (not docx…): the macro-enabled format is a different format
to Word, and the name "x.docx" on a docm is exactly the mismatch reviewers
should see. An encrypted OOXML file (OLE2 container with EncryptionInfo and
EncryptedPackage) does not reveal whether it is a document, workbook or
presentation; there the file name decides among the OOXML types (default docx).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

import olefile

from tinbai.filekinds import TYPES

MIME_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "docm": "application/vnd.ms-word.document.macroEnabled.12",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    "xlsb": "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
    "xls": "application/vnd.ms-excel",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptm": "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
    "ppt": "application/vnd.ms-powerpoint",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "html": "text/html",
    "xml": "application/xml",
    "svg": "image/svg+xml",
    "msg": "application/vnd.ms-outlook",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "heic": "image/heic",
    "avif": "image/avif",
    "mp3": "audio/mpeg",
    "wma": "audio/x-ms-wma",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
    "flac": "audio/flac",
    "aac": "audio/aac",
    "amr": "audio/amr",
    "mid": "audio/midi",
    "mpg": "video/mpeg",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "wmv": "video/x-ms-wmv",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "flv": "video/x-flv",
    "3gp": "video/3gpp",
    "ts": "video/mp2t",
    "zip": "application/zip",
    "rar": "application/vnd.rar",
    "7z": "application/x-7z-compressed",
    "gz": "application/gzip",
    "bz2": "application/x-bzip2",
    "xz": "application/x-xz",
    "tar": "application/x-tar",
    "cab": "application/vnd.ms-cab-compressed",
    "exe": "application/vnd.microsoft.portable-executable",
    "elf": "application/x-executable",
    "macho": "application/x-mach-binary",
    "script": "text/plain",
    "lnk": "application/x-ms-shortcut",
    "jar": "application/java-archive",
    "apk": "application/vnd.android.package-archive",
    "class": "application/java-vm",
    "msi": "application/x-msi",
    "empty": "application/x-empty",
    "unknown": "application/octet-stream",
}

# Extensions that name the same format as a detected type (besides the type's own name).
_EXTENSION_ALIASES: dict[str, str] = {
    "jpeg": "jpg", "jpe": "jpg", "jfif": "jpg", "pjpeg": "jpg",
    "tif": "tiff",
    "htm": "html", "xhtml": "html", "xht": "html", "shtml": "html",
    "mpeg": "mpg", "mpe": "mpg", "m1v": "mpg", "m2v": "mpg", "vob": "mpg",
    "text": "txt", "csv": "txt", "tsv": "txt", "log": "txt", "md": "txt", "ini": "txt", "json": "txt",
    "dotx": "docx", "dotm": "docm", "dot": "doc", "wiz": "doc",
    "xltx": "xlsx", "xltm": "xlsm", "xlam": "xlsm", "xlt": "xls", "xla": "xls",
    "ppsx": "pptx", "potx": "pptx", "ppsm": "pptm", "potm": "pptm", "ppam": "pptm",
    "pps": "ppt", "pot": "ppt",
    "ott": "odt", "ots": "ods", "otp": "odp", "fodt": "odt",
    "m4v": "mp4", "m4b": "m4a", "m4p": "m4a", "oga": "ogg", "ogv": "ogg", "opus": "ogg",
    "mka": "mkv", "mts": "ts", "m2ts": "ts", "3g2": "3gp", "heif": "heic",
    "wave": "wav", "midi": "mid", "asf": "wmv",
    "tgz": "gz", "gzip": "gz", "tbz2": "bz2", "txz": "xz",
    "dll": "exe", "scr": "exe", "sys": "exe", "cpl": "exe", "ocx": "exe", "drv": "exe", "efi": "exe",
    "com": "exe", "pif": "exe", "so": "elf", "dylib": "macho",
    "sh": "script", "bash": "script", "zsh": "script", "ksh": "script", "csh": "script",
    "bat": "script", "cmd": "script", "js": "script", "jse": "script", "mjs": "script",
    "vbs": "script", "vbe": "script", "vb": "script", "wsf": "script", "wsh": "script", "wsc": "script",
    "ps1": "script", "psm1": "script", "psd1": "script", "hta": "script",
    "py": "script", "pyw": "script", "pl": "script", "rb": "script", "php": "script",
    "msp": "msi", "mst": "msi",
}

# Names Windows (or a mail reader's "open") runs as a program or script.
EXECUTABLE_EXTENSIONS = frozenset({
    "exe", "scr", "com", "pif", "bat", "cmd", "ps1", "psm1", "psd1", "ps1xml", "ps2", "ps2xml", "psc1",
    "psc2", "vbs", "vbe", "vb", "js", "jse", "mjs", "wsf", "wsh", "wsc", "hta", "jar", "lnk", "msi", "msp",
    "mst", "dll", "cpl", "ocx", "sys", "drv", "efi", "sh", "bash", "zsh", "ksh", "csh", "apk", "app", "reg",
    "inf", "scf", "url", "chm", "msc", "gadget", "application", "appref-ms", "appx", "appxbundle", "msix",
    "msixbundle", "xbap", "jnlp", "py", "pyw", "pl", "rb", "php", "elf", "run", "command",
    "workflow", "action", "dmg", "pkg", "deb", "rpm",
})  # fmt: skip

_OOXML_FAMILY = ("docx", "docm", "xlsx", "xlsm", "xlsb", "pptx", "pptm")

# text control bytes that never occur in prose (TAB LF VT FF CR and ESC, SUB allowed)
_CONTROL = frozenset(range(0x09)) | frozenset(range(0x0E, 0x1A)) | {0x1C, 0x1D, 0x1E, 0x1F, 0x7F}
_SAMPLE = 65536


# ---------------------------------------------------------------- names

def extension_of(filename: str | None) -> str | None:
    """The lower-case extension of a file name as Windows sees it, or None.

    Trailing dots and spaces are dropped (Windows ignores them, so "x.exe. " runs
    as an .exe); folders in archive member names are ignored. A suffix that is all
    digits or holds a space ("Tin ngay 28.4.2025", "Bao cao 1.5 trieu") is part of
    the title, not an extension.
    """
    if not filename:
        return None
    name = re.split(r"[\\/]", filename)[-1].rstrip(" .\t\r\n\x00")
    if "." not in name:
        return None
    ext = name.rsplit(".", 1)[1].lower()
    if not ext or ext.isdigit() or any(c.isspace() for c in ext) or len(ext) > 16:
        return None
    return ext


def canonical_type(ext: str | None) -> str | None:
    """The detected-type name an extension claims (jpeg -> jpg, dll -> exe), None if unknown."""
    if ext is None:
        return None
    ext = ext.lower().lstrip(".")
    if ext in _EXTENSION_ALIASES:
        return _EXTENSION_ALIASES[ext]
    if ext in TYPES and ext not in ("empty", "unknown", "script", "macho"):
        return ext
    return None


def same_format(ext: str | None, detected: str) -> bool:
    """Whether a name's extension agrees with the detected content (attachment.type_mismatch).

    No extension, or one we do not know, claims nothing and so cannot disagree.
    Empty files agree with any name: they are reported as unreadable instead.
    docx and docm are different formats (Word refuses the one under the other's
    name, and a .docx name hides macros), as are mp4 and mov.
    """
    claimed = canonical_type(ext)
    if claimed is None or detected == "empty":
        return True
    return claimed == detected


def is_executable_name(filename: str | None) -> bool:
    """Whether the name alone makes Windows run the file as a program or script."""
    return extension_of(filename) in EXECUTABLE_EXTENSIONS


def mime_of(detected: str) -> str:
    """The MIME type of a detected type."""
    return MIME_TYPES.get(detected, "application/octet-stream")


# ---------------------------------------------------------------- detection

def detect_type(data: bytes, filename: str | None = None) -> str:
    """The format of `data` from its content; `filename` only breaks ties the content
    cannot (an encrypted OOXML package; a text file whose name makes Windows run it)."""
    if not data:
        return "empty"
    kind = _by_signature(data)
    if kind == "zip":
        return _zip_kind(data)
    if kind == "ole":
        return _ole_kind(data, filename)
    if kind:
        return kind
    text = _decode_sample(data[:_SAMPLE])
    if text is not None:
        return _text_kind(text, extension_of(filename))
    return _by_libmagic(data) or "unknown"


def _by_signature(data: bytes) -> str | None:
    head = data[:64]
    for check in _SIGNATURE_CHECKS:
        kind = check(data, head)
        if kind:
            return kind
    return None


def _sig_exec(data: bytes, head: bytes) -> str | None:
    if head[:2] == b"MZ":
        if len(data) >= 0x40:
            (pe_offset,) = struct.unpack_from("<I", data, 0x3C)
            if data[pe_offset:pe_offset + 4] == b"PE\0\0":
                return "exe"
        # a DOS program without a PE header; text starting with "MZ" has no control bytes
        if b"This program" in data[:512] or any(b in _CONTROL for b in head[2:32]):
            return "exe"
        return None
    if head[:4] == b"\x7fELF":
        return "elf"
    if head[:4] in (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe"):
        return "macho"
    if head[:4] in (b"\xca\xfe\xba\xbe", b"\xca\xfe\xba\xbf") and len(head) >= 8:
        # Mach-O universal binaries and Java classes share this magic: a fat binary
        # holds a handful of architectures, a class file a version >= 45 there.
        (count,) = struct.unpack_from(">I", head, 4)
        return "macho" if count < 30 else "class"
    if head[:20] == b"L\0\0\0\x01\x14\x02\0\0\0\0\0\xc0\0\0\0\0\0\0F":
        return "lnk"
    return None


def _sig_documents(data: bytes, head: bytes) -> str | None:
    if head[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "ole"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06") or head[:8] == b"PK\x07\x08PK\x03\x04":
        return "zip"
    if b"%PDF-" in data[:1024]:  # readers accept the header anywhere in the first KB
        return "pdf"
    if data[:64].lstrip(b" \t\r\n\xef\xbb\xbf")[:5] == b"{\\rtf":
        return "rtf"
    return None


def _sig_images(data: bytes, head: bytes) -> str | None:
    if head[:3] == b"\xff\xd8\xff":
        return "jpg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:2] == b"BM" and len(head) >= 18:
        # "BM" alone is too weak: the reserved words are zero and the DIB header has a known size
        reserved, dib = struct.unpack_from("<I", head, 6)[0], struct.unpack_from("<I", head, 14)[0]
        if reserved == 0 and dib in (12, 16, 40, 52, 56, 64, 108, 124):
            return "bmp"
    return None


_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"mif2"}
_M4A_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_ASF_GUID = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_ASF_VIDEO_GUID = bytes.fromhex("c0ef19bc4d5bcf11a8fd00805f5c442b")


def _sig_media(data: bytes, head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        return _ftyp_kind(data)
    if head[:4] == b"RIFF":
        return {b"WAVE": "wav", b"AVI ": "avi", b"RMID": "mid", b"CDXA": "mpg"}.get(head[8:12])
    if head[:16] == _ASF_GUID:
        # one container for both: a video stream's properties make it .wmv
        return "wmv" if _ASF_VIDEO_GUID in data[:262144] else "wma"
    if head[:4] in (b"\0\0\1\xba", b"\0\0\1\xb3"):
        return "mpg"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in data[:64] else "mkv"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[:4] == b"FLV\x01":
        return "flv"
    if head[:5] == b"#!AMR":
        return "amr"
    if head[:4] == b"MThd":
        return "mid"
    if head[:3] == b"ID3":
        return _after_id3(data)
    if len(data) > 800 and all(data[i] == 0x47 for i in (0, 188, 376, 564, 752)):
        return "ts"
    if len(data) > 800 and all(data[i] == 0x47 for i in (4, 196, 388, 580, 772)):
        return "ts"  # M2TS (AVCHD .mts): 4-byte time code before each 188-byte packet
    if head[4:8] in (b"moov", b"mdat", b"wide", b"pnot") and struct.unpack_from(">I", head)[0] >= 8:
        return "mov"  # QuickTime before the ftyp box existed
    return _mpeg_audio_kind(data, 0)


def _ftyp_kind(data: bytes) -> str | None:
    size = struct.unpack_from(">I", data)[0]
    major = data[8:12]
    brands = {major} | {data[i:i + 4] for i in range(16, min(size, 256), 4)}
    if major == b"qt  ":
        return "mov"
    if major in _M4A_BRANDS:
        return "m4a"
    if b"avif" in brands or b"avis" in brands:
        return "avif"
    if major in _HEIF_BRANDS:
        return "heic"
    if major.startswith(b"3g"):
        return "3gp"
    if major in (b"jp2 ", b"jpx ", b"jpm ", b"crx "):
        return None
    return "mp4"


def _after_id3(data: bytes) -> str:
    # ID3v2 header: "ID3", version, flags, then a 28-bit "syncsafe" size
    if len(data) < 10:
        return "mp3"
    size = 10 + ((data[6] & 0x7F) << 21 | (data[7] & 0x7F) << 14 | (data[8] & 0x7F) << 7 | (data[9] & 0x7F))
    if len(data) > 5 and data[5] & 0x10:
        size += 10  # footer
    rest = data[size:size + 4]
    if rest == b"fLaC":
        return "flac"
    if len(rest) >= 2 and rest[0] == 0xFF and rest[1] & 0xF6 == 0xF0:
        return "aac"
    return "mp3"  # an ID3 tag fronts MP3 audio in practice


_MPEG_BITRATES = {  # kbit/s by (version is MPEG-1, layer) for bitrate index 1..14
    (True, 1): (32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_MPEG_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mpeg_frame_length(data: bytes, pos: int) -> int | None:
    """Length of the MPEG audio frame whose header starts at pos, None if it is not one."""
    if pos + 4 > len(data) or data[pos] != 0xFF or data[pos + 1] & 0xE0 != 0xE0:
        return None
    version = (data[pos + 1] >> 3) & 3
    layer_bits = (data[pos + 1] >> 1) & 3
    bitrate_index = data[pos + 2] >> 4
    rate_index = (data[pos + 2] >> 2) & 3
    if version == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    mpeg1 = version == 3
    bitrate = _MPEG_BITRATES[(mpeg1, layer)][bitrate_index - 1] * 1000
    rate = _MPEG_RATES[version][rate_index]
    padding = (data[pos + 2] >> 1) & 1
    if layer == 1:
        return (12 * bitrate // rate + padding) * 4
    return (144 if mpeg1 or layer == 2 else 72) * bitrate // rate + padding


def _mpeg_audio_kind(data: bytes, pos: int) -> str | None:
    # two consecutive valid frame headers: one alone matches too much binary
    length = _mpeg_frame_length(data, pos)
    if not length:
        return None
    if pos + length == len(data):
        return "mp3"  # a file of exactly one frame
    return "mp3" if _mpeg_frame_length(data, pos + length) else None


def _sig_archives(data: bytes, head: bytes) -> str | None:
    if head[:6] == b"Rar!\x1a\x07":
        return "rar"
    if head[:6] == b"7z\xbc\xaf\x27\x1c":
        return "7z"
    if head[:3] == b"\x1f\x8b\x08":
        return "gz"
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] == b"1AY&SY":
        return "bz2"
    if head[:6] == b"\xfd7zXZ\0":
        return "xz"
    if head[:8] == b"MSCF\0\0\0\0":
        return "cab"
    if data[257:262] == b"ustar":
        return "tar"
    return None


_SIGNATURE_CHECKS = (_sig_exec, _sig_documents, _sig_images, _sig_archives, _sig_media)


# ---------------------------------------------------------------- containers

_OOXML_MAIN = (  # content type of the main part -> type; macro-enabled ones first
    ("ms-word.document.macroenabled.main", "docm"),
    ("ms-word.template.macroenabledtemplate.main", "docm"),
    ("wordprocessingml.document.main", "docx"),
    ("wordprocessingml.template.main", "docx"),
    ("ms-excel.sheet.binary.macroenabled.main", "xlsb"),
    ("ms-excel.sheet.macroenabled.main", "xlsm"),
    ("ms-excel.template.macroenabled.main", "xlsm"),
    ("ms-excel.addin.macroenabled.main", "xlsm"),
    ("spreadsheetml.sheet.main", "xlsx"),
    ("spreadsheetml.template.main", "xlsx"),
    ("ms-powerpoint.presentation.macroenabled.main", "pptm"),
    ("ms-powerpoint.slideshow.macroenabled.main", "pptm"),
    ("ms-powerpoint.template.macroenabled.main", "pptm"),
    ("ms-powerpoint.addin.macroenabled.main", "pptm"),
    ("presentationml.presentation.main", "pptx"),
    ("presentationml.slideshow.main", "pptx"),
    ("presentationml.template.main", "pptx"),
)
_OOXML_DIRS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
_MACRO_OF = {"docx": "docm", "xlsx": "xlsm", "pptx": "pptm"}
_ODF_MIME = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.text-template": "odt",
    "application/vnd.oasis.opendocument.text-master": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.spreadsheet-template": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/vnd.oasis.opendocument.presentation-template": "odp",
}
_MAX_MEMBER_READ = 1 << 20


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            lower = {n.lower(): n for n in names}
            mimetype = _read_member(zf, lower.get("mimetype"))
            content_types = _read_member(zf, lower.get("[content_types].xml"))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        # truncated or damaged: the central directory is gone, the local headers remain
        names, mimetype, content_types = _local_headers(data)
    return _classify_zip(names, mimetype, content_types)


def _read_member(zf: zipfile.ZipFile, name: str | None) -> bytes:
    if name is None:
        return b""
    try:
        with zf.open(name) as f:
            return f.read(_MAX_MEMBER_READ)
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return b""  # encrypted or broken member: the names still tell the kind


def _local_headers(data: bytes) -> tuple[list[str], bytes, bytes]:
    names: list[str] = []
    mimetype = content_types = b""
    for m in re.finditer(rb"PK\x03\x04", data):
        pos = m.start()
        if pos + 30 > len(data) or len(names) >= 5000:
            break
        method, csize = struct.unpack_from("<H", data, pos + 8)[0], struct.unpack_from("<I", data, pos + 18)[0]
        name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
        name = data[pos + 30:pos + 30 + name_len].decode("utf-8", "replace")
        names.append(name)
        start = pos + 30 + name_len + extra_len
        body = data[start:start + (csize or _MAX_MEMBER_READ)]
        if name.lower() in ("mimetype", "[content_types].xml"):
            if method == 8:
                try:
                    body = zlib.decompressobj(-15).decompress(body, _MAX_MEMBER_READ)
                except zlib.error:
                    body = b""
            if name.lower() == "mimetype":
                mimetype = body
            else:
                content_types = body
    return names, mimetype, content_types


def _classify_zip(names: list[str], mimetype: bytes, content_types: bytes) -> str:
    lower = [n.lower().replace("\\", "/") for n in names]
    odf = _ODF_MIME.get(mimetype.strip().decode("ascii", "replace"))
    if odf:
        return odf
    kind = None
    ct = content_types.decode("utf-8", "replace").lower()
    for marker, ooxml in _OOXML_MAIN:
        if marker in ct:
            kind = ooxml
            break
    if kind is None and ("[content_types].xml" in lower or "_rels/.rels" in lower):
        for prefix, ooxml in _OOXML_DIRS:
            if any(n.startswith(prefix) for n in lower):
                kind = ooxml
                break
    if kind:
        # a VBA project inside a package named as macro-free is still a macro file
        if kind in _MACRO_OF and any(n.endswith("vbaproject.bin") for n in lower):
            return _MACRO_OF[kind]
        return kind
    if "androidmanifest.xml" in lower and "classes.dex" in lower:
        return "apk"
    if "meta-inf/manifest.mf" in lower and any(n.endswith(".class") for n in lower):
        return "jar"
    return "zip"


_OLE_NAMES = (  # top-level stream -> type, in UTF-16LE for the raw fallback
    ("WordDocument", "doc"),
    ("Workbook", "xls"),
    ("Book", "xls"),
    ("PowerPoint Document", "ppt"),
)
_MSI_CLSIDS = {
    "000C1084-0000-0000-C000-000000000046",  # msi
    "000C1086-0000-0000-C000-000000000046",  # msp
    "000C1082-0000-0000-C000-000000000046",  # mst
}


def _ole_kind(data: bytes, filename: str | None) -> str:
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # a libmagic failure is not the file's fault
        return _ole_kind_raw(data, filename)
    try:
        top = {entry[0] for entry in ole.listdir(streams=True, storages=True) if len(entry) == 1}
        clsid = (ole.root.clsid or "").upper() if ole.root else ""
    finally:
        ole.close()
    return _classify_ole(top, clsid, filename)


def _ole_kind_raw(data: bytes, filename: str | None) -> str:
    top = {name for name in ("WordDocument", "Workbook", "Book", "PowerPoint Document", "EncryptedPackage",
                             "EncryptionInfo") if name.encode("utf-16-le") + b"\0\0" in data}
    return _classify_ole(top, "", filename)


def _classify_ole(top: set[str], clsid: str, filename: str | None) -> str:
    if "EncryptedPackage" in top and "EncryptionInfo" in top:
        claimed = canonical_type(extension_of(filename))
        return claimed if claimed in _OOXML_FAMILY else "docx"
    for stream, kind in _OLE_NAMES:
        if stream in top:
            return kind
    if clsid in _MSI_CLSIDS:
        return "msi"
    if any(name.startswith("__substg1.0_") for name in top):
        return "msg"
    return "unknown"


# ---------------------------------------------------------------- text

def _decode_sample(sample: bytes) -> str | None:
    """The sample as text if it is text in some encoding, else None.

    Knows the BOMs, UTF-16 without a BOM (the NUL pattern of mostly-Latin text),
    UTF-8, and single-byte text (windows-1258, or TCVN3/VNI bytes) where no
    control bytes occur.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\0\0", "utf-32-le"), (b"\0\0\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if sample.startswith(bom):
            return _clean_text(sample[len(bom):], codec)
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return _clean_text(sample, utf16)
    if b"\0" in sample:
        return None
    text = _clean_text(sample, "utf-8")
    if text is not None:
        return text
    high = sum(1 for b in sample if b >= 0x80)
    if high > len(sample) // 2:
        return None
    return _clean_text(sample, "latin-1")


def _utf16_without_bom(sample: bytes) -> str | None:
    n = len(sample) // 2 * 2
    if n < 4:
        return None
    even_zero = sample[0:n:2].count(0) / (n // 2)
    odd_zero = sample[1:n:2].count(0) / (n // 2)
    # NFD Vietnamese puts U+0300 (low byte 0) in a few percent of the units
    if odd_zero >= 0.5 and even_zero <= 0.1:
        return "utf-16-le"
    if even_zero >= 0.5 and odd_zero <= 0.1:
        return "utf-16-be"
    return None


def _clean_text(raw: bytes, codec: str) -> str | None:
    import codecs

    try:
        # incremental: a multi-byte character cut by the end of the sample is fine
        text = codecs.getincrementaldecoder(codec)("strict").decode(raw, final=False)
    except UnicodeDecodeError:
        return None
    controls = sum(1 for c in text if ord(c) < 0x80 and ord(c) in _CONTROL)
    if controls > max(1, len(text) // 100):
        return None
    return text


_HTML_MARKERS = ("<!doctype html", "<html", "<head", "<body", "<meta ", "<title", "<table", "<div",
                 "<p>", "<p ", "<br", "<h1", "<h2", "<a href", "<font", "<span", "<style", "<script", "<img ",
                 "<ul", "<ol", "<li>", "<b>", "<i>", "<strong", "<center")
_SCRIPT_OPENERS = re.compile(
    r"^(#!|@echo\s+o(ff|n)|echo\s+off|<job\b|<package\b|<\?php|option\s+explicit|on\s+error\s+resume\s+next"
    r"|'use strict'|\"use strict\"|param\s*\(|\[cmdletbinding|import\s+\w|from\s+\w+\s+import\b)",
    re.IGNORECASE,
)
# one regular expression per family of code lines; prose lines match none of them
_CODE_LINE = re.compile(
    r"""(
      \)\s*;\s*$ | ^\s*[\w.$\[\]'"]+\s*[-+*/.|&]?=\s*[^=].*;\s*$ | [{}]\s*$ | ^\s*[{}]
    | ^\s*(var|let|const|function|return|if|else|for|while|try|catch|switch|case|new)\b.*[{};,)]\s*$
    | ^\s*(dim\s+\w+|set\s+\w+\s*=|sub\s+\w+\s*\(|end\s+(sub|function|if)\s*$|private\s+sub\s+\w+
        |call\s+\w+\s*(\(|$)|wscript\.\w+)
    | ^\s*(rem\b|::|@echo\b|echo\s+off\b|set\s+/?\w+=|goto\s+:?\w+\s*$|if\s+(not\s+)?(exist|errorlevel)\b
        |start\s+""|call\s+:\w+)
    | ^\s*\$\w+\s*=|^\s*(invoke-\w+|new-object\b|start-process\b|(get|set)-[a-z]+\b|iex\b|\[system\.)
    | ^\s*(def\s+\w+\s*\(|class\s+\w+.*:\s*$|import\s+[\w.]+\s*$|from\s+[\w.]+\s+import\b|export\s+\w+=
        |fi$|done$|then$|do$|esac$)
    )""",
    re.IGNORECASE | re.VERBOSE,
)


# calls that only malicious or administrative scripts make; prose does not quote them line after line
_STRONG = re.compile(
    r"""\b(activexobject|wscript\.shell|createobject\s*\(|shell\.application|scripting\.filesystemobject
    |adodb\.stream|downloadstring|downloadfile|frombase64string|-encodedcommand|invoke-expression|eval\s*\(
    |document\.write\s*\(|msxml2\.xmlhttp|winmgmts:|powershell(\.exe)?\s+-|net\.webclient|cmd(\.exe)?\s+/c)""",
    re.IGNORECASE | re.VERBOSE,
)


def _text_kind(text: str, ext: str | None) -> str:
    head = text.lstrip("\ufeff \t\r\n")[:2048]
    low = head.lower()
    if low.startswith("<"):
        whole = text[:_SAMPLE].lower()
        if "<hta:application" in whole:
            return "script"  # an HTML Application runs with the user's full rights
        if "<svg" in low:
            return "svg"
        if low.startswith("<?xml") and ("<job" in low or "<package" in low) and "<script" in whole:
            return "script"  # Windows Script File (.wsf)
        if low.startswith("<?xml"):
            # XML vocabularies reuse tag names (<TitlesOfParts>, <table:table>): only XHTML is html
            xhtml = "<html" in low or "<!doctype html" in low or "/1999/xhtml" in low
            return "html" if xhtml else "xml"
        if any(m in low for m in _HTML_MARKERS):
            return "html"
        if re.match(r"<[a-z][a-z0-9]*[\s>/]", low) and "</" in low:
            return "html"  # a fragment of markup without the usual document tags
    if _looks_like_script(text):
        return "script"
    if canonical_type(ext) == "script":
        return "script"  # Windows runs it by its name; its content is text an interpreter reads
    if any(m in low[:512] for m in ("<!doctype html", "<html")):
        return "html"
    return "txt"


def _looks_like_script(text: str) -> bool:
    lines = [ln.strip() for ln in text[:_SAMPLE].splitlines() if ln.strip()][:400]
    if not lines:
        return False
    if _SCRIPT_OPENERS.match(lines[0]):
        return True
    code = sum(1 for ln in lines if _CODE_LINE.search(ln))
    strong = sum(1 for ln in lines if _STRONG.search(ln))
    # prose sometimes ends a line with ";" or quotes a command; in code such lines are the rule
    return (code >= 2 and code >= 0.6 * len(lines)) or (strong >= 1 and code + strong >= 0.5 * len(lines))


# ---------------------------------------------------------------- libmagic

_MAGIC_MIME = {
    "application/x-dosexec": "exe", "application/x-msdownload": "exe",
    "application/vnd.microsoft.portable-executable": "exe",
    "application/x-executable": "elf", "application/x-sharedlib": "elf", "application/x-pie-executable": "elf",
    "application/x-mach-binary": "macho", "application/x-ms-shortcut": "lnk",
    "application/x-java-applet": "class",
    "audio/mpeg": "mp3", "audio/x-wav": "wav", "audio/flac": "flac", "audio/ogg": "ogg", "audio/x-m4a": "m4a",
    "audio/midi": "mid", "audio/x-hx-aac-adts": "aac", "audio/amr": "amr",
    "video/mpeg": "mpg", "video/mp4": "mp4", "video/quicktime": "mov", "video/x-msvideo": "avi",
    "video/x-ms-asf": "wmv", "video/x-matroska": "mkv", "video/webm": "webm", "video/x-flv": "flv",
    "video/mp2t": "ts", "video/3gpp": "3gp",
    "image/heic": "heic", "image/avif": "avif", "image/webp": "webp",
}


def _by_libmagic(data: bytes) -> str | None:
    try:
        import magic
    except ImportError:  # libmagic missing: our own table has decided what it can
        return None
    try:
        mime = magic.from_buffer(data[:1 << 20], mime=True)
    except Exception:  # a libmagic failure is not the file's fault
        return None
    return _MAGIC_MIME.get(mime)
