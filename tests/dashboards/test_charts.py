"""Chart specs, their table twins and the Chinese number format of the figures (no database)."""

from decimal import Decimal

from org import charts
from org.templatetags.dashboard import figure


def test_a_spec_and_its_twin_carry_the_same_values_and_links():
    spec = charts.spec(chart_id="c", title="进度", kind="bar", categories=["咸安区", "嘉鱼县"],
                       series=[charts.Series("已批准", [3, None], ["/a?region=1", None]), charts.Series("应完成", [2.5, 1])])
    assert spec["series"][1]["links"] == [None, None]
    assert charts.twin_rows(spec) == [("咸安区", [(3, "/a?region=1"), (2.5, None)]), ("嘉鱼县", [(None, None), (1, None)])]


def test_figures_in_chinese_statistical_format():
    assert figure(1530) == "1,530"
    assert figure(12.345) == "12.3" and figure(Decimal("40.0")) == "40"
    assert figure(48.6, True) == "48.6%" and figure(None) == "—" and figure(0) == "0"


def test_list_links_leave_out_empty_filters():
    assert charts.list_link("rotation:assignment-list", plan=3, region=None, state="") == "/rotation/assignments/?plan=3"
    assert charts.list_link("rotation:assignment-list") == "/rotation/assignments/"
