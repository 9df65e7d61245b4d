app_name = "campaigns"

# Public campaign pages. Filled in by the public-pages work.
urlpatterns: list = []
