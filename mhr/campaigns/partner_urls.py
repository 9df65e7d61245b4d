from django.urls import path

from mhr.campaigns import evidence_views, partner_views

app_name = "campaigns_partner"

# Partner organizations confirming a partnership, mounted at /partners/.
urlpatterns = [
    path("invitations/<str:token>/", partner_views.invitation, name="invitation"),
    path(
        "invitations/<str:token>/account/",
        partner_views.invitation_account,
        name="invitation_account",
    ),
    path(
        "invitations/<str:token>/confirm/",
        partner_views.invitation_confirm,
        name="invitation_confirm",
    ),
    path(
        "invitations/<str:token>/decline/",
        partner_views.invitation_decline,
        name="invitation_decline",
    ),
    # The coordinator's side: send (or send again) the invitation for one of its partnerships.
    path(
        "partnerships/<int:pk>/invite/",
        evidence_views.partnership_invite_send,
        name="partnership_invite",
    ),
]
