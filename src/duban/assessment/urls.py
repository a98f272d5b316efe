"""Assessment pages, mounted at /assessment/."""

from django.urls import path

from duban.assessment.views import (
    appeals,
    assessments,
    grades,
    home,
    incidents,
    items,
    negative_list,
    results,
    schemes,
)

app_name = "assessment"
urlpatterns = [
    path("", home.home, name="home"),
    path("schemes/new/", schemes.scheme_new, name="scheme_new"),
    path("schemes/<int:scheme_id>/", schemes.scheme_detail, name="scheme"),
    path("schemes/<int:scheme_id>/settings/", schemes.scheme_settings, name="scheme_settings"),
    path("schemes/<int:scheme_id>/items/new/", items.item_add, name="item_add"),
    path("schemes/<int:scheme_id>/items/<int:item_id>/", items.item_edit, name="item_edit"),
    path("schemes/<int:scheme_id>/items/<int:item_id>/remove/", items.item_remove, name="item_remove"),
    path("schemes/<int:scheme_id>/rules/new/", negative_list.rule_add, name="rule_add"),
    path("schemes/<int:scheme_id>/rules/<int:rule_id>/", negative_list.rule_edit, name="rule_edit"),
    path(
        "schemes/<int:scheme_id>/rules/<int:rule_id>/remove/", negative_list.rule_remove, name="rule_remove"
    ),
    path("schemes/<int:scheme_id>/vetoes/", negative_list.veto_add, name="veto_add"),
    path("schemes/<int:scheme_id>/vetoes/<int:veto_id>/", negative_list.veto_edit, name="veto_edit"),
    path(
        "schemes/<int:scheme_id>/vetoes/<int:veto_id>/remove/", negative_list.veto_remove, name="veto_remove"
    ),
    path("schemes/<int:scheme_id>/bonuses/", negative_list.bonus_add, name="bonus_add"),
    path("schemes/<int:scheme_id>/bonuses/<int:bonus_id>/", negative_list.bonus_edit, name="bonus_edit"),
    path(
        "schemes/<int:scheme_id>/bonuses/<int:bonus_id>/remove/",
        negative_list.bonus_remove,
        name="bonus_remove",
    ),
    path("schemes/<int:scheme_id>/activate/", schemes.scheme_activate, name="scheme_activate"),
    path("schemes/<int:scheme_id>/run/", schemes.scheme_run, name="scheme_run"),
    path("<int:assessment_id>/", assessments.assessment_detail, name="assessment"),
    path("<int:assessment_id>/ranking.xlsx", assessments.ranking_xlsx, name="ranking_xlsx"),
    path("<int:assessment_id>/report.docx", assessments.report_docx, name="report_docx"),
    path("<int:assessment_id>/run/", assessments.assessment_run, name="run"),
    path("<int:assessment_id>/close/", assessments.assessment_close, name="close"),
    path("<int:assessment_id>/reopen/", assessments.assessment_reopen, name="reopen"),
    path("<int:assessment_id>/publish/", assessments.assessment_publish, name="publish"),
    path("<int:assessment_id>/incidents/", incidents.incident_add, name="incident_add"),
    path(
        "<int:assessment_id>/incidents/<int:incident_id>/remove/",
        incidents.incident_remove,
        name="incident_remove",
    ),
    path(
        "<int:assessment_id>/incidents/<int:incident_id>/evidence/",
        incidents.incident_evidence,
        name="incident_evidence",
    ),
    path("<int:assessment_id>/items/<int:item_id>/grades/", grades.grades, name="grades"),
    path("<int:assessment_id>/appeals/", appeals.appeal_list, name="appeals"),
    path("results/<int:result_id>/", results.result_detail, name="result"),
    path("results/<int:result_id>/breakdown.xlsx", results.result_xlsx, name="result_xlsx"),
    path("results/<int:result_id>/appeal/", appeals.appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/decide/", appeals.appeal_decide, name="appeal_decide"),
]
