from django.urls import path

from panels import views

app_name = "panels"
urlpatterns = [
    path("", views.panel_list, name="list"),
    path("<int:pk>/", views.panel_detail, name="detail"),
    path("<int:pk>/meetings/add/", views.meeting_add, name="meeting-add"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/agenda/", views.agenda_edit, name="agenda"),
    path("meetings/<int:pk>/agenda/add-all/", views.agenda_add_all, name="agenda-add-all"),
    path("meetings/<int:pk>/issue-papers/", views.papers_issue, name="papers-issue"),
    path("meetings/<int:pk>/packs/rebuild/", views.packs_rebuild, name="packs-rebuild"),
    path("meetings/<int:pk>/pack.pdf", views.pack_download, name="pack-download"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/minutes/approve/", views.minutes_approve, name="minutes-approve"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_download, name="minutes-download"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/move/<str:direction>/", views.agenda_item_move, name="agenda-move"),
    path("cases/<int:pk>/remove/", views.agenda_item_remove, name="agenda-remove"),
    path("cases/<int:pk>/conflict/", views.conflict_declare, name="conflict"),
    path("cases/<int:pk>/recommendation/", views.recommend, name="recommend"),
    path("cases/<int:pk>/decision/", views.decide, name="decide"),
    path("cases/<int:pk>/decision/change/", views.decision_change, name="decision-change"),
    path("decisions/<int:pk>/letter.pdf", views.letter_download, name="letter"),
]
