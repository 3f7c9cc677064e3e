"""Fingerprints for content.duplicate (thainguyen/haiduong Art. 10.2.d: content already posted).

Three kinds of sameness: the same file (sha256), the same text after
normalisation (NFC, case, spacing; diacritics kept, since "Hà" and "Hạ" are
different words), and nearly the same text (a few words edited) by MinHash over
word 3-shingles with LSH bands, so that a lookup reads only the few earlier items that
share a band instead of comparing every one. The MinHash is datasketch's (its affine32
scheme, seed 1), computed here in numpy with its steps: importing datasketch imports
scipy, ~50 MB in the daemon's memory for three small functions (issue 18: the whole tree
under 300 MB). A test holds every row to datasketch's own MinHash.

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
import re
import struct
import unicodedata

import numpy as np

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: items with Jaccard >= ~0.45 share a band with high probability
ROWS = NUM_PERM // BANDS
MIN_WORDS = 40  # shorter texts (a greeting and a signature) say nothing about sameness
MIN_FILE_BYTES = 8192  # smaller files are logos and signature images, repeated in every email
_WORD = re.compile(r"\w+", re.UNICODE)
# a sentence ends at . ! ? … or ; followed by a space, or at the end of a line ("1.000", "20/4" stay whole)
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+")


MIN_LINE_WORDS = 8  # greetings, signature lines and headings are short; an article's sentences are not


def _prose_lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text or "").casefold()
    return [line for line in text.splitlines() if len(_WORD.findall(line)) >= MIN_LINE_WORDS]


def normalise_text(text: str) -> str:
    """The words of the text's prose lines: NFC, case-folded, punctuation and spacing dropped
    (diacritics kept). Short lines (a greeting, the sender's signature block) are left out so that
    the same article sent with another greeting or in another envelope is still the same."""
    return " ".join(w for line in _prose_lines(text) for w in _WORD.findall(line))


def sentences(text: str) -> list[list[str]]:
    """The words of each sentence of the prose lines, each distinct sentence once, in order."""
    seen: set[tuple[str, ...]] = set()
    out = []
    for line in _prose_lines(text):
        for part in _SENTENCE_END.split(line):
            words = _WORD.findall(part)
            if words and tuple(words) not in seen:
                seen.add(tuple(words))
                out.append(words)
    return out


SEED = 1
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@functools.cache
def _permutations() -> np.ndarray:
    """The seed's affine permutations h -> a*h + b mod 2**32 (a odd), drawn as datasketch's
    MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32") draws them; made once."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return np.array([a, b])


def _sha1_hash32(data: bytes) -> int:
    """datasketch.hashfunc.sha1_hash32: the first 4 bytes of SHA-1, little-endian."""
    return struct.unpack("<I", hashlib.sha1(data).digest()[:4])[0]


def _fmix(hv: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finaliser, the affine32 scheme's pre-mix (wraps modulo 2**32)."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


def _shingles(words: list[str]) -> list[bytes]:
    return list({" ".join(words[i:i + 3]).encode("utf-8") for i in range(max(1, len(words) - 2))})


def sentence_sketches(parts: list[list[str]]) -> np.ndarray:
    """One MinHash row per sentence (its word 3-shingles): the article's MinHash is their minimum.

    datasketch's own steps for its affine32 scheme (sha1_hash32, the MurmurHash3 pre-mix, the seed's
    affine permutations modulo 2**32), applied to all the article's shingles in one numpy pass and
    reduced per sentence: a MinHash object per sentence cost three times the hashing itself. A test
    holds these rows to datasketch's MinHash of each sentence."""
    groups = [_shingles(words) for words in parts]
    hashed = np.array([_sha1_hash32(s) for group in groups for s in group], dtype=np.uint32).reshape(-1, 1)
    a, b = _permutations()
    permuted = _fmix(hashed) * a + b  # uint32: wraps modulo 2**32 as the scheme does
    starts = np.cumsum([0] + [len(group) for group in groups[:-1]])
    return np.minimum.reduceat(permuted, starts, axis=0)


def sentence_key(words: list[str]) -> str:
    return hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=8).hexdigest()


def text_fingerprint(body: str, attachment_texts: list[str]) -> dict:
    """The article is the longest text: an attached document's, or the body's when it carries it.

    "minhash"/"bands" are the whole article's; "sentences" (their keys), "words" (their lengths)
    and "sketches" (their MinHash rows) let the history leave the common ones out."""
    texts = [body, *attachment_texts]
    normalised = [normalise_text(t) for t in texts]
    longest = max(range(len(texts)), key=lambda i: len(normalised[i]))
    article = normalised[longest]
    if len(article.split()) < MIN_WORDS:
        return {}
    parts = sentences(texts[longest])
    sketches = sentence_sketches(parts)
    values = [int(v) for v in sketches.min(axis=0)]
    return {
        "text_sha": hashlib.sha256(article.encode("utf-8")).hexdigest(),
        "minhash": values,
        "bands": band_keys(values),
        "sentences": [sentence_key(words) for words in parts],
        "words": [len(words) for words in parts],
        "sketches": sketches,
    }


def signature_without(fp: dict, common: set[str]) -> list[int] | None:
    """The article's MinHash without its common sentences (boilerplate), or None when what is left
    is too short to say anything about sameness."""
    keep = [i for i, key in enumerate(fp.get("sentences", [])) if key not in common]
    if sum(fp["words"][i] for i in keep) < MIN_WORDS:
        return None
    return [int(v) for v in fp["sketches"][keep].min(axis=0)]


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
    return float(np.mean(np.asarray(a) == np.asarray(b)))


def similarities(signature: list[int], others: list[list[int]]) -> np.ndarray:
    """Estimated Jaccard similarity of one signature to each of many, in one numpy comparison."""
    if not others:
        return np.zeros(0)
    return (np.asarray(others, dtype=np.int64) == np.asarray(signature, dtype=np.int64)).mean(axis=1)
