"""Find the round red seal (con dấu đỏ) on a scanned page or a picture.

The search runs on a copy of the page reduced to about 72 dpi: a seal is 30-45 mm
across, about a hundred pixels at that resolution, plenty to judge its outline,
and a whole page costs some 15 ms.

1. Colour: the paper colour is measured and divided out when it looks like
   paper (cream paper, a scanner's colour cast); a pixel is seal ink when it is
   clearly chromatic with a hue between purple-magenta and orange-red, or
   faintly so right next to such a pixel (the faded parts of a ring). Pinkish
   and purplish ink passes; black text, blue signatures, skin tones, grey JPEG
   noise and a grayscale scan do not.
2. Grouping: a morphological closing joins the ring, the letters around it and
   the star into one blob (a narrow pass, then a wider one for a faint seal
   whose ring broke into arcs); blobs far from the physical size of a seal are
   dropped (from the dpi, or relative to the picture when it is unknown).
3. Shape: an ellipse (not a circle: skewed scans and photos squash the seal)
   is fitted to the outermost red pixel in every direction from the blob's
   centre. A seal's outer edge stays on that ellipse nearly all the way round,
   except where a signature or black text hides the ink; a box, a logo, a
   banner, a line or a word does not. And a seal is ink on paper: rings, thin
   letters and something in the middle (a star, an emblem, words), where a red
   logo, a filled disc, a face or a red shirt is a solid area, and a circle
   drawn around a word or a big "0" is empty in the middle.

The family: search (find_seals: the working copy, the seal's size; red_ink, the page's red ink
worked out once for the seal and for boxed stamps), ink (step 1), shape (steps 2 and 3) and
boxed (the rectangular red stamps under a document's number: the state-secret and urgency marks).
"""

from tinbai.extract.seal.boxed import boxed_stamps, dark_ink
from tinbai.extract.seal.ink import red_mask
from tinbai.extract.seal.search import (
           WORK_DPI,
           PageInk,
           find_seals,
           has_red_seal,
           red_ink,
           seal_candidates,
           seals_in,
)
from tinbai.extract.seal.shape import Candidate

__all__ = ["WORK_DPI", "Candidate", "PageInk", "boxed_stamps", "dark_ink", "find_seals", "has_red_seal", "red_ink", "red_mask",
           "seal_candidates", "seals_in"]
