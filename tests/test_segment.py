"""Units of a document: photo credits are units of their own kind, and they pair with nothing but credits."""

from __future__ import annotations

import pytest

from align.compare import compare
from align.document import document_from_text
from align.segment import segment


@pytest.mark.parametrize("line", [
    "Image provided by local governor Vyacheslav Gladkov through his Telegram account.",
    "© Telegram/Via AFP",
    "Photo: Anna Smith for The Daily",
    "File photo: soldiers at the border in 2022.",
    "Residents leave the town on Monday. (AP Photo/Jane Doe)",
    "Smoke rises over the town on Monday. AFP via Getty Images",
])
def test_photo_credits_are_credits(line):
    units = segment("The raid began on Monday.\n\n" + line + "\n\nThe governor spoke on Tuesday.")
    assert [u.kind for u in units][0] == "sentence" and units[-1].kind == "sentence"
    # The credit is; a caption's description before it ("Residents leave the town on Monday.") may state a fact.
    assert units[-2].kind == "credit" and units[-2].text in line


def test_a_credit_marks_the_rest_of_its_caption_paragraph():
    text = ("File- Damage after an explosion in the Belgorod region on April 20, 2023. Image provided by local "
            "governor Vyacheslav Gladkov through his Telegram account. © Telegram/Via AFP\n\nGladkov said 12 "
            "civilians were injured.")
    kinds = [u.kind for u in segment(text)]
    assert kinds[-1] == "sentence" and set(kinds[:-1]) == {"credit"} and len(kinds) >= 3


@pytest.mark.parametrize("line", [
    "The photo provided by the ministry showed damaged vehicles.",  # a sentence about a photo
    "Governor Gladkov said the images were taken on Monday.",
    "Reuters reported that 12 people were injured.",
])
def test_sentences_that_mention_photos_or_agencies_are_not_credits(line):
    assert [u.kind for u in segment(line)] == ["sentence"]


def test_a_credit_never_links_to_a_statement(hashing):
    a = document_from_text("a.txt", "Image provided by local governor Vyacheslav Gladkov through his Telegram "
                                    "account.\n\nThe town was shelled on Monday.")
    b = document_from_text("b.txt", "Local governor Vyacheslav Gladkov said on his Telegram account that it was "
                                    "calm.\n\nThe town was shelled on Monday.")
    al = compare([a, b], hashing).alignment(0, 1)
    assert a.sentences[0].kind == "credit"
    assert all(ln.left != 0 for ln in al.links) and 0 in al.left_only
    assert any(ln.left == 1 for ln in al.links)


def test_a_section_label_links_to_a_label_never_to_a_statement(hashing):
    a = document_from_text("a.txt", "Ukraine military\n\nThe Ukrainian military said the raid was carried out by Russians.\n\n"
                                    "Fall of Bakhmut\n\nRussia said it took Bakhmut.")
    b = document_from_text("b.txt", "The Ukrainian military said the raid was carried out by Russians.\n\nFall of Bakhmut\n\n"
                                    "Russia said it took Bakhmut on Saturday.")
    assert [s.kind for s in a.sentences] == ["heading", "sentence", "heading", "sentence"]
    al = compare([a, b], hashing).alignment(0, 1)
    pairs = {(ln.left, ln.right) for ln in al.links}
    assert 0 in al.left_only  # "Ukraine military" names a topic: not the military's statement
    assert (2, 1) in pairs  # the same label in both articles still pairs
    assert (1, 0) in pairs and (3, 2) in pairs


@pytest.mark.parametrize("text, expected", [
    ("中文字符很宽。第二句话在这里。第三句。", ["中文字符很宽。", "第二句话在这里。", "第三句。"]),
    ("東京で地震があった。「被害はない」と市長は言った。けが人はいない！",
     ["東京で地震があった。", "「被害はない」と市長は言った。", "けが人はいない！"]),
    ("洪水\n\n暴雨淹没了马洛镇。市长说有十二人死亡？", ["洪水", "暴雨淹没了马洛镇。", "市长说有十二人死亡？"]),
])
def test_chinese_and_japanese_sentences_split_without_spaces(text, expected):
    # These scripts put no space after a full stop, where syntok splits; a translation in them was one "heading".
    units = segment(text)
    assert [u.text for u in units] == expected
    assert all(text[u.start:u.end] == u.text for u in units)
    assert [u.kind for u in units][-1] == "sentence"
