from django.urls import path

from duban.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
]
