from django.urls import path

from duban.plans import import_views, unit_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/source/", views.plan_source, name="source"),
    path("<int:plan_id>/diff/<int:other_id>/", views.plan_diff, name="diff"),
    path("<int:plan_id>/settings/", views.plan_settings, name="settings"),
    path("task/<int:task_id>/", views.task_detail, name="task"),
    path("task/<int:task_id>/parent/", views.task_set_parent, name="task_parent"),
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:draft_id>/", import_views.import_preview, name="import_preview"),
    path("import/<int:draft_id>/edit/", import_views.import_edit, name="import_edit"),
    path("import/<int:draft_id>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("import/<int:draft_id>/cancel/", import_views.import_cancel, name="import_cancel"),
    path("import/<int:draft_id>/revise/", import_views.import_revise, name="import_revise"),
]

# The unit pages that show units in the plans, under /units/ with the `units:` names they have
# always had: duban.web.urls joins them with the directory's upkeep pages (duban.units.urls).
unit_urlpatterns = [
    path("", unit_views.unit_list, name="list"),
    path("workload/", unit_views.workload, name="workload"),
    path("<int:unit_id>/", unit_views.unit_detail, name="detail"),
]
