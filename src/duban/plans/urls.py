from django.urls import path

from duban.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.import_upload, name="import"),
]
