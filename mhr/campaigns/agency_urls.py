from django.urls import path

from mhr.campaigns import agency_views

app_name = "campaigns_agency"

# The coordinator's pledge screens, mounted at /agency/campaign/.
urlpatterns = [
    path("", agency_views.campaign_home, name="home"),
    path("edit/", agency_views.pledge_edit, name="pledge_edit"),
    path("submit/", agency_views.pledge_submit, name="pledge_submit"),
    path("gaps/<slug:key>/", agency_views.gap_list, name="gap_list"),
    path("certificate.pdf", agency_views.certificate_pdf, name="certificate_pdf"),
    path("report.pdf", agency_views.report_pdf, name="report_pdf"),
]
