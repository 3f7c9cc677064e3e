"""Speed and accuracy of the red-seal search on generated 150 dpi pages.

    .venv/bin/python bench/seal.py [-n 200] [--seed 7] [--dpi 150] [-v]

Half the pages carry a seal (random ink colour and fading, size 28-45 mm,
rotation, skew, JPEG quality, signature over it), half do not (red titles,
underlines, the KHẨN box, a registration box, a square red logo, a filled red
block, a circle drawn around a word, a filled red disc with a star, big red
digits, event photos with banners and flags, grayscale scans of a sealed page).
Pages are generated first; only find_seals is timed (CPU time, OpenCV on one thread).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import cv2  # noqa: E402
from PIL import Image  # noqa: E402

from tests import seal_pictures as sp  # noqa: E402
from tinbai.extract.seal import find_seals  # noqa: E402

INKS = [sp.RED, sp.FADED_PINK, sp.PURPLISH, sp.ORANGE_RED, (190, 40, 70), (225, 110, 120)]
NEGATIVES = ["plain", "title", "underline", "khan", "register", "logo", "block", "photo", "grayscale", "all_red",
             "ring", "disc", "digits"]


def positive(rng: random.Random, dpi: float) -> tuple[str, Image.Image, float | None]:
    ink = rng.choice(INKS)
    page, _ = sp.sealed_page(rng, dpi, diameter_mm=rng.uniform(28, 45), ink=ink, noise=rng.uniform(0.1, 0.5),
                             signed=rng.random() < 0.8, rotate=rng.uniform(0, 360))
    kind = "seal"
    if rng.random() < 0.3:
        page = sp.skew(page, rng.uniform(0.75, 0.95), rng.uniform(-0.12, 0.12))
        kind += "+skew"
    if rng.random() < 0.3:
        page = sp.red_title(page, dpi)
        kind += "+title"
    return kind, sp.jpeg(page, rng.randint(45, 90)), dpi


def negative(rng: random.Random, dpi: float) -> tuple[str, Image.Image, float | None]:
    kind = rng.choice(NEGATIVES)
    if kind == "photo":
        return kind, sp.event_photo(rng, rng.choice([800, 1024, 1600]), rng.choice([533, 682, 1067])), None
    if kind == "grayscale":
        page, _ = sp.sealed_page(rng, dpi)
        return kind, sp.jpeg(page, 75).convert("L"), dpi
    page = sp.text_page(rng, dpi)
    draw = {"title": [sp.red_title], "underline": [sp.red_underline], "khan": [sp.khan_box],
            "register": [sp.red_rectangle], "logo": [sp.red_square_logo],
            "block": [lambda p, d: sp.red_rectangle(p, d, filled=True)],
            "ring": [sp.red_ring], "disc": [sp.red_disc], "digits": [sp.red_digits],
            "all_red": [sp.red_title, sp.red_underline, sp.khan_box, sp.red_rectangle, sp.red_square_logo],
            "plain": []}[kind]
    for f in draw:
        page = f(page, dpi)
    return kind, sp.jpeg(page, rng.randint(45, 90)), dpi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="pages (half with a seal)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dpi", type=float, default=150)
    ap.add_argument("-v", action="store_true", help="list the pages judged wrongly")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pages = [(True, *positive(rng, args.dpi)) if i % 2 == 0 else (False, *negative(rng, args.dpi))
             for i in range(args.n)]
    wrong: Counter[str] = Counter()
    total: Counter[str] = Counter()
    cv2.setNumThreads(1)  # one core, as in a parsing worker
    elapsed = 0.0
    for i, (want, kind, img, dpi) in enumerate(pages):
        start = time.process_time()  # CPU time: other processes on the machine do not count
        got = bool(find_seals(img, dpi))
        elapsed += time.process_time() - start
        base = kind.split("+")[0]
        total[base] += 1
        if got != want:
            wrong[base] += 1
            if args.v:
                print(f"  page {i}: {kind} judged {'sealed' if got else 'unsealed'}")
    right = args.n - sum(wrong.values())
    pos = sum(1 for p in pages if p[0])
    fn = wrong["seal"]
    fp = sum(wrong.values()) - fn
    print(f"pages: {args.n} at {args.dpi:g} dpi, {elapsed / args.n * 1000:.1f} ms/page, "
          f"{args.n / elapsed:.1f} pages/s (find_seals only, CPU time, one thread)")
    print(f"accuracy: {right}/{args.n} = {right / args.n:.1%}; missed seals {fn}/{pos}, "
          f"false seals {fp}/{args.n - pos}")
    for kind in sorted(total):
        print(f"  {kind:10s} {total[kind] - wrong[kind]:4d}/{total[kind]:<4d} right")


if __name__ == "__main__":
    main()
