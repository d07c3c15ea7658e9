"""China's provincial-level divisions: the short names printed after authors, full names, slugs, tile positions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Province:
    short: str
    """As printed after the author's name: ``内蒙古``."""
    name: str
    """The full name: ``内蒙古自治区``."""
    slug: str
    """ASCII, in the customary spelling (``shaanxi`` for 陕西, ``shanxi`` for 山西)."""
    column: int
    row: int
    """Position in the tile map: a grid that keeps each province near its neighbours."""


PROVINCES: tuple[Province, ...] = (
    Province("黑龙江", "黑龙江省", "heilongjiang", 7, 0),
    Province("新疆", "新疆维吾尔自治区", "xinjiang", 0, 2),
    Province("内蒙古", "内蒙古自治区", "neimenggu", 4, 1),
    Province("北京", "北京市", "beijing", 5, 1),
    Province("辽宁", "辽宁省", "liaoning", 6, 1),
    Province("吉林", "吉林省", "jilin", 7, 1),
    Province("青海", "青海省", "qinghai", 1, 2),
    Province("甘肃", "甘肃省", "gansu", 2, 2),
    Province("宁夏", "宁夏回族自治区", "ningxia", 3, 2),
    Province("山西", "山西省", "shanxi", 4, 2),
    Province("河北", "河北省", "hebei", 5, 2),
    Province("天津", "天津市", "tianjin", 6, 2),
    Province("西藏", "西藏自治区", "xizang", 1, 3),
    Province("四川", "四川省", "sichuan", 2, 3),
    Province("陕西", "陕西省", "shaanxi", 3, 3),
    Province("河南", "河南省", "henan", 4, 3),
    Province("山东", "山东省", "shandong", 5, 3),
    Province("重庆", "重庆市", "chongqing", 2, 4),
    Province("湖北", "湖北省", "hubei", 3, 4),
    Province("安徽", "安徽省", "anhui", 4, 4),
    Province("江苏", "江苏省", "jiangsu", 5, 4),
    Province("上海", "上海市", "shanghai", 6, 4),
    Province("云南", "云南省", "yunnan", 1, 5),
    Province("贵州", "贵州省", "guizhou", 2, 5),
    Province("湖南", "湖南省", "hunan", 3, 5),
    Province("江西", "江西省", "jiangxi", 4, 5),
    Province("浙江", "浙江省", "zhejiang", 5, 5),
    Province("广西", "广西壮族自治区", "guangxi", 2, 6),
    Province("广东", "广东省", "guangdong", 3, 6),
    Province("福建", "福建省", "fujian", 4, 6),
    Province("台湾", "台湾省", "taiwan", 5, 6),
    Province("海南", "海南省", "hainan", 2, 7),
    Province("澳门", "澳门特别行政区", "macau", 3, 7),
    Province("香港", "香港特别行政区", "hong-kong", 4, 7),
)
"""All 34, roughly north to south; the tile map is 8 columns by 8 rows."""

_BY_NAME = {name: p for p in PROVINCES for name in (p.short, p.name)}


def find_province(name: str) -> Province | None:
    """The province printed as ``name`` (short or full name), or ``None``: ``山西省`` → 山西."""
    return _BY_NAME.get("".join(name.split()))
