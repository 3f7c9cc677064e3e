"""How guessable a new password is: zxcvbn's estimate (patterns, keyboard walks, repeats, dates,
common passwords and words, the user's own email and name), not a list of our own; its feedback
is English, so each of its fixed messages is given here in Vietnamese.

Run in a child process (tinbai.web.passwords asks through tinbai.apart): the daemon never
imports zxcvbn.
"""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

# zxcvbn's scores run 0–4; 3 is "safely unguessable" against an online attacker and a slow hash
MIN_SCORE = 3
# zxcvbn reads at most this much; a longer password is not checked further (and is strong anyway)
_ZXCVBN_MAX = 100

# zxcvbn's feedback, word for word (zxcvbn/feedback.py), in Vietnamese
_FEEDBACK_VI = {
    "Straight rows of keys are easy to guess.": "Một hàng phím liền nhau rất dễ đoán.",
    "Short keyboard patterns are easy to guess.": "Các đường phím ngắn trên bàn phím rất dễ đoán.",
    'Repeats like "aaa" are easy to guess.': "Lặp một ký tự (như “aaa”) rất dễ đoán.",
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        "Lặp một cụm (như “abcabcabc”) chỉ khó đoán hơn “abc” một chút.",
    'Sequences like "abc" or "6543" are easy to guess.': "Dãy liên tiếp (như “abc” hay “6543”) rất dễ đoán.",
    "Recent years are easy to guess.": "Các năm gần đây rất dễ đoán.",
    "Dates are often easy to guess.": "Ngày tháng thường rất dễ đoán.",
    "This is a top-10 common password.": "Đây là một trong 10 mật khẩu phổ biến nhất.",
    "This is a top-100 common password.": "Đây là một trong 100 mật khẩu phổ biến nhất.",
    "This is a very common password.": "Đây là mật khẩu rất phổ biến.",
    "This is similar to a commonly used password.": "Mật khẩu này gần giống một mật khẩu phổ biến.",
    "A word by itself is easy to guess.": "Một từ đứng riêng rất dễ đoán.",
    "Names and surnames by themselves are easy to guess.": "Họ, tên đứng riêng rất dễ đoán.",
    "Common names and surnames are easy to guess.": "Họ, tên phổ biến rất dễ đoán.",
    "Use a few words, avoid common phrases.": "Hãy ghép vài từ, tránh các cụm từ quen thuộc.",
    "No need for symbols, digits, or uppercase letters.": "Không cần ký hiệu, chữ số hay chữ hoa.",
    "Add another word or two. Uncommon words are better.": "Thêm một hai từ nữa, càng ít gặp càng tốt.",
    "Use a longer keyboard pattern with more turns.": "Dùng đường phím dài hơn, nhiều chỗ rẽ hơn.",
    "Avoid repeated words and characters.": "Tránh lặp lại từ và ký tự.",
    "Avoid sequences.": "Tránh các dãy liên tiếp.",
    "Avoid recent years.": "Tránh các năm gần đây.",
    "Avoid years that are associated with you.": "Tránh các năm gắn với bản thân.",
    "Avoid dates and years that are associated with you.": "Tránh ngày, năm gắn với bản thân.",
    "Capitalization doesn't help very much.": "Viết hoa chữ đầu không giúp được bao nhiêu.",
    "All-uppercase is almost as easy to guess as all-lowercase.": "Viết hoa toàn bộ cũng dễ đoán như viết thường.",
    "Reversed words aren't much harder to guess.": "Viết ngược một từ không khó đoán hơn bao nhiêu.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.":
        "Thay ký tự dễ đoán (như “@” thay “a”) không giúp được bao nhiêu.",
}


def weakness(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why `password` is too easy to guess (Vietnamese), or None when it is strong enough.
    `user_inputs`: the account's own words (email, name), which make a password weak too."""
    words = [w for raw in user_inputs if raw for w in [raw, *raw.replace("@", " ").replace(".", " ").split()]]
    result = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    said = [feedback.get("warning") or "", *(feedback.get("suggestions") or [])]
    reasons = [_FEEDBACK_VI.get(s, "") for s in said if s]
    reasons = [r for r in dict.fromkeys(reasons) if r]
    return " ".join(["Mật khẩu mới quá dễ đoán.", *reasons] if reasons else
                    ["Mật khẩu mới quá dễ đoán: hãy dùng một câu ngắn gồm vài từ ít gặp."])
