from django.urls import path

from mhr.campaigns import agency_views, evidence_views

app_name = "campaigns_agency"

# The coordinator's pledge screens, mounted at /agency/campaign/.
urlpatterns = [
    path("", agency_views.campaign_home, name="home"),
    path("edit/", agency_views.pledge_edit, name="pledge_edit"),
    path("submit/", agency_views.pledge_submit, name="pledge_submit"),
    path("gaps/<slug:key>/", agency_views.gap_list, name="gap_list"),
    path("certificate.pdf", agency_views.certificate_pdf, name="certificate_pdf"),
    path("report.pdf", agency_views.report_pdf, name="report_pdf"),
    path("partnerships/", evidence_views.partnership_list, name="partnership_list"),
    path("partnerships/new/", evidence_views.partnership_new, name="partnership_new"),
    path("partnerships/<int:pk>/edit/", evidence_views.partnership_edit, name="partnership_edit"),
    path(
        "partnerships/<int:pk>/remove/",
        evidence_views.partnership_delete,
        name="partnership_remove",
    ),
    path(
        "partnerships/<int:pk>/document/",
        evidence_views.partnership_document,
        name="partnership_document",
    ),
    path("policy/", evidence_views.policy_list, name="policy_list"),
    path("policy/new/", evidence_views.policy_new, name="policy_new"),
    path("policy/<int:pk>/edit/", evidence_views.policy_edit, name="policy_edit"),
    path("policy/<int:pk>/document/", evidence_views.policy_document, name="policy_document"),
]
