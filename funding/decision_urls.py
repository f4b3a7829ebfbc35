urlpatterns: list = []  # decision, budget and dashboard pages are added here
