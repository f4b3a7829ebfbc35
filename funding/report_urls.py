urlpatterns: list = []  # report pages are added here
