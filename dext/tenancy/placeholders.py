"""An honest empty page for sections that a later issue fills."""

from django.shortcuts import render


def empty_section(request, *, title: str, message: str):
    return render(request, "empty_state.html", {"title": title, "message": message})
