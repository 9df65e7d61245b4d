from django.urls import path

from mhr.campaigns import review_views

app_name = "campaigns_review"

# Association reviewers' pledge screens, mounted at /staff/pledges/.
urlpatterns = [
    path("", review_views.queue, name="queue"),
    path("<int:pk>/", review_views.pledge_review, name="pledge_review"),
    path(
        "<int:pk>/practices/<slug:key>/decision/",
        review_views.practice_decision,
        name="practice_decision",
    ),
    path(
        "<int:pk>/partnerships/<int:partnership_id>/document/",
        review_views.partnership_document,
        name="partnership_document",
    ),
    path(
        "<int:pk>/policies/<int:policy_id>/document/",
        review_views.policy_document,
        name="policy_document",
    ),
]
