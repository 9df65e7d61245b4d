app_name = "audit"

# The audit-log search and export screens.
urlpatterns: list = []
