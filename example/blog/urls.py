from django.urls import path

from . import views

app_name = "blog"
urlpatterns = [
    path("", views.search, name="search"),
    path("posts/<slug:slug>/", views.post_detail, name="post"),
]
