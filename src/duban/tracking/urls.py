from django.urls import URLPattern

app_name = "tracking"
urlpatterns: list[URLPattern] = []
