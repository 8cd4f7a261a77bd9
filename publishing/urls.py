from django.urls import path

from publishing import match_views, views

app_name = "publishing"

urlpatterns = [
    path("items/<int:pk>/publish/", views.item_publish, name="publish"),
    path("items/<int:pk>/retry-attachment/", views.item_retry_attachment, name="retry_attachment"),
    path("items/<int:pk>/panel/", views.item_panel, name="panel"),
    path("items/<int:pk>/publish-again/", views.item_publish_again, name="publish_again"),
    path("items/<int:pk>/in-xero/", match_views.xero_match, name="xero_match"),
    path("items/<int:pk>/in-xero/attach/", match_views.xero_match_attach, name="xero_match_attach"),
    path("items/<int:pk>/in-xero/publish-anyway/", match_views.xero_match_publish_anyway,
         name="xero_match_publish_anyway"),
    path("items/<int:pk>/in-xero/skip/", match_views.xero_match_skip, name="xero_match_skip"),
]
