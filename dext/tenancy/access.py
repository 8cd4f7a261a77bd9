"""The single way tenant code looks rows up by id: always together with the business."""

from typing import TypeVar

from django.db import models
from django.http import Http404

from dext.tenancy.models import Business

M = TypeVar("M", bound=models.Model)


def access_object(model_or_queryset: type[M] | models.QuerySet, *, business: Business, pk) -> M:
    """Return the row with ``pk`` owned by ``business``; 404 if it is missing or another's."""
    queryset = (
        model_or_queryset._default_manager.all()
        if isinstance(model_or_queryset, type)
        else model_or_queryset
    )
    try:
        return queryset.get(business=business, pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No {queryset.model._meta.verbose_name} found.") from None
