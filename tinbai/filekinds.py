"""The vocabulary of file kinds: the `detected_type` names of the check report, grouped.

Defined once here and imported by the parsers, the rules and the web pages, so that "a
picture" or "an archive" means the same set of types everywhere.
"""

from __future__ import annotations

DOCUMENT_TYPES = frozenset({
    "pdf", "docx", "docm", "doc", "xlsx", "xlsm", "xlsb", "xls", "pptx", "pptm", "ppt",
    "odt", "ods", "odp", "rtf", "txt", "html", "xml", "svg", "msg",
})  # fmt: skip
IMAGE_TYPES = frozenset({"jpg", "png", "gif", "bmp", "tiff", "webp", "heic", "avif"})
AUDIO_TYPES = frozenset({"mp3", "wma", "wav", "ogg", "m4a", "flac", "aac", "amr", "mid"})
VIDEO_TYPES = frozenset({"mpg", "mp4", "mov", "avi", "wmv", "webm", "mkv", "flv", "3gp", "ts"})
ARCHIVE_TYPES = frozenset({"zip", "rar", "7z", "gz", "bz2", "xz", "tar", "cab"})
# disk images: a CD/DVD image (ISO 9660, UDF) and raw or virtual disks (.img, .vhd, .vmdk…);
# Windows opens them as a drive with one click, and no regulation lists them
DISK_IMAGE_TYPES = frozenset({"iso", "img"})
# programs and scripts, whatever the name says (attachment.executable)
EXECUTABLE_TYPES = frozenset({"exe", "elf", "macho", "script", "lnk", "jar", "apk", "class", "msi"})
# Office formats that carry VBA by definition (attachment.macro)
MACRO_TYPES = frozenset({"docm", "xlsm", "xlsb", "pptm"})
TYPES = (
    DOCUMENT_TYPES | IMAGE_TYPES | AUDIO_TYPES | VIDEO_TYPES | ARCHIVE_TYPES | EXECUTABLE_TYPES | DISK_IMAGE_TYPES
) | {"empty", "unknown"}

# Pictures that Pillow and OpenCV decode: searched for a seal, shown in the pages, and what
# counts as a photo (kontum Art. 9.1.b). HEIC/AVIF are typed but not decoded here.
PICTURE_TYPES = frozenset({"jpg", "png", "gif", "bmp", "tiff", "webp"})
OFFICE_TYPES = frozenset({"doc", "docx", "docm", "xls", "xlsx", "xlsm", "ppt", "pptx", "pptm",
                          "odt", "ods", "odp", "rtf"})
OOXML_TYPES = frozenset({"docx", "docm", "xlsx", "xlsm", "pptx", "pptm"})
# archives whose members are read (the others are typed only)
READABLE_ARCHIVE_TYPES = frozenset({"zip", "rar", "7z"})
