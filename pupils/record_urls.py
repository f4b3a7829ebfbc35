from django.urls import path

from pupils import record_views

urlpatterns = [
    path("<int:pk>/", record_views.pupil_detail, name="detail"),
    path("<int:pk>/parents-informed/", record_views.parents_informed, name="parents-informed"),
    path("<int:pk>/views/add/", record_views.voice_add, name="voice-add"),
    path("<int:pk>/contacts/add/", record_views.contact_add, name="contact-add"),
    path("<int:pk>/contacts/<int:contact_pk>/remove/", record_views.contact_remove, name="contact-remove"),
    path("schools/<int:school_pk>/provision-map/", record_views.school_provision_map, name="school-provision-map"),
    path("schools/<int:school_pk>/groups/add/", record_views.group_add, name="group-add"),
    path("groups/<int:pk>/", record_views.group_detail, name="group-detail"),
    path("groups/<int:pk>/edit/", record_views.group_edit, name="group-edit"),
]
