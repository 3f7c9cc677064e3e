"""One email message: its MIME structure parsed (mime), its headers decoded (headers), its From
read (addresses), and the sender's own text told from quoted replies (replies) and forwarded
messages (forwards). Everything that reads a message's headers or splits its replies goes through here.
"""

from tinbai.message.addresses import EMAIL_RE, address_list, parse_from
from tinbai.message.forwards import Forward, forwarded_part, without_quoted_reply
from tinbai.message.headers import HeaderDecoder, decode_header_value, message_ids
from tinbai.message.mime import (
    DEFECT_NOTES,
    STRUCTURAL_DEFECTS,
    ParsedMessage,
    RawAttachment,
    decode_text,
    is_malformed,
    parse_message,
)
from tinbai.message.replies import (
    header_kind,
    is_forward_subject,
    is_quoted_header_line,
    is_reply_header,
    own_lines,
)

__all__ = [
    "DEFECT_NOTES",
    "EMAIL_RE",
    "Forward",
    "HeaderDecoder",
    "STRUCTURAL_DEFECTS",
    "ParsedMessage",
    "RawAttachment",
    "address_list",
    "decode_header_value",
    "decode_text",
    "forwarded_part",
    "header_kind",
    "is_forward_subject",
    "is_malformed",
    "is_quoted_header_line",
    "is_reply_header",
    "message_ids",
    "own_lines",
    "parse_from",
    "parse_message",
    "without_quoted_reply",
]
