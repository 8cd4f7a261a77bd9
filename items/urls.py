from django.urls import path

from items import views

app_name = "items"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("archive/", views.archive, name="archive"),
    path("upload/", views.upload, name="upload"),
    path("bulk/", views.bulk, name="bulk"),
    path("bulk/progress/", views.publish_progress, name="publish_progress"),
    path("contacts/search/", views.contact_search, name="contact_search"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/row/", views.item_row, name="row"),
    path("<int:pk>/archive/", views.item_archive, name="item_archive"),
    path("<int:pk>/unarchive/", views.item_unarchive, name="item_unarchive"),
    path("<int:pk>/keep-both/", views.item_keep_both, name="item_keep_both"),
    path("<int:pk>/create-rule/", views.item_create_rule, name="item_create_rule"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/thumbnail/", views.document_thumbnail, name="document_thumbnail"),
    path("documents/<int:pk>/pages/<int:number>/", views.document_page, name="document_page"),
    path("settings/tax/", views.tax_settings, name="tax_settings"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/<int:contact_id>/", views.contact_rule, name="contact_rule"),
    path("rules/<int:contact_id>/apply/", views.contact_rule_apply, name="contact_rule_apply"),
]
