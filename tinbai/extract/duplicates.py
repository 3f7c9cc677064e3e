"""Fingerprints for content.duplicate (thainguyen/haiduong Art. 10.2.d: content already posted).

Three kinds of sameness: the same file (sha256), the same text after
normalisation (NFC, case, spacing; diacritics kept, since "Hà" and "Hạ" are
different words), and nearly the same text (a few words edited) by MinHash over
word 3-shingles with LSH bands, so that a lookup reads only the few earlier items that
share a band instead of comparing every one. The MinHash is datasketch's (its affine32
scheme, seed 1), computed here with its steps in plain Python: importing datasketch imports
scipy, ~50 MB in the daemon's memory for three small functions, and numpy alone ~10 MB (issue 18:
the whole tree under 300 MB). A test holds every row to datasketch's own MinHash.

Boilerplate does not count toward sameness: the same units send the same greetings,
signature blocks and standard phrases for years, and two items that share only those
are not the same article. So the text is cut into sentences, each sentence gets its
own MinHash (a set's MinHash is the element-wise minimum of its parts'), and the
history (tinbai.queue.history) drops the sentences that many earlier items contain
before the signature is made: `signature_without`.
"""

from __future__ import annotations

import functools
import hashlib
import random
import re
import struct
import unicodedata
from collections.abc import Iterable

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: items with Jaccard >= ~0.45 share a band with high probability
ROWS = NUM_PERM // BANDS
MIN_WORDS = 40  # shorter texts (a greeting and a signature) say nothing about sameness
MIN_FILE_BYTES = 8192  # smaller files are logos and signature images, repeated in every email
_WORD = re.compile(r"\w+", re.UNICODE)
# a sentence ends at . ! ? … or ; followed by a space, or at the end of a line ("1.000", "20/4" stay whole)
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")


MIN_LINE_WORDS = 8  # greetings, signature lines and headings are short; an article's sentences are not


def _prose_lines(text: str) -> list[tuple[str, list[str]]]:
    """The text's prose lines (NFC, case-folded) with their words."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    return [(line, words) for line in text.splitlines() if len(words := _WORD.findall(line)) >= MIN_LINE_WORDS]


def normalise_text(text: str) -> str:
    """The words of the text's prose lines: NFC, case-folded, punctuation and spacing dropped
    (diacritics kept). Short lines (a greeting, the sender's signature block) are left out so that
    the same article sent with another greeting or in another envelope is still the same."""
    return _joined(_prose_lines(text))


def _joined(prose: list[tuple[str, list[str]]]) -> str:
    return " ".join(w for _line, words in prose for w in words)


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence of the prose lines, each distinct sentence once, in order."""
    return _sentences_of(_prose_lines(text))


def _sentences_of(prose: list[tuple[str, list[str]]]) -> list[list[str]]:
    seen: set[tuple[str, ...]] = set()
    out = []
    for line, _words in prose:
        for part in _SENTENCE_END.split(line):
            words = _WORD.findall(part)
            if words and tuple(words) not in seen:
                seen.add(tuple(words))
                out.append(words)
    return out


SEED = 1
_MASK32 = 0xFFFFFFFF
# Each shingle's 128 permuted hashes a*h + b come from one multiplication of Python integers: the
# 128 a's packed in 64-bit lanes of one big integer, the b's in another. a, h and b are below 2**32,
# so a*h + b < 2**64 stays in its lane, and its lower 32 bits are the value modulo 2**32 the
# scheme takes (bench/memory.py: numpy was ~10 MB of the daemon's memory for this alone).
_LANE_BYTES = 8


def _mt19937_words(seed: int, n: int) -> list[int]:
    """The first n 32-bit outputs of MT19937 seeded as numpy's RandomState(seed) seeds it
    (init_genrand), read through the standard library's Mersenne Twister."""
    state = [seed & _MASK32]
    for i in range(1, 624):
        state.append((1812433253 * (state[-1] ^ (state[-1] >> 30)) + i) & _MASK32)
    gen = random.Random()
    gen.setstate((3, (*state, 624), None))
    return [gen.getrandbits(32) for _ in range(n)]


def _pack(values: list[int]) -> int:
    return int.from_bytes(b"".join(v.to_bytes(_LANE_BYTES, "little") for v in values), "little")


@functools.cache
def _permutations() -> tuple[int, int]:
    """The seed's affine permutations h -> a*h + b mod 2**32 (a odd) as datasketch's
    MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32") draws them (numpy's
    RandomState(SEED).randint: a 32-bit draw each, masked to 31 bits for a), packed in lanes."""
    words = _mt19937_words(SEED, 2 * NUM_PERM)
    a = [(w & 0x7FFFFFFF) * 2 + 1 for w in words[:NUM_PERM]]
    return _pack(a), _pack(words[NUM_PERM:])


def _sha1_hash32(data: bytes) -> int:
    """datasketch.hashfunc.sha1_hash32: the first 4 bytes of SHA-1, little-endian."""
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


def _fmix(h: int) -> int:
    """The MurmurHash3 32-bit finaliser, the affine32 scheme's pre-mix (modulo 2**32)."""
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _MASK32
    return h ^ (h >> 16)


def _shingles(words: list[str]) -> list[bytes]:
    return list({" ".join(words[i:i + 3]).encode("utf-8") for i in range(max(1, len(words) - 2))})


# bit 32 of each lane, and the lower 32 bits of each lane
_GUARD = _pack([1 << 32] * NUM_PERM)
_LOW32 = _pack([_MASK32] * NUM_PERM)


def _lane_min(x: int, y: int) -> int:
    """In each lane, the smaller of x's and y's values (below 2**32), all lanes in a few integer
    operations: (x | 2**32) - y stays within its lane and keeps bit 32 where x >= y."""
    ge = ((x | _GUARD) - y) & _GUARD
    take_y = ge - (ge >> 32)  # the lower 32 bits set in the lanes where x >= y
    return x ^ ((x ^ y) & take_y)


def _minimum(rows: Iterable[int]) -> list[int]:
    """The lane-wise minimum of MinHash rows (the MinHash of the union of their sets), as values:
    a few integer operations a row (_lane_min), where a minimum over the 128 columns of Python
    values was ~140 µs for an article's rows."""
    least = None
    for row in rows:
        least = row if least is None else _lane_min(least, row)
    return row_values(least) if least is not None else []


def row_values(row: int) -> list[int]:
    """A row packed in lanes (see _LANE_BYTES) as its NUM_PERM values."""
    return list(memoryview(row.to_bytes(NUM_PERM * _LANE_BYTES, "little")).cast("I")[::2])


def _sketch(words: list[str], a: int, b: int) -> int:
    """The sentence's MinHash row, packed in lanes: each permutation's minimum over its shingles,
    the shingles' a*h + b mod 2**32 (see _LANE_BYTES) reduced lane by lane as packed integers."""
    row = 0
    for i, shingle in enumerate(_shingles(words)):
        permuted = (_fmix(_sha1_hash32(shingle)) * a + b) & _LOW32
        row = permuted if i == 0 else _lane_min(row, permuted)
    return row


def sentence_sketches(parts: list[list[str]]) -> list[int]:
    """One MinHash row per sentence (its word 3-shingles), packed in lanes (row_values gives its
    values): the article's MinHash is their minimum (_minimum).

    datasketch's own steps for its affine32 scheme (sha1_hash32, the MurmurHash3 pre-mix, the seed's
    affine permutations modulo 2**32), all 128 permutations of a shingle at once (_sketch): a MinHash
    object per sentence cost three times the hashing itself. A test holds these rows to
    datasketch's MinHash of each sentence. The rows are shared (_sentence_sketch): never changed."""
    return [_sentence_sketch(" ".join(words)) for words in parts]


# The same sentences come back message after message: a unit's greetings, its closing and
# signature lines, the agency's standard phrases (issue 18: the boilerplate of years). Their rows
# are kept rather than hashed again (~60-100 µs a sentence, a cache hit ~1 µs); 2,048 of them are
# ~2.5 MB (a 1-KB packed row and its sentence).
SKETCH_CACHE = 2048


@functools.lru_cache(maxsize=SKETCH_CACHE)
def _sentence_sketch(sentence: str) -> int:
    a, b = _permutations()
    return _sketch(sentence.split(" "), a, b)


def sentence_key(words: list[str]) -> str:
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()


def text_fingerprint(body: str, attachment_texts: list[str]) -> dict:
    """The article is the longest text: an attached document's, or the body's when it carries it.

    "minhash"/"bands" are the whole article's; "sentences" (their keys), "words" (their lengths)
    and "sketches" (their MinHash rows) let the history leave the common ones out."""
    # each text's prose lines are read once, for the longest and then for its sentences
    prose = [_prose_lines(t) for t in [body, *attachment_texts]]
    normalised = [_joined(lines) for lines in prose]
    longest = max(range(len(prose)), key=lambda i: len(normalised[i]))
    article = normalised[longest]
    if sum(len(words) for _line, words in prose[longest]) < MIN_WORDS:
        return {}
    parts = _sentences_of(prose[longest])
    sketches = sentence_sketches(parts)
    values = _minimum(sketches)
    return {
        "text_sha": hashlib.sha256(article.encode("utf-8")).hexdigest(),
        "minhash": values,
        "bands": band_keys(values),
        "sentences": [sentence_key(words) for words in parts],
        "words": [len(words) for words in parts],
        "sketches": sketches,  # packed rows (row_values): not stored, made again
    }


def signature_without(fp: dict, common: set[str]) -> list[int] | None:
    """The article's MinHash without its common sentences (boilerplate), or None when what is left
    is too short to say anything about sameness."""
    keep = [i for i, key in enumerate(fp.get("sentences", [])) if key not in common]
    if sum(fp["words"][i] for i in keep) < MIN_WORDS:
        return None
    return _minimum(fp["sketches"][i] for i in keep)


def band_keys(values: list[int]) -> list[str]:
    keys = []
    for b in range(BANDS):
        chunk = ",".join(str(v) for v in values[b * ROWS:(b + 1) * ROWS])
        keys.append(f"{b}:{hashlib.blake2b(chunk.encode(), digest_size=8).hexdigest()}")
    return keys


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def similarities(signature: list[int], others: list[list[int]]) -> list[float]:
    """Estimated Jaccard similarity of one signature to each of many (at most the history's cap)."""
    return [similarity(signature, other) for other in others]
