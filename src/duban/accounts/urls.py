from django.contrib.auth import views as auth_views
from django.urls import path

from duban.accounts.views import LogoutView, PasswordChangeView

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
]
