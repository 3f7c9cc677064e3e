"""Fingerprints for content.duplicate (thainguyen/haiduong Art. 10.2.d: content already posted).

Three kinds of sameness: the same file (sha256), the same text after
normalisation (NFC, case, spacing; diacritics kept, since "Hà" and "Hạ" are
different words), and nearly the same text (a few words edited) by MinHash over
word 3-shingles with LSH bands (the datasketch library), so that a lookup reads
only the few earlier items that share a band instead of comparing every one.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from datasketch import MinHash

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: items with Jaccard >= ~0.45 share a band with high probability
ROWS = NUM_PERM // BANDS
MIN_WORDS = 40  # shorter texts (a greeting and a signature) say nothing about sameness
MIN_FILE_BYTES = 8192  # smaller files are logos and signature images, repeated in every email
_WORD = re.compile(r"\w+", re.UNICODE)


MIN_LINE_WORDS = 8  # greetings, signature lines and headings are short; an article's sentences are not


def normalise_text(text: str) -> str:
    """The words of the text's prose lines: NFC, case-folded, punctuation and spacing dropped
    (diacritics kept). Short lines (a greeting, the sender's signature block) are left out so that
    the same article sent with another greeting or in another envelope is still the same."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    lines = (_WORD.findall(line) for line in text.splitlines())
    return " ".join(w for words in lines if len(words) >= MIN_LINE_WORDS for w in words)


_SCHEME = "affine32"  # datasketch 2's default; named because given permutations must say it


def _minhash(words: list[str]) -> MinHash:
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=_permutations(), scheme=_SCHEME)
    shingles = {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}
    m.update_batch([s.encode("utf-8") for s in shingles])
    return m


@functools.cache
def _permutations():
    """The seed's hash permutations, made once: MinHash draws them anew for every signature
    otherwise, which cost more than hashing the article's shingles."""
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME).permutations


def text_fingerprint(body: str, attachment_texts: list[str]) -> dict:
    """The article is the longest text: an attached document's, or the body's when it carries it."""
    candidates = [normalise_text(t) for t in [body, *attachment_texts]]
    article = max(candidates, key=len, default="")
    words = article.split()
    if len(words) < MIN_WORDS:
        return {}
    mh = _minhash(words)
    values = [int(v) for v in mh.hashvalues]
    return {
        "text_sha": hashlib.sha256(article.encode("utf-8")).hexdigest(),
        "minhash": values,
        "bands": band_keys(values),
    }


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
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)
