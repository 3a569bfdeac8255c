"""Axis titles carry their unit in the label's own script: （日） for Japanese, (days) for English."""

from prioritizer.charts.spec import axis_title


def test_brackets_follow_the_label_language():
    assert axis_title("備蓄日数", "日") == "備蓄日数（日）"
    # an English page showed "Days of cover（days）" before (issue 27, the two-session browser test)
    assert axis_title("Days of cover", "days") == "Days of cover (days)"
    assert axis_title("Cost", "億円") == "Cost (億円)"
    assert axis_title("Cost (億円)", "億円") == "Cost (億円)"
    assert axis_title("Cost", "") == "Cost"
