from django.contrib import admin
from django.urls import include, path

from send_portal import views

handler403 = "send_portal.views.error_403"
handler404 = "send_portal.views.error_404"
handler500 = "send_portal.views.error_500"

pages = (
    [
        path("accessibility/", views.accessibility_statement, name="accessibility"),
        path("cookies/", views.cookies, name="cookies"),
        path("privacy/", views.privacy, name="privacy"),
    ],
    "pages",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("", include(pages)),
    path("", include("accounts.urls")),
    path("", include("localities.urls")),
    path("pupils/", include("pupils.urls")),
    path("panels/", include("panels.urls")),
    path("funding/", include("funding.urls")),
    path("api/v1/", include("send_portal.api_urls")),
    path("platform-admin/", admin.site.urls),
]
