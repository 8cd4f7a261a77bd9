from django.urls import path

from publishing import views

app_name = "publishing"

urlpatterns = [
    path("items/<int:pk>/publish/", views.item_publish, name="publish"),
    path("items/<int:pk>/retry-attachment/", views.item_retry_attachment, name="retry_attachment"),
    path("items/<int:pk>/panel/", views.item_panel, name="panel"),
    path("items/<int:pk>/publish-again/", views.item_publish_again, name="publish_again"),
]
