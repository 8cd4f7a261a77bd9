from django.urls import path

from items import views

app_name = "items"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archive/", views.archive, name="archive"),
    path("upload/", views.upload, name="upload"),
    path("bulk/", views.bulk, name="bulk"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/archive/", views.item_archive, name="item_archive"),
    path("<int:pk>/unarchive/", views.item_unarchive, name="item_unarchive"),
    path("<int:pk>/keep-both/", views.item_keep_both, name="item_keep_both"),
    path("<int:pk>/create-rule/", views.item_create_rule, name="item_create_rule"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/thumbnail/", views.document_thumbnail, name="document_thumbnail"),
    path("settings/tax/", views.tax_settings, name="tax_settings"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:contact_id>/", views.contact_rule, name="contact_rule"),
    path("rules/<int:contact_id>/apply/", views.contact_rule_apply, name="contact_rule_apply"),
]
