"""Who sent a submission, and whether the sender stated what the regulation asks.

Every regulation asks the sender of a submission to identify themselves:
- thainguyen / haiduong Art. 8.2: full name (họ tên), job title (chức danh), email and
  phone or postal address;
- binhphuoc Art. 9.1.b: agency/unit (cơ quan, đơn vị), full name, job title *if any*, email,
  phone or postal address;
- kontum Art. 9.1.c: full name, agency/unit, job title *if any*, phone or address;
- hungyen states nothing and follows the thainguyen rule.
Which of these a profile requires is data (Profile.required_sender); the article cited in
each problem is the profile's (Profile.article_for).

`extract_sender` reads the display name and address of From (parsed once by tinbai.message)
and the sender's own signature block (plain body, else the HTML body as text), ignoring
quoted replies and forwarded parts, and fills gaps from the profile's contributors
directory; pure. The rules that ask for each detail are tinbai.rules.sender.

A forwarded message's author is read the same way into `extract_original_sender`, apart.

The family: identity (extract_sender, extract_original_sender), forwarded
(the forwarder's signature above or below a forwarded part), block (the sender's own signature
block), pieces (what each piece of a signature is), names (a person's name), phones, words
(the lexicon's words as patterns).
"""

from tinbai.extract.sender.identity import extract_original_sender, extract_sender
from tinbai.extract.sender.names import looks_like_person_name
from tinbai.extract.sender.phones import find_phones

__all__ = ["extract_original_sender", "extract_sender", "find_phones", "looks_like_person_name"]
