"""Fixed signatures (magic numbers): programs, documents, pictures, archives, audio and video.

"ole" and "zip" are containers: what they hold is told by tinbai.parsers.sniff.containers.
"""

from __future__ import annotations

import struct

from tinbai.parsers.sniff.text import CONTROL


def by_signature(data: bytes) -> str | None:
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
        if b"This program" in data[:512] or any(b in CONTROL for b in head[2:32]):
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


# where a CD/DVD image's volume descriptors start (ISO 9660 and UDF), past 32 KB of system area
_VOLUME_DESCRIPTOR_AT = (0x8001, 0x8801, 0x9001)
_VOLUME_IDS = (b"CD001", b"BEA01", b"NSR02", b"NSR03", b"TEA01")
# file systems a boot sector names (FAT12/16 at 54, FAT32 at 82, NTFS and exFAT at 3)
_BOOT_SECTOR_IDS = ((54, b"FAT12"), (54, b"FAT16"), (54, b"FAT  "), (82, b"FAT32"), (3, b"NTFS    "),
                    (3, b"EXFAT   "))


def _sig_disk_images(data: bytes, head: bytes) -> str | None:
    if any(data[at:at + 5] in _VOLUME_IDS for at in _VOLUME_DESCRIPTOR_AT):
        return "iso"
    if head[:8] in (b"conectix", b"vhdxfile") or head[:4] in (b"KDMV", b"QFI\xfb"):
        return "img"  # VHD, VHDX, VMDK, QCOW virtual disks
    if data[512:520] == b"EFI PART":
        return "img"  # a GPT-partitioned disk
    if len(data) >= 512 and data[510:512] == b"\x55\xaa":
        if data[0] in (0xEB, 0xE9) and any(data[at:at + len(fs)] == fs for at, fs in _BOOT_SECTOR_IDS):
            return "img"  # a floppy or partition image with a FAT/NTFS/exFAT boot sector
        entries = [data[446 + 16 * k:462 + 16 * k] for k in range(4)]
        if any(e[4] for e in entries) and all(e[0] in (0, 0x80) for e in entries):
            return "img"  # a disk with an MBR partition table: boot flags 0/0x80, a partition type
    return None


_SIGNATURE_CHECKS = (_sig_exec, _sig_documents, _sig_images, _sig_archives, _sig_media, _sig_disk_images)
