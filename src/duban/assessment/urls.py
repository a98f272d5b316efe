"""Assessment pages, mounted at /assessment/."""

from django.urls import path

from duban.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.home, name="home"),
    path("schemes/new/", views.scheme_new, name="scheme_new"),
    path("schemes/<int:scheme_id>/", views.scheme_detail, name="scheme"),
    path("schemes/<int:scheme_id>/settings/", views.scheme_settings, name="scheme_settings"),
    path("schemes/<int:scheme_id>/items/new/", views.item_add, name="item_add"),
    path("schemes/<int:scheme_id>/items/<int:item_id>/", views.item_edit, name="item_edit"),
    path("schemes/<int:scheme_id>/items/<int:item_id>/remove/", views.item_remove, name="item_remove"),
    path("schemes/<int:scheme_id>/rules/new/", views.rule_add, name="rule_add"),
    path("schemes/<int:scheme_id>/rules/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("schemes/<int:scheme_id>/rules/<int:rule_id>/remove/", views.rule_remove, name="rule_remove"),
    path("schemes/<int:scheme_id>/vetoes/", views.veto_add, name="veto_add"),
    path("schemes/<int:scheme_id>/vetoes/<int:veto_id>/", views.veto_edit, name="veto_edit"),
    path("schemes/<int:scheme_id>/vetoes/<int:veto_id>/remove/", views.veto_remove, name="veto_remove"),
    path("schemes/<int:scheme_id>/bonuses/", views.bonus_add, name="bonus_add"),
    path("schemes/<int:scheme_id>/bonuses/<int:bonus_id>/", views.bonus_edit, name="bonus_edit"),
    path("schemes/<int:scheme_id>/bonuses/<int:bonus_id>/remove/", views.bonus_remove, name="bonus_remove"),
    path("schemes/<int:scheme_id>/activate/", views.scheme_activate, name="scheme_activate"),
    path("schemes/<int:scheme_id>/run/", views.scheme_run, name="scheme_run"),
    path("<int:assessment_id>/", views.assessment_detail, name="assessment"),
    path("<int:assessment_id>/ranking.xlsx", views.ranking_xlsx, name="ranking_xlsx"),
    path("<int:assessment_id>/report.docx", views.report_docx, name="report_docx"),
    path("<int:assessment_id>/run/", views.assessment_run, name="run"),
    path("<int:assessment_id>/close/", views.assessment_close, name="close"),
    path("<int:assessment_id>/reopen/", views.assessment_reopen, name="reopen"),
    path("<int:assessment_id>/publish/", views.assessment_publish, name="publish"),
    path("<int:assessment_id>/incidents/", views.incident_add, name="incident_add"),
    path(
        "<int:assessment_id>/incidents/<int:incident_id>/remove/",
        views.incident_remove,
        name="incident_remove",
    ),
    path(
        "<int:assessment_id>/incidents/<int:incident_id>/evidence/",
        views.incident_evidence,
        name="incident_evidence",
    ),
    path("<int:assessment_id>/items/<int:item_id>/grades/", views.grades, name="grades"),
    path("<int:assessment_id>/appeals/", views.appeal_list, name="appeals"),
    path("results/<int:result_id>/", views.result_detail, name="result"),
    path("results/<int:result_id>/breakdown.xlsx", views.result_xlsx, name="result_xlsx"),
    path("results/<int:result_id>/appeal/", views.appeal_file, name="appeal_file"),
    path("appeals/<int:appeal_id>/decide/", views.appeal_decide, name="appeal_decide"),
]
