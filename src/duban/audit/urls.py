from django.urls import path

from duban.audit import trail, views

app_name = "audit"
urlpatterns = [
    path("", trail.trail, name="trail"),
    path("<str:object_type>/<str:object_id>/", views.object_history, name="object"),
]
