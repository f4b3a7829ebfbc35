import pytest
from django.core.exceptions import ValidationError

from pupils.upn import check_letter, is_temporary_upn, validate_upn


def test_domain_example_is_valid():
    assert validate_upn("B801200005001") == "B801200005001"


def test_wrong_check_letter_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        validate_upn("A801200005001")
    assert "check letter does not match" in error.value.messages[0]


@pytest.mark.parametrize("raw", ["B80120000500", "B8012000050011", ""])
def test_wrong_length_is_refused_and_says_how_long_it_was(raw):
    with pytest.raises(ValidationError) as error:
        validate_upn(raw)
    assert "13 characters" in error.value.messages[0]
    assert f"you entered {len(raw)}" in error.value.messages[0]


def test_spaces_and_lower_case_are_normalised():
    assert validate_upn(" b801 2000 05001 ") == "B801200005001"


def test_temporary_upn_ending_in_a_letter_is_valid_when_its_check_letter_matches():
    body = "3061234190" + "2A"  # letter A counts as 0 in position 13
    upn = check_letter(body) + body
    assert validate_upn(upn) == upn
    assert is_temporary_upn(upn)
    assert not is_temporary_upn("B801200005001")


# Worked by hand from DOMAIN.md, not with check_letter. Characters 2 to 12 of 3061234190 2_ weigh
# 2x3 + 3x0 + 4x6 + 5x1 + 6x2 + 7x3 + 8x4 + 9x1 + 10x9 + 11x0 + 12x2 = 223; the letter in position 13 adds
# 13 x its index in ABCDEFGHJKLMNPQRTUVWXYZ.
#   A (0):  223 + 0   = 223, 223 mod 23 = 16 -> T
#   B (1):  223 + 13  = 236, 236 mod 23 = 6  -> G
#   Z (22): 223 + 286 = 509, 509 mod 23 = 3  -> D
@pytest.mark.parametrize("upn", ["T30612341902A", "G30612341902B", "D30612341902Z"])
def test_temporary_upns_worked_by_hand_are_valid(upn):
    assert validate_upn(upn) == upn
    assert is_temporary_upn(upn)


@pytest.mark.parametrize("upn", ["T30612341902B", "G30612341902A", "A30612341902Z"])
def test_temporary_upn_with_the_wrong_check_letter_is_refused(upn):
    with pytest.raises(ValidationError) as error:
        validate_upn(upn)
    assert "check letter does not match" in error.value.messages[0]


def test_temporary_upn_letter_changes_the_check_letter():
    # The letter in position 13 counts by its index in the check alphabet: B is 1, so 13 more than A.
    assert check_letter("3061234190" + "2B") != check_letter("3061234190" + "2A")


def test_temporary_upn_cannot_end_in_i_o_or_s():
    with pytest.raises(ValidationError) as error:
        validate_upn("A3061234190" + "2O")
    assert "temporary" in error.value.messages[0]


def test_unknown_la_code_is_refused():
    body = "999200005001"
    with pytest.raises(ValidationError) as error:
        validate_upn(check_letter(body) + body)
    assert "999 is not one" in error.value.messages[0]


def test_letters_in_the_middle_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_upn("B8012000X5001")
    assert "must be digits" in error.value.messages[0]


def test_first_character_must_be_a_check_letter():
    with pytest.raises(ValidationError) as error:
        validate_upn("1801200005001")
    assert "check letter" in error.value.messages[0]


@pytest.mark.parametrize("digits", ["８０１２０００05001", "٨٠١200005001", "80120000500²"])
def test_only_ascii_digits_count(digits):
    with pytest.raises(ValidationError):
        validate_upn("B" + digits)
