"""Quantitative targets, deadline years and completion dates (see ANNOTATION.md)."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duban.extract.model import Target
from duban.extract.targets import find_targets, parse_deadline, year_of

Key = tuple[str, float, str | None, str | None]

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
GOLD_FILES = sorted((CORPUS / "gold").glob("*.json")) + sorted((CORPUS / "extra" / "gold").glob("*.json"))

# Gold tasks whose targets are genuinely ambiguous; none so far.
AMBIGUOUS: dict[str, str] = {}


def _key(t: Target | dict[str, Any]) -> Key:
    if isinstance(t, Target):
        return (t.cmp, round(float(t.value), 6), t.unit, t.change)
    return (t["cmp"], round(float(t["value"]), 6), t.get("unit"), t.get("change"))


def _keys(text: str, plan_year: int | None = None) -> set[Key]:
    return {_key(t) for t in find_targets(text, plan_year=plan_year)}


def _plan_year(doc: dict[str, Any]) -> int | None:
    """The plan's year as the engine takes it: from the title, else the date, else the number."""
    for source in (doc.get("title"), doc.get("date"), doc.get("doc_number")):
        m = re.search(r"(?:19|20)\d{2}", source or "")
        if m:
            return int(m.group(0))
    return None


def _task_text(task: dict[str, Any]) -> str:
    """The text as the engine sees it: a lead-phrase title stays in front of the text."""
    title, text = task.get("title") or "", task["text"]
    return text if not title or text.startswith(title) else f"{title}。{text}"


def _gold_cases() -> list[Any]:
    cases = []
    for path in GOLD_FILES:
        doc = json.loads(path.read_text(encoding="utf-8"))
        plan_year = _plan_year(doc)
        for task in doc["tasks"]:
            if task.get("targets_unscored"):
                continue
            case_id = f"{path.name[:3]}:{task['id']}"
            marks = [pytest.mark.xfail(reason=AMBIGUOUS[case_id])] if case_id in AMBIGUOUS else []
            cases.append(pytest.param({**task, "text": _task_text(task)}, plan_year, id=case_id, marks=marks))
    return cases


# ---------------------------------------------------------------------------------------------
# The gold annotations: every scored task of every gold document


@pytest.mark.skipif(not GOLD_FILES, reason="../shared/corpus is not beside the checkout")
@pytest.mark.parametrize(("task", "plan_year"), _gold_cases())
def test_gold_task(task: dict[str, Any], plan_year: int | None) -> None:
    found = find_targets(task["text"], plan_year=plan_year)
    assert {_key(t) for t in found} == {_key(g) for g in task["targets"]}
    for g in task["targets"]:
        if g.get("by"):
            years = {t.by for t in found if _key(t) == _key(g)}
            assert str(g["by"]) in years, f"{g['metric']}: by {years} != {g['by']}"


@pytest.mark.skipif(not GOLD_FILES, reason="../shared/corpus is not beside the checkout")
def test_gold_figures() -> None:
    """Micro-averaged target F1 and by-accuracy over all gold tasks, as the scorer counts them."""
    tp = fp = fn = by_n = by_ok = 0
    for case in _gold_cases():
        task, plan_year = case.values
        found = find_targets(task["text"], plan_year=plan_year)
        gold, pred = {_key(g) for g in task["targets"]}, {_key(t) for t in found}
        tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
        for g in task["targets"]:
            cands = [t for t in found if _key(t) == _key(g)]
            if g.get("by") and cands:
                by_n += 1
                by_ok += any(t.by == str(g["by"]) for t in cands)
    f1 = 2 * tp / (2 * tp + fp + fn)
    by = by_ok / by_n
    print(f"\ngold targets: tp={tp} fp={fp} fn={fn} F1={f1:.3f} by={by_ok}/{by_n}={by:.3f}")
    assert f1 >= 0.95
    assert by >= 0.95


# ---------------------------------------------------------------------------------------------
# Comparators


@pytest.mark.parametrize(
    ("word", "cmp"),
    [
        ("达", ">="),
        ("达到", ">="),
        ("不低于", ">="),
        ("不少于", ">="),
        ("至少", ">="),
        ("提高到", ">="),
        ("提升至", ">="),
        ("保持在", ">="),
        ("不得低于", ">="),
        ("高于等于", ">="),
        ("不超过", "<="),
        ("不高于", "<="),
        ("控制在", "<="),
        ("降至", "<="),
        ("下降到", "<="),
        ("高于", ">"),
        ("超过", ">"),
        ("低于", "<"),
    ],
)
def test_comparator_before(word: str, cmp: str) -> None:
    assert _keys(f"全市流动人口登记率{word}95%。") == {(cmp, 95, "%", None)}


@pytest.mark.parametrize(
    ("tail", "cmp"),
    [("以上", ">="), ("及以上", ">="), ("以下", "<="), ("以内", "<="), ("及以下", "<=")],
)
def test_comparator_after(tail: str, cmp: str) -> None:
    assert _keys(f"调处成功率95%{tail}。") == {(cmp, 95, "%", None)}
    assert _keys(f"社区服刑人员重新犯罪率千分之一{tail}。") == {(cmp, 1, "‰", None)}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("亿元地区生产总值生产安全事故死亡率下降40%以上。", (">=", 40, "%", "decrease")),
        ("单位增加值能耗累计下降13.5%。", (">=", 13.5, "%", "decrease")),
        ("机动车万人死亡率降低25%。", (">=", 25, "%", "decrease")),
        ("信访总量减少10%以上。", (">=", 10, "%", "decrease")),
        ("城乡居民收入增长8%。", (">=", 8, "%", "increase")),
        ("科技投入占比提高5个百分点。", (">=", 5, "个百分点", "increase")),
        ("能耗下降不低于10%。", (">=", 10, "%", "decrease")),
        ("公共交通分担率提高到40%。", (">=", 40, "%", None)),
        ("PM2.5年均浓度下降到35微克/立方米。", ("<=", 35, "微克/立方米", None)),
    ],
)
def test_relative_change(text: str, key: Key) -> None:
    assert _keys(text) == {key}


# ---------------------------------------------------------------------------------------------
# Values and units


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("年度火灾亿元GDP死亡率控制在0.01以内。", ("<=", 0.01, None, None)),
        ("万人火灾死亡率控制在0.019以内。", ("<=", 0.019, None, None)),
        ("确保重新犯罪率控制在千分之一以下。", ("<=", 1, "‰", None)),
        ("社区志愿者注册率达百分之十五以上。", (">=", 15, "%", None)),
        ("调处成功率９５％以上。", (">=", 95, "%", None)),
        ("群防群治巡防力量达30万人。", (">=", 30, "万人", None)),
        ("每年开展不少于两次应急演练。", (">=", 2, "次", None)),
        ("应急响应时间不超过30分钟。", ("<=", 30, "分钟", None)),
        ("新增光伏装机规模6380千瓦以上。", (">=", 6380, "千瓦", None)),
        ("力争完成公共建筑节能改造不少于50万平方米。", (">=", 50, "万平方米", None)),
        ("培训基层干部一千二百人次。", (">=", 1200, "人次", None)),
        ("力争光伏发电量年等效利用小时不低于1100小时。", (">=", 1100, "小时", None)),
        ("每千人拥有执业医师数达到3.5名。", (">=", 3.5, "名", None)),
    ],
)
def test_value_and_unit(text: str, key: Key) -> None:
    assert _keys(text) == {key}


# ---------------------------------------------------------------------------------------------
# Counted outputs, shares of subjects, time limits, "at least" frequencies


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (
            "“十二五”期间累计扶持各类创业者5万人,通过创业带动就业35万人。",
            {(">=", 5, "万人", None), (">=", 35, "万人", None)},
        ),
        (
            "“十二五”期间全市新开工保障性住房2000万平方米，竣工2000万平方米。",
            {(">=", 2000, "万平方米", None)},
        ),
        ("到2015年实现每千名老人拥有养老床位数40张。", {(">=", 40, "张", None)}),
        ("完成旧住房修缮更新60万平方米。", {(">=", 60, "万平方米", None)}),
        ("完成既有多层住宅加装电梯700台。", {(">=", 700, "台", None)}),
        (
            "建设各类绿地8万平方米，新增城市公园1座、口袋公园3个。",
            {(">=", 8, "万平方米", None), (">=", 1, "座", None), (">=", 3, "个", None)},
        ),
        ("完成94万平方米既有公共建筑节能改造。", {(">=", 94, "万平方米", None)}),
        ("完成３万户老旧小区改造。", {(">=", 3, "万户", None)}),
        ("市建立100人以上的特警队。", {(">=", 100, "人", None)}),
        ("建立不低于常住人口1‰的专兼职平安巡防队伍。", {(">=", 1, "‰", None)}),
        ("政法单位按不低于在编人员1%的比例组建网军队伍。", {(">=", 1, "%", None)}),
        ("派出所警力达到区级公安机关总警力40%以上。", {(">=", 40, "%", None)}),
        ("全市80%以上区县达到平安畅通区县标准。", {(">=", 80, "%", None)}),
        (
            "到2015年90%以上城市社区、80%以上农村社区达到省级和谐社区标准。",
            {(">=", 90, "%", None), (">=", 80, "%", None)},
        ),
        ("加强家庭教育指导服务,90%的城市社区建立家长学校。", {(">=", 90, "%", None)}),
        ("100%的社区建立议事协商载体。", {(">=", 100, "%", None)}),
        ("城市建成区40%的区域达到海绵城市建设要求。", {(">=", 40, "%", None)}),
        ("进京访积案95%得到化解。", {(">=", 95, "%", None)}),
        ("技防建设100%达标。", {(">=", 100, "%", None)}),
        ("“一社区(村)一警(辅警)”100%覆盖。", {(">=", 100, "%", None)}),
        ("覆盖率100%。", {(">=", 100, "%", None)}),
        ("保证受灾民众24小时内得到基本救助。", {("<=", 24, "小时", None)}),
        ("接到报警后15分钟内到达现场。", {("<=", 15, "分钟", None)}),
        ("每年至少组织开展一次专项督促检查。", {(">=", 1, "次", None)}),
        ("每年开展至少一次网络安全应急实战演练。", {(">=", 1, "次", None)}),
        ("每个网格配备至少1名专(兼)职网格员。", {(">=", 1, "名", None)}),
        ("每个社区至少有1名社会工作专业人才。", {(">=", 1, "名", None)}),
        ("各辖市至少分别建设一个规范化的安置帮教基地。", {(">=", 1, "个", None)}),
        ("每季度开展1次以上。", {(">=", 1, "次", None)}),
        ("完成3万平方米节能率不低于15%的既有公共建筑节能改造。", {(">=", 3, "万平方米", None)}),
    ],
)
def test_targets(text: str, keys: set[Key]) -> None:
    assert _keys(text) == keys


# Phrasing from other kinds of plans (工作报告目标分解, 行动方案), none of it from the gold documents.
@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("到2025年，全区人均公园绿地面积达到9平方米以上。", {(">=", 9, "平方米", None)}),
        ("粮食产量稳定在100亿斤以上。", {(">=", 100, "亿斤", None)}),
        ("一般公共预算收入增长5%。", {(">=", 5, "%", "increase")}),
        ("常住人口城镇化率提高1个百分点。", {(">=", 1, "个百分点", "increase")}),
        (
            "城镇新增就业5.5万人以上，城镇调查失业率控制在5.5%以内。",
            {(">=", 5.5, "万人", None), ("<=", 5.5, "%", None)},
        ),
        ("新增高新技术企业100家。", {(">=", 100, "家", None)}),
        ("实施重点项目300个，完成投资500亿元。", {(">=", 300, "个", None), (">=", 500, "亿元", None)}),
        ("引进亿元以上项目50个。", {(">=", 50, "个", None)}),
        (
            "城乡居民人均可支配收入分别增长5%和6.5%。",
            {(">=", 5, "%", "increase"), (">=", 6.5, "%", "increase")},
        ),
        ("港口集装箱吞吐量达到300万标箱。", {(">=", 300, "万标箱", None)}),
        (
            "孕产妇死亡率控制在10/10万以下，婴儿死亡率控制在5‰以内。",
            {("<=", 10, "/10万", None), ("<=", 5, "‰", None)},
        ),
        ("完成造林1.2万亩。", {(">=", 1.2, "万亩", None)}),
        ("新建5G基站1000个。", {(">=", 1000, "个", None)}),
        ("2023年底前，完成100个老旧小区改造。", {(">=", 100, "个", None)}),
        ("建立20个以上社区矫正中心。", {(">=", 20, "个", None)}),
        ("平均出警时间缩短至5分钟以内。", {("<=", 5, "分钟", None)}),
        ("到二〇二五年，森林覆盖率达到百分之三十。", {(">=", 30, "%", None)}),
    ],
)
def test_other_plans(text: str, keys: set[Key]) -> None:
    assert _keys(text, plan_year=2021) == keys


@pytest.mark.parametrize(
    "text",
    [
        "地区生产总值增长6%左右。",  # 左右: a planning parameter
        "给予每户5000元补贴。",  # a subsidy, not a commitment
        "安排专项资金1000万元。",
        "对300人以上的企业开展检查。",
        "开展为期3个月的专项行动。",
        "成立一个领导小组。",
        "每月开展1次巡查。",
        "一度出现反弹。",
        "实现“零事故”目标。",
    ],
)
def test_other_plans_not_targets(text: str) -> None:
    assert find_targets(text, plan_year=2021) == []


# ---------------------------------------------------------------------------------------------
# Numbers that are not targets


@pytest.mark.parametrize(
    "text",
    [
        "工矿商贸就业人员10万人生产安全事故死亡率明显下降。",  # picks out the rate
        "服务对象300人以上的社区服务站全部达标。",  # which stations
        "力争2000年前建成的、需改造的城镇老旧小区安全防护措施基本到位。",  # which estates
        "按要求完成5万平方米以上的综合体达标任务。",  # which buildings
        "全区已建工会的百人以上企业单独签订集体合同。",  # which companies
        "推动5万平方米以上商场复评或创建国家绿色商场。",
        "落实市住建委下达的单位建筑面积能耗下降15%以上的公共建筑节能改造任务。",
        "人均建筑面积在15平方米以下的城市低收入住房困难家庭实现应保尽保。",
        "推动全部民用建筑落实75%的节能设计要求。",  # the name of a standard
        "建成10-15分钟基本公共服务圈。",  # ranges
        "农村一级新社区公共服务中心服务人口1000-5000人。",
        "每25—30公里乡道配备专管员。",
        "积极发展3-6岁儿童学前教育。",
        "改建或新建9座左右口袋公园。",  # planning parameters
        "覆盖半径在1.25公里(0.5公里)左右。",
        "完成燃气老化管道改造约36公里。",
        "用3个月左右时间开展集中攻坚。",
        "党群工作部每年对新区意识形态工作进行1次专项督查。",  # frequencies
        "配合做好每2年联动开展1次的督导督查。",
        "五年内社区工作者轮训一次。",
        "5年内三级服务平台全面达标。",
        "依据宁政法[2012]1号和沪安委会〔2023〕9号文件要求。",  # document numbers, dates, years
        "本方案自2020年9月1日起施行。",
        "城市社区2012年、农村社区2013年全面建立社区管理体制。",
        "2011年在全国率先探索建立网上协同办案机制。",
        "推动完善110非警务警情与12345热线的对接联动机制。",  # codes
        "充分运用5G等新技术提升防范水平。",
        "充分发挥“12345”政府服务呼叫中心作用。",
        "3.推进各项工作。",  # list numbering
        "（2）推进各项工作。",
        "实施“百万人住房改善建设计划”。",  # quotations
        "推广城区“一社区一警两辅”模式。",
        "组织实施“六五”普法规划。",
        "在市级层面组建10个矛盾纠纷专项协调小组。",  # counts of what is set up, not committed levels
        "市和各区县建设一个功能齐全的刑释解教人员过渡性安置基地。",
        "新建或改造一所满足需要的专门学校。",
        "新增一批人防工程地下停车位。",
        "实现一次采集、多方利用。",
        "建立日常联系、民情直达、协调处理三项机制。",
        "完善15年基础教育扶困助学“绿色通道”。",
        "目前全市共有社区服务站120个。",  # description
        "得分处于前30%的从业单位评为A类。",  # ranking
        "[95%，100%），扣0.5分；",  # a score band
        "优秀率不足80%但未受处罚。",
        "远香湖南（4.73平方公里）达标评估。",  # a size given in passing
        "奖励标准为15万元/个。",
        "乡道每年每公里5000元。",
        "25%",
        "全市刑释解教人员重新违法犯罪率低于省控指标。",
        "",
    ],
)
def test_not_a_target(text: str) -> None:
    assert find_targets(text, plan_year=2022) == []


# ---------------------------------------------------------------------------------------------
# 分别 / 均


def test_respectively() -> None:
    text = (
        "2013年全市流动人口登记率、私房出租户责任书签订率、流动人口服务管理平台建成率分别达90%、90%、80%以上，"
        "到2015年分别达95%以上。"
    )
    found = find_targets(text)
    assert [(t.metric, t.value, t.by) for t in found] == [
        ("全市流动人口登记率", 90, "2013"),
        ("私房出租户责任书签订率", 90, "2013"),
        ("流动人口服务管理平台建成率", 80, "2013"),
        ("全市流动人口登记率", 95, "2015"),
        ("私房出租户责任书签订率", 95, "2015"),
        ("流动人口服务管理平台建成率", 95, "2015"),
    ]
    assert {t.cmp for t in found} == {">="}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("沿街商铺、城镇居民和农村家庭技防入户率分别达到100%、80%和70%。", [100, 80, 70]),
        ("县道和乡村道年均养护工程比例分别不低于13%和8%。", [13, 8]),
        ("区县、市、省级民主法治村创建率分别达98%、80%、30%以上。", [98, 80, 30]),
    ],
)
def test_respectively_values(text: str, values: list[float]) -> None:
    found = find_targets(text)
    assert [t.value for t in found] == values
    assert len({t.metric for t in found}) == len(values)


def test_all_of() -> None:
    found = find_targets("药物研究机构备案率、药品流通环节远程监督覆盖率、召回问题药品处理率均达到100%。")
    assert [t.metric for t in found] == [
        "药物研究机构备案率",
        "药品流通环节远程监督覆盖率",
        "召回问题药品处理率",
    ]
    assert {t.key() for t in found} == {(">=", 100, "%", None)}


# ---------------------------------------------------------------------------------------------
# Deadline years


@pytest.mark.parametrize(
    ("text", "by"),
    [
        ("到2015年，调处成功率达95%。", "2015"),
        ("力争到2015年，全市80%以上区县达到标准。", "2015"),
        ("2011年底前全市基础数据入库率达95%。", "2011"),
        ("到2013年底,80%以上的重点网站安装保护设施。", "2013"),
        ("2013年全市流动人口登记率达90%以上。", "2013"),
        ("“十二五”期间累计扶持各类创业者5万人。", "2015"),
        ("“十四五”期间完成1000公里老化燃气管道改造。", "2025"),
        ("青奥会前全市积案化解率达90%以上。", "2014"),
        ("社区戒毒、社区康复人员执行率到2015年不低于90%。", "2015"),
        ("单位增加值能耗比2020年下降13.5%。", None),  # a base year
        ("人均收入较2015年增长5%。", None),
        ("年度城镇登记失业率控制在4%以内。", None),
        ("力争2000年前建成的老旧小区改造率达到90%。", None),
    ],
)
def test_by(text: str, by: str | None) -> None:
    found = find_targets(text, plan_year=2012)
    assert found, text
    assert {t.by for t in found} == {by}


def test_by_stops_at_the_sentence_end() -> None:
    found = find_targets(
        "到2015年，行政复议纠错率达100%。法制宣传教育中心建成率达90%。群众满意率保持在95%以上。"
    )
    assert [t.by for t in found] == ["2015", None, None]


def test_by_changes_within_a_sentence() -> None:
    found = find_targets("到2012年，全市60%以上区县完成建设，到2014年，信访积案化解率达90%。")
    assert [t.by for t in found] == ["2012", "2014"]


def test_by_from_the_plan_year() -> None:
    assert [t.by for t in find_targets("年内完成改造率达到90%。", plan_year=2024)] == ["2024"]
    assert [t.by for t in find_targets("年内完成改造率达到90%。")] == [None]
    # "五年内": the last of five years counting the plan's own (a 2016 plan's "5年内" is 2020)
    assert [t.by for t in find_targets("五年内改造率达到90%。", plan_year=2024)] == ["2028"]
    assert [t.by for t in find_targets("五年内改造率达到90%。")] == [None]


@pytest.mark.parametrize(
    ("text", "plan_year", "year"),
    [
        ("到2015年", None, 2015),
        ("2011年底前", None, 2011),
        ("2019年11月底前", None, 2019),
        ("二〇一五年底", None, 2015),
        ("“十二五”期间", None, 2015),
        ("十三五末", None, 2020),
        ("“十四五”时期", None, 2025),
        ("十五五期间", None, 2030),
        ("青奥会前", None, 2014),
        ("世博会前", None, 2010),
        ("亚运会前", 2020, 2023),
        ("亚运会前", 2008, 2010),
        ("年内", 2020, 2020),
        ("年底前", 2020, 2020),
        ("明年", 2020, 2021),
        ("年内", None, None),
        ("比2020年", None, None),
        ("从2012年起", None, None),
        ("自2020年以来", None, None),
        ("2000年前建成的", None, None),
        ("五年内", 2020, 2024),
        ("五年内", None, None),
        ("使用五年内的车辆", 2020, None),
        ("“六五”普法", None, None),
        ("", None, None),
    ],
)
def test_year_of(text: str, plan_year: int | None, year: int | None) -> None:
    assert year_of(text, plan_year=plan_year) == year


# ---------------------------------------------------------------------------------------------
# Completion dates


@pytest.mark.parametrize(
    ("text", "plan_year", "iso"),
    [
        ("2019年11月底", None, "2019-11-30"),
        ("2017年底前", None, "2017-12-31"),
        ("2018年6月", None, "2018-06-30"),
        ("2021年", None, "2021-12-31"),
        ("2019年11月30日前", None, "2019-11-30"),
        ("二〇一九年十一月底", None, "2019-11-30"),
        ("2019-11-30", None, "2019-11-30"),
        ("2019.11", None, "2019-11-30"),
        ("2020年2月底", None, "2020-02-29"),  # leap year
        ("2019年2月底", None, "2019-02-28"),
        ("2000年2月", None, "2000-02-29"),
        ("1900年2月", None, "1900-02-28"),  # not a leap year
        ("2019年上半年", None, "2019-06-30"),
        ("2024年第一季度", None, "2024-03-31"),
        ("2019年6月至2020年12月", None, "2020-12-31"),  # the end of the span
        ("2023-2025年", None, "2025-12-31"),
        ("2022年1-3月", None, "2022-03-31"),
        ("上半年", 2020, "2020-06-30"),
        ("下半年", 2020, "2020-12-31"),
        ("一季度完成", 2025, "2025-03-31"),
        ("第三季度", 2025, "2025-09-30"),
        ("前三季度", 2024, "2024-09-30"),
        ("3月", 2025, "2025-03-31"),
        ("10月底前", 2025, "2025-10-31"),
        ("6月中旬", 2024, "2024-06-20"),
        ("9月30日前", 2024, "2024-09-30"),
        ("年内完成", 2025, "2025-12-31"),
        ("年底前", 2025, "2025-12-31"),
        ("明年6月", 2024, "2025-06-30"),
        ("“十四五”期间", None, "2025-12-31"),
        ("青奥会前", None, "2014-08-31"),
        ("上半年", None, None),  # no plan year: the words only
        ("3月", None, None),
        ("常态化实施", 2025, None),
        ("全年推进", 2025, None),
        ("持续推进", 2025, None),
        ("长期坚持", 2025, None),
        ("与国家安排同步", 2025, None),
        ("12个月内", 2025, None),
        ("2月30日", 2024, None),
        ("", 2025, None),
    ],
)
def test_parse_deadline(text: str, plan_year: int | None, iso: str | None) -> None:
    assert parse_deadline(text, plan_year=plan_year) == (iso, text)


def test_parse_deadline_keeps_the_words_without_whitespace() -> None:
    assert parse_deadline(" 2017年 底前\n完成 ") == ("2017-12-31", "2017年底前完成")


# ---------------------------------------------------------------------------------------------
# One table per rule (none of these sentences is from a gold document)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("实施12公里雨污混接管道改造。", {(">=", 12, "公里", None)}),
        ("推进86个城中村改造项目。", {(">=", 86, "个", None)}),
        ("打造20个数字化转型应用场景。", {(">=", 20, "个", None)}),
        ("年内新增350根公共充电桩。", {(">=", 350, "根", None)}),
        ("完成60万平方米旧住房修缮。", {(">=", 60, "万平方米", None)}),
        ("改造提升30座农贸市场。", {(">=", 30, "座", None)}),
        ("力争培育和引进5家专精特新企业。", {(">=", 5, "家", None)}),
        ("率先建成4个无废城市示范街镇。", {(">=", 4, "个", None)}),
        ("新建12所公办幼儿园。", {(">=", 12, "所", None)}),
        ("开展3项专项整治行动。", {(">=", 3, "项", None)}),
        ("对15家重点用能单位开展节能诊断。", {(">=", 15, "家", None)}),  # the object fronted
        ("为200户困难家庭安装燃气报警器。", {(">=", 200, "户", None)}),
        ("完成区体育中心等6个场馆改造。", {(">=", 6, "个", None)}),  # through an example
        ("嘉定区计划新增滨江公园等4座城市公园。", {(">=", 4, "座", None)}),
        ("缓拥堵提升21个点位。", {(">=", 21, "个", None)}),  # a change verb taking a count: no change
        ("人行道断头贯通，累计完成25400㎡。", {(">=", 25400, "㎡", None)}),
        ("到2025年底，40平方公里以上建成区面积达到海绵城市要求。", {(">=", 40, "平方公里", None)}),
        ("公园建设项目共计12个（新城7个、其他区域5个）。", {(">=", 12, "个", None)}),  # not the breakdown
        ("解决一批人行道梗阻问题，不小于16处。", {(">=", 16, "处", None)}),  # named by the clause before
        ("建成并投用东站、西站、南站（含支队部）3个站点。", {(">=", 3, "个", None)}),  # the objects named
        ("加强26个老旧小区消防水源建设。", {(">=", 26, "个", None)}),
        ("开展4课时以上安全教育和1次以上疏散演练。", {(">=", 4, "课时", None), (">=", 1, "次", None)}),
        ("建设20个以上社区服务中心。", {(">=", 20, "个", None)}),
        ("实施25个区管桥梁桥下空间整治。", {(">=", 25, "个", None)}),
        ("完成10个单位节能改造。", {(">=", 10, "个", None)}),
    ],
)
def test_it_counts_what_a_verb_commits_to(text: str, keys: set[Key]) -> None:
    assert _keys(text, plan_year=2024) == keys


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        (
            "累计完成800公里雨水管网改造，25万户二次供水设施改造。",
            {(">=", 800, "公里", None), (">=", 25, "万户", None)},
        ),
        ("创建15个美丽家园示范小区、8个绿色社区。", {(">=", 15, "个", None), (">=", 8, "个", None)}),
        ("对12家公共机构和5家公共建筑开展能源审计。", {(">=", 12, "家", None), (">=", 5, "家", None)}),
        ("推进5个既有园区和至少2个科创园区的提质增效。", {(">=", 5, "个", None), (">=", 2, "个", None)}),
        (
            "养护资金不得低于县道每年每公里2万元，乡道每年每公里6000元，村道每年每公里4000元。",
            {(">=", 2, "万元", None), (">=", 6000, "元", None), (">=", 4000, "元", None)},
        ),
        (
            "开工建设3000个公共停车位，新增1200个错峰共享停车位，建成20个智慧停车场。",
            {(">=", 3000, "个", None), (">=", 1200, "个", None), (">=", 20, "个", None)},
        ),
    ],
)
def test_it_reads_every_quantity_of_a_list(text: str, keys: set[Key]) -> None:
    assert _keys(text, plan_year=2024) == keys


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("全市地区生产总值突破5000亿元。", (">=", 5000, "亿元", None)),
        ("社会消费品零售总额过1000亿元。", (">=", 1000, "亿元", None)),
        ("每个街镇培育社区社会组织不少于10家。", (">=", 10, "家", None)),
        ("全区绿化覆盖率40%以上。", (">=", 40, "%", None)),
        ("绿色建筑占新建建筑比例达到100%。", (">=", 100, "%", None)),
        ("人均公园绿地面积不低于9平方米。", (">=", 9, "平方米", None)),
        ("每个社区至少配备2名社区民警。", (">=", 2, "名", None)),
        ("公交准点率提高到95%。", (">=", 95, "%", None)),
        ("重大火灾事故起数控制在3起以下。", ("<=", 3, "起", None)),
        ("平均通勤时间45分钟以内。", ("<=", 45, "分钟", None)),
        ("常住人口不超过2500万人。", ("<=", 2500, "万人", None)),
        ("新增建设用地控制在300公顷。", ("<=", 300, "公顷", None)),
        ("空气质量优良率高于85%。", (">", 85, "%", None)),
        ("细颗粒物年均浓度低于30微克/立方米。", ("<", 30, "微克/立方米", None)),
        ("单位生产总值能耗下降14%以上。", (">=", 14, "%", "decrease")),
        ("万元GDP用水量比2020年下降16%。", (">=", 16, "%", "decrease")),
        ("研发投入占比提高1.5个百分点。", (">=", 1.5, "个百分点", "increase")),
    ],
)
def test_it_reads_the_comparator(text: str, key: Key) -> None:
    assert _keys(text, plan_year=2024) == {key}


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("城市、县城和建制镇污水处理率分别达98%、95%、85%以上。", [98, 95, 85]),
        ("城镇和农村居民收入分别增长6%和7%。", [6, 7]),
        ("二级以上医院、社区卫生服务中心电子病历覆盖率均达到100%。", [100, 100]),
    ],
)
def test_it_gives_each_metric_its_value(text: str, values: list[float]) -> None:
    found = find_targets(text, plan_year=2024)
    assert [t.value for t in found] == values
    assert len({t.metric for t in found}) == len(values)


@pytest.mark.parametrize(
    ("text", "plan_year", "by"),
    [
        ("到2025年，全区新增城市公园10座。", 2023, ["2025"]),
        ("2024年底前完成120个小区改造。", 2023, ["2024"]),
        ("“十四五”期间新建绿道80公里。", 2021, ["2025"]),
        ("亚运会前完成场馆改造12座。", 2021, ["2023"]),
        ("年内新增200根公用充电桩。", 2025, ["2025"]),
        ("明年完成改造100个小区。", 2024, ["2025"]),
        ("推动完成25平方公里年度处置任务。", 2026, ["2026"]),  # the year of a one-year plan
        ("新建绿道60公里，确保2025年底前全部建成。", 2023, ["2025"]),  # the sentence's year
        ("完成改造30个，到2026年达到50个。", 2024, [None, "2026"]),  # not the other number's year
        ("新建绿道60公里，在2025年的水平上再提高。", 2023, [None]),  # a bare year is no deadline
        ("年度城镇登记失业率控制在4%以内。", 2026, [None]),  # a yearly rate, not this year
        ("5年内，执勤消防车更新及新增达到20%。", 2016, ["2020"]),  # within the plan's five years
        ("相比“十三五”期，事故起数下降10%。", 2021, [None]),  # a base period
        ("新增城市公园10座。", 2025, [None]),  # no year in the sentence: not the plan's
    ],
)
def test_it_dates_a_target(text: str, plan_year: int, by: list[str | None]) -> None:
    assert [t.by for t in find_targets(text, plan_year=plan_year)] == by


@pytest.mark.parametrize(
    "text",
    [
        # the case a rule applies to, and the condition of a scoring rule
        "对燃气软管长度超过2米、未安装熄火保护装置的，责令限期整改。",
        "使用年限超过20年的燃气管道要加快评估。",
        "存放气瓶总重量超过100公斤但未设置气瓶间的，依法处罚。",
        "占比60%及以上，加3分；",
        "关键参数偏差大于30%，扣3分。",
        "人员到岗率低于90%的，不得分。",
        # which subjects: qualifiers
        "重点排查服务对象500人以上的养老机构。",
        "对2005年前建成的老旧小区开展排查。",
        "推动1万平方米以上的商业综合体开展节能诊断。",
        "年用电量500万千瓦时以上重点用能单位全面开展能源审计。",
        "单位面积能耗下降20%以上的改造项目纳入奖励范围。",
        "60周岁以上老年人免费乘车。",
        "年满18周岁的居民可以报名。",
        # ranges, approximations, frequencies
        "服务半径500米左右的社区食堂。",
        "每个街道配备3-5名专职网格员。",
        "完成架空线入地约40公里。",
        "每季度开展1次安全检查。",
        "保洁频率提升至10天完成1次全线冲洗。",
        # dates, document numbers
        "本方案自2024年3月1日起施行。",
        "根据沪府办发〔2024〕25号文件要求。",
        # money that is a budget or an award
        "对符合条件的项目给予最高200万元补助。",
        "市级财政每年安排专项资金5000万元。",
        "对评定为示范小区的给予15万元奖励。",
        # what is, not what is to be done
        "目前全区已建成社区食堂120个。",
        "截至目前，累计建成口袋公园85座。",
        "全区共有养老机构52家。",
        "注册用户数已突破700万。",
        # how the work is arranged, and "一" as an article
        "在区级层面组建8个专项工作组。",
        "落实5个方面重点任务。",
        "建立一个统一的数据平台。",
        "新建一所九年一贯制学校。",
        "推进调整优化项目资金、联运发展项目资金2项纳入“免申即享”。",
        "落实强化责任落实、遏制重特大事故的十五条措施。",
        "全区有高层建筑1421幢，轨道交通站点21个。",
        "重点推进安远路899项目。",  # an address
        "推动全市16个区全面开展垃圾分类。",  # who does the work
        "组织全区12个街镇开展应急演练。",
        "落实1个责任制。",
        "加强全区300家重点企业监管。",  # all there are, not an output
        "加强矛盾化解、治安防控和应急处置等七个方面的协同联动。",
    ],
)
def test_it_leaves_out_what_is_not_a_commitment(text: str) -> None:
    assert find_targets(text, plan_year=2024) == []


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2019年11月底", "2019-11-30"),
        ("2017年底前", "2017-12-31"),
        ("2024年12月31日前", "2024-12-31"),
        ("2025年6月", "2025-06-30"),
        ("2024年—2025年", "2025-12-31"),
        ("5月底完成", "2025-05-31"),  # a month without a year: the plan's
        ("10月底前", "2025-10-31"),
        ("6月底前完成", "2025-06-30"),
        ("年内完成", "2025-12-31"),
        ("年底前", "2025-12-31"),
        ("一季度", "2025-03-31"),
        ("第一季度", "2025-03-31"),
        ("二季度", "2025-06-30"),
        ("三季度末", "2025-09-30"),
        ("上半年", "2025-06-30"),
        ("下半年", "2025-12-31"),
        ("青奥会前", "2014-08-31"),
        ("长期坚持", None),
        ("常态化实施", None),
        ("全年推进", None),
        ("持续推进", None),
        ("每季度", None),
        ("2025年起", None),  # when the work starts
        ("自2024年起长期坚持", None),
    ],
)
def test_it_reads_a_completion_date(text: str, iso: str | None) -> None:
    assert parse_deadline(text, plan_year=2025) == (iso, text)


# ---------------------------------------------------------------------------------------------
# Vocabulary files ship in the package


def test_vocabulary_files() -> None:
    data = resources.files("duban.extract").joinpath("data")
    events = json.loads(data.joinpath("events.json").read_text(encoding="utf-8"))
    words = json.loads(data.joinpath("target_words.json").read_text(encoding="utf-8"))
    assert events["periods"]["十二五"] == "2015-12"
    assert events["events"]["青奥会"] == "2014-08"
    assert events["events"]["世博会"] == "2010-05"
    assert set(words["comparators"]) == {">=", "<=", ">", "<"}
    assert "%" in words["units"] and "万平方米" not in words["units"]  # 万 is read as a multiplier


# ---------------------------------------------------------------------------------------------
# Robustness and speed

_SOUP_CHARS = list(
    "0123456789.%‰０９％，、。；：（）()“”《》-—~至到以上下内达不低于超过控制在分别均每至少年月日底前的"
)
_SOUP_WORDS = [
    "百分之",
    "千分之",
    "一",
    "二",
    "十",
    "百",
    "千",
    "万",
    "亿",
    "人",
    "个",
    "次",
    "小时",
    "万平方米",
]
_SOUP_WORDS += ["下降", "提高到", "建立", "完成", "十二五", "青奥会", "期间", "季度", "上半年", "率", "左右"]
_ALPHABET = st.sampled_from([*_SOUP_CHARS, *_SOUP_WORDS])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_never_raises_on_vocabulary_soup(text: str) -> None:
    for t in find_targets(text, plan_year=2020):
        assert t.cmp in (">=", "<=", ">", "<")
        assert t.by is None or t.by.isdigit()
    iso, _words = parse_deadline(text, plan_year=2020)
    assert iso is None or len(iso) == 10
    year_of(text, plan_year=2020)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_never_raises_on_any_text(text: str) -> None:
    find_targets(text)
    find_targets(text, plan_year=2024)
    parse_deadline(text)
    parse_deadline(text, plan_year=2024)
    year_of(text)


def test_long_text_is_linear() -> None:
    """No catastrophic backtracking: a long run of numerals and comparators finishes at once."""
    import time

    text = ("达到不低于" + "一二三四五六七八九十" * 30 + "百分之" + "9" * 200 + "%以上，") * 50
    start = time.perf_counter()
    find_targets(text)
    parse_deadline(text)
    assert time.perf_counter() - start < 2.0
