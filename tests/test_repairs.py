"""Each text repair, with small input → output cases."""

from __future__ import annotations

import pytest

from site_builder.convert.repairs import REPAIRS, Context, repair

BODY = Context()
DISPLAY = Context(keep_gaps=True)


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("指 明 了 前 进 方 向 、提 供 了 根 本 遵 循 。", "指明了前进方向、提供了根本遵循。"),
        ("性 ，是 最 广 泛 、最 真 实", "性，是最广泛、最真实"),
        ("的“ 八 有 ”标 准 。 三 是", "的“八有”标准。三是"),
        ("人大 代表", "人大代表"),
    ],
)
def test_justification_spaces_are_removed_from_body_text(raw: str, repaired: str) -> None:
    assert repair(raw, BODY) == repaired


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("以党的二十大精神为指引 做好新时代人大社会建设工作", "以党的二十大精神为指引 做好新时代人大社会建设工作"),
        ("“互联互学 共促共进” 提升人事任免工作水平", "“互联互学 共促共进” 提升人事任免工作水平"),
        ("推 进 业 务 联 学  共 促 履 职 提 能", "推进业务联学 共促履职提能"),
    ],
)
def test_titles_keep_the_gap_between_two_phrases(raw: str, repaired: str) -> None:
    assert repair(raw, DISPLAY) == repaired


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("2021 年 12 月至 2022 年 4 月，全", "2021年12月至2022年4月，全"),
        ("“e 代表”履职服务平台", "“e代表”履职服务平台"),
        ("组织动员 1.7万余名", "组织动员1.7万余名"),
        ("12345 政 务 服 务", "12345政务服务"),
        ("满分 10 分", "满分10分"),
    ],
)
def test_spaces_around_numbers_and_latin_are_removed(raw: str, repaired: str) -> None:
    assert repair(raw, BODY) == repaired


@pytest.mark.parametrize(
    ("raw", "repaired"),
    [
        ("开展视察调研,提出意见建议", "开展视察调研，提出意见建议"),
        ("民族要复兴,乡村必振兴。", "民族要复兴，乡村必振兴。"),
        ("全州7个县(市)人大常委会", "全州7个县（市）人大常委会"),
        ("党校(行政学院)教学计划", "党校（行政学院）教学计划"),
        ("指出:发展", "指出：发展"),
        ("分别达到34.78%和31.29%。", "分别达到34.78%和31.29%。"),
        ("1.2万余人次", "1.2万余人次"),
        ("“1+2+N”党建工作法", "“1+2+N”党建工作法"),
        ("version 1.0 (beta), ok", "version 1.0 (beta), ok"),
    ],
)
def test_half_width_punctuation_next_to_chinese_becomes_full_width(raw: str, repaired: str) -> None:
    assert repair(raw, BODY) == repaired


def test_the_registry_runs_passes_in_a_fixed_named_order() -> None:
    assert REPAIRS.names() == ["justification_spaces", "number_spaces", "half_width_punctuation", "tidy_spaces"]
