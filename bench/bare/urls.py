from django.shortcuts import render
from django.urls import path

from .models import Row


def rows(request):
    return render(request, "rows.html", {"rows": Row.objects.order_by("-id")[:20]})


urlpatterns = [path("", rows)]
