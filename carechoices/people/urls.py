from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.people_index, name="index"),
    path("<slug:slug>/", views.profile, name="profile"),
]
