from django.urls import path

from duban.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("new/", views.unit_create, name="create"),
    path("workload/", views.workload, name="workload"),
    path("<int:unit_id>/", views.unit_detail, name="detail"),
    path("<int:unit_id>/edit/", views.unit_edit, name="edit"),
    path("<int:unit_id>/alias/", views.unit_add_alias, name="add_alias"),
    path("<int:unit_id>/merge/", views.unit_merge, name="merge"),
    path("<int:unit_id>/members/", views.unit_members, name="members"),
]
