"""Tracking pages. The paths of tasks, reports, orders and periods are the links that links.py
writes into messages: change them together. The inbox is duban.notifications' (mounted here too)."""

from django.urls import path

from duban.tracking.views import bulk, evidence, home, orders, periods, reports, reviews, tasks

app_name = "tracking"
urlpatterns = [
    path("", home.home, name="home"),
    path("plans/<int:plan_id>/periods/", periods.period_list, name="periods"),
    path("periods/<int:period_id>/", periods.period_detail, name="period"),
    path("periods/<int:period_id>/export.xlsx", periods.period_xlsx, name="period_xlsx"),
    path("periods/<int:period_id>/circular.docx", periods.period_docx, name="period_docx"),
    path("periods/<int:period_id>/bulk.xlsx", bulk.bulk_download, name="bulk_download"),
    path("periods/<int:period_id>/bulk/", bulk.bulk_upload, name="bulk_upload"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    path("tasks/<int:task_id>/periods/<int:period_id>/report/", reports.report_new, name="report_new"),
    path("tasks/<int:task_id>/orders/new/", orders.order_issue, name="order_issue"),
    path("reports/<int:report_id>/", reports.report_detail, name="report"),
    path("reports/<int:report_id>/review/", reviews.report_review, name="report_review"),
    path("reports/<int:report_id>/correct/", reports.report_correct, name="report_correct"),
    path("evidence/<int:evidence_id>/", evidence.evidence_download, name="evidence"),
    path("evidence/<int:evidence_id>/remove/", evidence.evidence_remove, name="evidence_remove"),
    path("review/", reviews.review_list, name="review"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:order_id>/", orders.order_detail, name="order"),
    path("orders/<int:order_id>/reply/", orders.order_reply, name="order_reply"),
    path("orders/<int:order_id>/close/", orders.order_close, name="order_close"),
    path("orders/<int:order_id>/escalate/", orders.order_escalate, name="order_escalate"),
    path("orders/<int:order_id>/docx/", orders.order_docx, name="order_docx"),
]
