from django.urls import path, re_path

from funding import report_views

urlpatterns = [
    path("reports/", report_views.report_list, name="report-list"),
    path("reports/<int:pk>/", report_views.report_detail, name="report-detail"),
    re_path(r"^reports/(?P<pk>[0-9]+)/(?P<fmt>csv|xlsx|pdf)/$", report_views.report_download, name="report-download"),
]
