from django.urls import path

from duban.audit import views

app_name = "audit"
urlpatterns = [
    path("<str:object_type>/<str:object_id>/", views.object_history, name="object"),
]
