"""Unique Pupil Number (UPN) validation: the DfE check-letter algorithm.

13 characters: check letter, 3-digit LA code, 4-digit establishment number, 2-digit year of
issue, 3 serial digits. A temporary UPN ends in a letter instead of the last digit.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from pupils.la_codes import LA_CODES

CHECK_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S
ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)  # str.isdigit() also accepts "²" and non-Latin digits


def check_letter(upn_body: str) -> str:
    """The check letter for characters 2 to 13 of a UPN (given as a 12-character string)."""
    total = 0
    for position, char in enumerate(upn_body, start=2):
        if ASCII_DIGITS.fullmatch(char):
            value = int(char)
        elif position == 13 and char in CHECK_ALPHABET:
            value = CHECK_ALPHABET.index(char)
        else:
            raise ValueError(f"character {position} cannot be {char!r}")
        total += value * position
    return CHECK_ALPHABET[total % 23]


def normalise_upn(raw: str) -> str:
    return "".join(raw.split()).upper()


def is_temporary_upn(upn: str) -> bool:
    return len(upn) == 13 and upn[12] in CHECK_ALPHABET


def validate_upn(raw: str) -> str:
    """Return the normalised UPN or raise ValidationError with a message a SENCO can act on."""
    upn = normalise_upn(raw)
    if len(upn) != 13:
        raise ValidationError(
            "UPN must be 13 characters (you entered %(count)s)", code="upn_length", params={"count": len(upn)}
        )
    if upn[0] not in CHECK_ALPHABET:
        raise ValidationError("UPN must start with a check letter (A to Z, not I, O or S)", code="upn_first")
    if not ASCII_DIGITS.fullmatch(upn[1:12]):
        raise ValidationError("Characters 2 to 12 of a UPN must be digits", code="upn_digits")
    if not (ASCII_DIGITS.fullmatch(upn[12]) or upn[12] in CHECK_ALPHABET):
        raise ValidationError(
            "The last character of a UPN must be a digit, or a letter (not I, O or S) for a temporary UPN",
            code="upn_last",
        )
    if upn[1:4] not in LA_CODES:
        raise ValidationError(
            "Characters 2 to 4 of a UPN must be a DfE LA code; %(code)s is not one",
            code="upn_la_code",
            params={"code": upn[1:4]},
        )
    if check_letter(upn[1:]) != upn[0]:
        raise ValidationError(
            "The UPN check letter does not match: check the UPN has been copied correctly", code="upn_check_letter"
        )
    return upn
