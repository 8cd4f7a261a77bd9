"""Supplier and customer rules, and the business's tax & category settings."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dext.tenancy.permissions import business_admin_required, business_member_required
from items import selectors, services
from items.forms import ContactRuleForm, ItemSettingsForm


@business_admin_required
def tax_settings(request):
    business = request.business
    current = selectors.item_settings_get(business=business)
    form = ItemSettingsForm(request.POST or None, business=business, instance=current)
    if request.method == "POST" and form.is_valid():
        services.item_settings_update(business=business, acting_user=request.user, **form.cleaned_data)
        messages.success(request, "Tax & category settings saved. New items use them from now on.")
        return redirect("items:tax_settings")
    return render(request, "items/tax_settings.html", {"title": "Tax & category settings", "form": form})


@business_member_required
def rule_list(request):
    rules = selectors.contact_rules_list(business=request.business)
    return render(request, "items/rule_list.html", {"title": "Supplier and customer rules", "rules": rules})


@business_member_required
def contact_rule(request, contact_id):
    business = request.business
    contact = selectors.contact_get(business=business, pk=contact_id)
    rule = selectors.contact_rule_get(business=business, contact=contact)
    form = ContactRuleForm(
        request.POST or None, instance=rule, business=business, may_publish=request.membership.may_publish
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_rule_save(
                business=business, contact=contact, data=form.cleaned_data, acting_user=request.user
            )
        except services.ItemError as error:
            form.add_error(None, error.user_message)
        else:
            messages.success(request, f"Rule for {contact} saved. It applies to new items from {contact}.")
            return redirect("items:contact_rule", contact_id=contact.pk)
    return render(
        request,
        "items/contact_rule.html",
        {"title": f"Rule for {contact}", "contact": contact, "rule": rule, "form": form},
    )


@business_member_required
@require_POST
def contact_rule_apply(request, contact_id):
    business = request.business
    contact = selectors.contact_get(business=business, pk=contact_id)
    rule = selectors.contact_rule_get(business=business, contact=contact)
    if rule is None:
        messages.error(request, f"There is no rule for {contact} yet: save one first.")
    else:
        changed = services.contact_rule_apply_to_inbox(rule=rule, acting_user=request.user)
        messages.success(
            request,
            f"Rule applied to {changed} item{'s' if changed != 1 else ''} in the Inbox. "
            "Fields set by hand were kept.",
        )
    return redirect("items:contact_rule", contact_id=contact.pk)

