"""Cost and accuracy of the search for the boxed state-secret stamp (MẬT, TỐI MẬT, TUYỆT MẬT).

    .venv/bin/python bench/secrecy.py [-n 120] [--seed 7] [--dpi 150] [-v]

The search runs on every picture and page the seal search looks at, on the red ink that search
has already worked out (tinbai.extract.seal.red_ink). Its own cost is the frame search
(tinbai.extract.seal.boxed_stamps), timed here against the seal search on the same pages in the
same run; the OCR of a frame's word runs only where a frame is found, and is timed apart.
Pages: a third carry a state-secret stamp (random word, ink, fading), a third an urgency stamp
(KHẨN, THƯỢNG KHẨN, HỎA TỐC: the same shape, not secret), a third none (a seal, red titles, a
registration box, event photos); then the same pages scanned in grey, where the frames are
searched in the dark ink (dark_ink). CPU time, OpenCV on one thread, as in a parsing worker.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import cv2  # noqa: E402
from PIL import Image  # noqa: E402

from tests import seal_pictures as sp  # noqa: E402
from tinbai.extract.seal import boxed_stamps, dark_ink, red_ink, seals_in  # noqa: E402
from tinbai.extract.stamp_words import secrecy_stamps  # noqa: E402

SECRET = ["MẬT", "TỐI MẬT", "TUYỆT MẬT"]
URGENT = ["KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]
INKS = [sp.RED, sp.ORANGE_RED, (190, 40, 70), (225, 110, 120)]


def page(rng: random.Random, i: int, dpi: float) -> tuple[str | None, str, Image.Image, float | None]:
    """(the secrecy level expected, what the page shows, the page, its dpi)."""
    kind = i % 3
    if kind == 2:
        other = rng.choice(["seal", "title", "register", "photo"])
        if other == "photo":
            return None, "photo", sp.event_photo(rng, 1024, 682), None
        base = sp.text_page(rng, dpi)
        img = {"seal": lambda: sp.sealed_page(rng, dpi)[0], "title": lambda: sp.red_title(base, dpi),
               "register": lambda: sp.red_rectangle(base, dpi)}[other]()
        return None, other, sp.jpeg(img, rng.randint(50, 90)), dpi
    word = rng.choice(SECRET if kind == 0 else URGENT)
    img = sp.secrecy_stamp(sp.text_page(rng, dpi), dpi, word, rng.choice(INKS), rng=rng,
                           at_mm=(rng.uniform(25, 50), rng.uniform(26, 32)), noise=rng.uniform(0.1, 0.5))
    return (word if kind == 0 else None), word, sp.jpeg(img, rng.randint(50, 90)), dpi


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=120, help="pages")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--dpi", type=float, default=150)
    ap.add_argument("-v", action="store_true", help="list the pages judged wrongly")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    pages = [page(rng, i, args.dpi) for i in range(args.n)]
    cv2.setNumThreads(1)
    seal_time = frame_time = read_time = 0.0
    frames = wrong = 0
    for want, what, img, dpi in pages:
        start = time.process_time()
        ink = red_ink(img, dpi)
        if ink is not None:
            seals_in(ink)
        seal_time += time.process_time() - start
        if ink is None:
            got = None
        else:
            start = time.process_time()
            found = boxed_stamps(ink)
            frame_time += time.process_time() - start
            frames += len(found)
            start = time.perf_counter()  # OCR runs in a child process: wall time
            marks, _ = secrecy_stamps(ink, 1, lambda img=img: img)
            read_time += time.perf_counter() - start
            got = marks[0].level if marks else None
        if got != want:
            wrong += 1
            if args.v:
                print(f"  {what}: expected {want}, got {got}")
    n = args.n
    print(f"pages: {n} at {args.dpi:g} dpi; seal search (with the red ink) {seal_time / n * 1000:.1f} ms/page; "
          f"frame search {frame_time / n * 1000:.2f} ms/page = {frame_time / seal_time:.1%} of the seal search")
    print(f"frames found: {frames}; reading them (OCR, wall time) {read_time / max(1, frames) * 1000:.0f} ms a frame")
    print(f"accuracy: {n - wrong}/{n} = {(n - wrong) / n:.1%} (secret stamps named, urgency stamps and other red "
          f"things not)")
    # the same pages scanned in grey (photos aside): the dark ink is worked out for the frames alone
    grey = [(want, what, img.convert("L"), dpi) for want, what, img, dpi in pages if what != "photo"]
    grey_time, grey_wrong = 0.0, 0
    for want, what, img, dpi in grey:
        start = time.process_time()
        ink = dark_ink(img, dpi)
        boxed_stamps(ink)
        grey_time += time.process_time() - start
        marks, _ = secrecy_stamps(ink, 1, lambda img=img: img)
        got = marks[0].level if marks else None
        if got != want:
            grey_wrong += 1
            if args.v:
                print(f"  grey {what}: expected {want}, got {got}")
    g = len(grey)
    print(f"grey scans: {g} pages, dark ink and frame search {grey_time / g * 1000:.2f} ms/page = "
          f"{grey_time / seal_time * n / g:.1%} of the seal search; accuracy {g - grey_wrong}/{g} = "
          f"{(g - grey_wrong) / g:.1%}")


if __name__ == "__main__":
    main()
