from django.urls import path

from alliances import views

app_name = "alliances"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
]
