from django.urls import path

from pupils import views

urlpatterns = [
    path("", views.pupil_list, name="list"),
    path("export/", views.register_export, name="export"),
    path("add/", views.pupil_add, name="add"),
    path("<int:pk>/edit/", views.pupil_edit, name="edit"),
    path("<int:pk>/move/", views.pupil_move, name="move"),
    path("<int:pk>/remove/", views.pupil_remove, name="remove"),
    path("<int:pk>/return/", views.pupil_return, name="return"),
]
