"""Slugs and readings of names and titles: input → output."""

import pytest

from site_builder.slugs import MAX_LENGTH, name_reading, person_slug, reading_slug, slugify, unique


@pytest.mark.parametrize(
    ("name", "reading", "slug"),
    [
        ("谭荣芳", (("tan",), ("rong", "fang")), "tan-rongfang"),
        # Read as a surname, not as in running text (tán, dān, céng).
        ("覃剑", (("qin",), ("jian",)), "qin-jian"),
        ("单增", (("shan",), ("zeng",)), "shan-zeng"),
        # A compound surname stays one word.
        ("欧阳华", (("ou", "yang"), ("hua",)), "ouyang-hua"),
        # The spaces of printed justification are not part of the name.
        ("谭 荣芳", (("tan",), ("rong", "fang")), "tan-rongfang"),
    ],
)
def test_a_persons_name_reads_as_surname_and_given_name(name, reading, slug) -> None:
    assert name_reading(name) == reading
    assert reading_slug(reading) == person_slug(name) == slug


def test_a_reading_without_letters_still_gives_a_slug() -> None:
    assert reading_slug(((), ())) == "author"


def test_a_long_title_is_cut_at_a_syllable() -> None:
    slug = slugify("以党的二十大精神为指引，推进新时代地方人大工作高质量发展的实践与思考")
    assert slug == "yi-dang-de-er-shi-da-jing-shen-wei-zhi-yin-tui"
    assert len(slug) <= MAX_LENGTH


def test_a_taken_slug_gets_the_next_free_number() -> None:
    assert unique("wang-fang", set()) == "wang-fang"
    assert unique("wang-fang", {"wang-fang", "wang-fang-2"}) == "wang-fang-3"
