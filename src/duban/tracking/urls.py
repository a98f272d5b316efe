"""Tracking pages. The paths of tasks, reports, orders and periods are the links that links.py
writes into messages: change them together. The inbox is duban.notifications' (mounted here too)."""

from django.urls import path

from duban.tracking import bulk_views, views

app_name = "tracking"
urlpatterns = [
    path("", views.home, name="home"),
    path("plans/<int:plan_id>/periods/", views.period_list, name="periods"),
    path("periods/<int:period_id>/", views.period_detail, name="period"),
    path("periods/<int:period_id>/export.xlsx", views.period_xlsx, name="period_xlsx"),
    path("periods/<int:period_id>/circular.docx", views.period_docx, name="period_docx"),
    path("periods/<int:period_id>/bulk.xlsx", bulk_views.bulk_download, name="bulk_download"),
    path("periods/<int:period_id>/bulk/", bulk_views.bulk_upload, name="bulk_upload"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/periods/<int:period_id>/report/", views.report_new, name="report_new"),
    path("tasks/<int:task_id>/orders/new/", views.order_issue, name="order_issue"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("reports/<int:report_id>/review/", views.report_review, name="report_review"),
    path("reports/<int:report_id>/correct/", views.report_correct, name="report_correct"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("review/", views.review_list, name="review"),
    path("orders/", views.order_list, name="orders"),
    path("orders/<int:order_id>/", views.order_detail, name="order"),
    path("orders/<int:order_id>/reply/", views.order_reply, name="order_reply"),
    path("orders/<int:order_id>/close/", views.order_close, name="order_close"),
    path("orders/<int:order_id>/escalate/", views.order_escalate, name="order_escalate"),
    path("orders/<int:order_id>/docx/", views.order_docx, name="order_docx"),
]
