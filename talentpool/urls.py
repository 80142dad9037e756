from django.urls import path

from talentpool import views

app_name = "talentpool"
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
]
