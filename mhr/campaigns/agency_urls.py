app_name = "campaigns_agency"

# The coordinator's pledge screens. Filled in by the pledge work.
urlpatterns: list = []
