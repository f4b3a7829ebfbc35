from django.urls import path  # noqa: F401 - cycle pages are added here

urlpatterns: list = []
