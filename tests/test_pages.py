"""The steps over a paged document's blocks (xxgk.formats.pages) and the ruled-grid rules they rely on,
on hand-made blocks and words: each pins a case a real printer (Chromium, LibreOffice) produced."""

from __future__ import annotations

from xxgk.formats.base import BBox, Block, CellBox
from xxgk.formats.layout import Rulings, Word, words_to_blocks
from xxgk.formats.pages import join_split_tables, join_wrapped_lines

LEFT, RIGHT = 72.0, 523.0  # the text column of an A4 page with 2.54 cm margins, in points


def _line(
    text: str, top: float, *, x0: float = LEFT, x1: float = RIGHT, size: float = 11.0, page: int = 1
) -> Block:
    return Block(text=text, page=page, bbox=(x0, top, x1, top + size))


def _texts(pages: list[list[Block]]) -> list[list[str]]:
    return [[b.text for b in blocks] for blocks in pages]


# ------------------------------------------------------------------------------------- paragraphs


def test_a_sentence_wrapped_before_table_four_is_one_line_again() -> None:
    """LibreOffice's wrap that made ``…2210件，统计`` read as a row of numbers in table 四."""
    pages = [
        [
            _line("四、政府信息公开行政复议、行政诉讼情况", 80, x1=376, size=15),
            _line("本年度因政府信息公开被申请行政复议68384件，被提起行政诉讼2210件，统计", 110, x0=96),
            _line("如下。", 131, x1=100),
        ]
    ]
    join_wrapped_lines(pages)
    assert _texts(pages) == [
        [
            "四、政府信息公开行政复议、行政诉讼情况",
            "本年度因政府信息公开被申请行政复议68384件，被提起行政诉讼2210件，统计如下。",
        ]
    ]
    assert pages[0][1].bbox == (72, 110, 523, 142)


def test_a_paragraph_of_many_lines_joins_and_the_next_stays_apart() -> None:
    pages = [
        [
            _line("第一段第一行", 100, x0=96),
            _line("第一段第二行", 121, x1=RIGHT - 15),  # a word processor stopped a character short
            _line("第一段末行。", 142, x1=200),
            _line("第二段首行", 163, x0=96),  # indented: a new paragraph
            _line("第二段末行。", 184, x1=RIGHT),  # ends at the margin …
            _line("三、收到和处理政府信息公开申请情况", 205),  # … and a numbered heading follows
            _line("（一）予以公开的情况如下", 226, x1=RIGHT),
            _line("1.属于国家秘密", 247),
        ]
    ]
    join_wrapped_lines(pages)
    assert _texts(pages) == [
        [
            "第一段第一行第一段第二行第一段末行。",
            "第二段首行第二段末行。",
            "三、收到和处理政府信息公开申请情况",
            "（一）予以公开的情况如下",
            "1.属于国家秘密",
        ]
    ]


def test_a_wrapped_line_stays_apart_from_larger_type_far_lines_tables_and_the_next_page() -> None:
    pages = [
        [
            _line("正文一行", 100),
            _line("大号标题", 121, size=16),  # a heading in larger type
            _line("正文又一行", 160),
            _line("相隔很远", 200, x1=300),  # more than a line and a half below
            _line("表前一行", 230),
            Block(cells=[CellBox("1", (LEFT, 250, RIGHT, 261))], page=1, bbox=(LEFT, 250, RIGHT, 261)),
            _line("页末一行", 780),
        ],
        [_line("次页首行", 60, page=2)],
    ]
    join_wrapped_lines(pages)
    assert _texts(pages) == [
        ["正文一行", "大号标题", "正文又一行", "相隔很远", "表前一行", "", "页末一行"],
        ["次页首行"],
    ]


def test_latin_text_wrapped_at_the_margin_joins_with_a_space() -> None:
    pages = [[_line("电子邮箱 hzzwgk@126.com, see", 100), _line("the website for details.", 121, x1=300)]]
    join_wrapped_lines(pages)
    assert _texts(pages) == [["电子邮箱 hzzwgk@126.com, see the website for details."]]


def test_short_lines_under_a_full_one_are_ends_of_paragraphs() -> None:
    pages = [[_line("长长的一整行", 80), _line("短行一。", 100, x1=200), _line("短行二。", 121, x1=200)]]
    join_wrapped_lines(pages)
    assert _texts(pages) == [["长长的一整行短行一。", "短行二。"]]


# ------------------------------------------------------------------------------------------ tables


def _row(page: int, table: int, xs: list[float], texts: list[str], top: float) -> Block:
    cells = [CellBox(t, (a, top, b, top + 11)) for t, a, b in zip(texts, xs, xs[1:], strict=False)]
    return Block(cells=cells, page=page, bbox=(xs[0], top, xs[-1], top + 11), table=table)


def test_a_table_whose_first_half_has_coarser_columns_joins_the_finer_second_half() -> None:
    """Table 三 in LibreOffice's export: the rows above （三） merge the group and item label columns, so
    the first page's grid has one column fewer than the second's."""
    coarse, fine = [0.0, 100, 200, 300, 400], [0.0, 40, 100, 200, 300, 400]
    pages = [
        [_row(1, 0, coarse, ["（一）予以公开", "1", "2", "3"], 700)],
        [_row(2, 1, fine, ["（三）不予公开", "1.属于国家秘密", "4", "5", "9"], 72)],
    ]
    join_split_tables(pages)
    assert {b.table for blocks in pages for b in blocks} == {0}
    assert [c.text for c in pages[0][0].cells or []] == ["（一）予以公开", "", "1", "2", "3"]


def test_halves_whose_borders_do_not_line_up_stay_two_tables() -> None:
    pages = [
        [_row(1, 0, [0.0, 100, 200, 300], ["a", "1", "2"], 700)],
        [_row(2, 1, [0.0, 50, 150, 250, 300], ["b", "3", "4", "5"], 72)],
    ]
    join_split_tables(pages)
    assert [b.table for blocks in pages for b in blocks] == [0, 1]


def _frame(xs: list[float], ys: list[float]) -> Rulings:
    return Rulings([(y, xs[0], xs[-1]) for y in ys], [(x, ys[0], ys[-1]) for x in xs])


def _words(xs: list[float], top: float, texts: list[str]) -> list[Word]:
    return [Word(t, a + 5, top + 5, a + 5 + 6 * len(t), top + 15) for t, a in zip(texts, xs, strict=False)]


def test_a_lone_ruled_row_of_values_is_a_table_row() -> None:
    """Chromium pushed table 四's one row of values onto the next page by itself: a ruled frame of one
    row and fifteen cells, which must read as cells (with their boxes), not as a line of text."""
    xs = [30.0 + 36 * i for i in range(16)]
    values = [str(v) for v in range(15)]
    blocks = words_to_blocks(_words(xs, 30, values), 4, rulings=_frame(xs, [30, 55]))
    assert len(blocks) == 1 and blocks[0].cells is not None
    assert [c.text for c in blocks[0].cells] == values
    box: BBox | None = blocks[0].cells[0].bbox
    assert box == (30, 30, 66, 55)


def test_a_ruled_box_of_one_row_and_two_cells_is_still_text() -> None:
    xs = [30.0, 200, 400]
    blocks = words_to_blocks(_words(xs, 30, ["注：", "本表数据"]), 1, rulings=_frame(xs, [30, 55]))
    assert [b.cells for b in blocks] == [None] and blocks[0].text.replace("\t", "") == "注：本表数据"
