from django.shortcuts import render


def resource_list(request, slug=None):
    return render(request, "core/home.html", {})
