"""File names and MIME names: what an extension claims, and the MIME type of a detected type."""

from __future__ import annotations

import re

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
    "iso": "application/x-iso9660-image",
    "img": "application/x-raw-disk-image",
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
    "udf": "iso", "vhd": "img", "vhdx": "img", "vmdk": "img", "qcow2": "img", "qcow": "img", "ima": "img",
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
