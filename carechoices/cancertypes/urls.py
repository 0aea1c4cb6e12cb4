from django.urls import path

from . import views

app_name = "cancer-types"
urlpatterns = [
    path("", views.cancer_type_index, name="index"),
    path("<slug:slug>/", views.cancer_type_detail, name="detail"),
]
