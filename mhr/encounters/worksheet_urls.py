# Part of the encounters_agency namespace (mounted at /agency/encounters/ by agency_urls.py).
from django.urls import path

from mhr.encounters import public_views, worksheet_views

urlpatterns = [
    path("worksheets/", worksheet_views.worksheet_list, name="worksheet_list"),
    path("worksheets/new/", worksheet_views.worksheet_new, name="worksheet_new"),
    path("worksheets/<int:pk>/", worksheet_views.worksheet_edit, name="worksheet_edit"),
    path("worksheets/<int:pk>/worksheet.pdf", worksheet_views.worksheet_pdf, name="worksheet_pdf"),
    path(
        "worksheets/<int:pk>/regenerate/",
        worksheet_views.worksheet_regenerate_view,
        name="worksheet_regenerate",
    ),
    path(
        "worksheets/<int:pk>/worksheet.docx", worksheet_views.worksheet_docx, name="worksheet_docx"
    ),
    # What leaves the agency: the public page's settings and preview, and peer comparison.
    path("transparency/", public_views.transparency_settings, name="transparency_settings"),
    path("peers/", public_views.peer_comparison, name="peer_comparison"),
]
