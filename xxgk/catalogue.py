"""The fixed vocabulary of the 2021 format: cell keys, table rows and columns, section titles.

Everything here derives from ``data/cells.json`` (a copy of the project's public contract) plus the
printed labels of the official layout, so that every other module speaks in the same keys.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

FORMAT_NAME = "国办公开办函〔2021〕30号"

SECTION_TITLES: tuple[str, ...] = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
)
SECTION_NUMERALS: tuple[str, ...] = ("一", "二", "三", "四", "五", "六")


@dataclass(frozen=True)
class T3Row:
    """One of the 25 rows of table 三, with the labels as the official layout prints them."""

    key: str
    item: str  # the row's own label, e.g. "1.属于国家秘密"
    group: str = ""  # the merged label it sits under, e.g. "（三）不予公开"
    outcome: bool = False  # one of the 21 rows summed by （七）总计


T3_ROWS: tuple[T3Row, ...] = (
    T3Row("new", "一、本年新收政府信息公开申请数量"),
    T3Row("carried_over", "二、上年结转政府信息公开申请数量"),
    T3Row("granted", "（一）予以公开", "三、本年度办理结果", True),
    T3Row(
        "partially_granted",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
        "三、本年度办理结果",
        True,
    ),
    T3Row("denied_state_secret", "1.属于国家秘密", "（三）不予公开", True),
    T3Row("denied_law_prohibited", "2.其他法律行政法规禁止公开", "（三）不予公开", True),
    T3Row("denied_security_stability", "3.危及“三安全一稳定”", "（三）不予公开", True),
    T3Row("denied_third_party", "4.保护第三方合法权益", "（三）不予公开", True),
    T3Row("denied_internal_affairs", "5.属于三类内部事务信息", "（三）不予公开", True),
    T3Row("denied_process_info", "6.属于四类过程性信息", "（三）不予公开", True),
    T3Row("denied_enforcement_files", "7.属于行政执法案卷", "（三）不予公开", True),
    T3Row("denied_query_matter", "8.属于行政查询事项", "（三）不予公开", True),
    T3Row("unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供", True),
    T3Row("unable_needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供", True),
    T3Row("unable_unclear", "3.补正后申请内容仍不明确", "（四）无法提供", True),
    T3Row("rejected_petition", "1.信访举报投诉类申请", "（五）不予处理", True),
    T3Row("rejected_duplicate", "2.重复申请", "（五）不予处理", True),
    T3Row("rejected_publication", "3.要求提供公开出版物", "（五）不予处理", True),
    T3Row("rejected_excessive", "4.无正当理由大量反复申请", "（五）不予处理", True),
    T3Row("rejected_confirmation", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理", True),
    T3Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
        True,
    ),
    T3Row(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "（六）其他处理",
        True,
    ),
    T3Row("other_other", "3.其他", "（六）其他处理", True),
    T3Row("total", "（七）总计"),
    T3Row("carried_forward", "四、结转下年度继续办理"),
)
T3_ROW_KEYS: tuple[str, ...] = tuple(r.key for r in T3_ROWS)
T3_OUTCOME_ROWS: tuple[str, ...] = tuple(r.key for r in T3_ROWS if r.outcome)

# (key, printed header) in printed order; the first six are the applicant columns summed by 总计.
T3_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_org", "其他"),
    ("total", "总计"),
)
T3_COLUMN_KEYS: tuple[str, ...] = tuple(c for c, _ in T3_COLUMNS)
T3_APPLICANT_COLUMNS: tuple[str, ...] = T3_COLUMN_KEYS[:6]

T4_GROUPS: tuple[tuple[str, str], ...] = (
    ("review", "行政复议"),
    ("suit_direct", "行政诉讼·未经复议直接起诉"),
    ("suit_after_review", "行政诉讼·复议后起诉"),
)
T4_GROUP_KEYS: tuple[str, ...] = tuple(g for g, _ in T4_GROUPS)
T4_COLUMNS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)
T4_COLUMN_KEYS: tuple[str, ...] = tuple(c for c, _ in T4_COLUMNS)


@dataclass(frozen=True)
class T2Row:
    """A row of table 二: its printed label, the 第二十条 item it sits under, and its cell keys."""

    label: str
    item: str
    keys: tuple[str, ...]
    aliases: tuple[str, ...] = ()


T2_ROWS: tuple[T2Row, ...] = (
    T2Row(
        "规章",
        "第二十条第（一）项",
        ("t2.regulations.made", "t2.regulations.repealed", "t2.regulations.in_force"),
    ),
    T2Row(
        "行政规范性文件",
        "第二十条第（一）项",
        ("t2.normative.made", "t2.normative.repealed", "t2.normative.in_force"),
        ("规范性文件",),
    ),
    T2Row("行政许可", "第二十条第（五）项", ("t2.licensing.decisions",)),
    T2Row("行政处罚", "第二十条第（六）项", ("t2.punishment.decisions",)),
    T2Row("行政强制", "第二十条第（六）项", ("t2.coercion.decisions",)),
    T2Row("行政事业性收费", "第二十条第（八）项", ("t2.fees.amount",)),
)


def t3_key(row: str, col: str) -> str:
    return f"t3.{row}.{col}"


def t4_key(group: str, col: str) -> str:
    return f"t4.{group}.{col}"


@cache
def cell_specs() -> tuple[dict[str, str], ...]:
    """The 200 cells of cells.json, in their canonical order."""
    raw = resources.files("xxgk").joinpath("data/cells.json").read_text(encoding="utf-8")
    return tuple(json.loads(raw)["cells"])


@cache
def cell_keys() -> tuple[str, ...]:
    return tuple(c["key"] for c in cell_specs())


@cache
def cell_labels() -> dict[str, str]:
    return {c["key"]: c["label"] for c in cell_specs()}


def table_of(key: str) -> str:
    """'二', '三' or '四' for a cell key."""
    return {"t2": "二", "t3": "三", "t4": "四"}[key.split(".", 1)[0]]
