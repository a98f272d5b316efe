from django.urls import path

from duban.units import suggestion_views, views

# The directory's upkeep pages. duban.web.urls joins them under /units/ and the `units:` namespace
# with the pages that show units in the plans (list, a unit's page, workload: duban.plans.urls).
urlpatterns = [
    path("new/", views.unit_create, name="create"),
    path("merges/", suggestion_views.merge_suggestions, name="merge_suggestions"),
    path("<int:unit_id>/edit/", views.unit_edit, name="edit"),
    path("<int:unit_id>/alias/", views.unit_add_alias, name="add_alias"),
    path("<int:unit_id>/merge/", views.unit_merge, name="merge"),
    path("<int:unit_id>/members/", views.unit_members, name="members"),
]
