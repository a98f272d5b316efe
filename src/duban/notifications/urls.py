"""Notification pages. The site mounts them under /tracking/ (duban.web.urls), where they were
before this app existed: the inbox's address is in every message and in users' bookmarks."""

from django.urls import path

from duban.notifications import views

app_name = "notifications"
urlpatterns = [
    path("inbox/", views.inbox_list, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("inbox/<int:notification_id>/", views.notification_open, name="notification"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:delivery_id>/retry/", views.delivery_retry, name="delivery_retry"),
    path("channels/", views.channel_list, name="channels"),
]
