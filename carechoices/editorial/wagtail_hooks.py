"""Back-office additions for editorial upkeep: the "Reviews due" panel and report."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import ReviewsDuePanel, reviews_due_report


@hooks.register("register_admin_urls")
def register_reviews_due_url():
    return [path("reports/reviews-due/", reviews_due_report, name="editorial_reviews_due")]


@hooks.register("register_reports_menu_item")
def register_reviews_due_menu_item():
    return MenuItem("Reviews due", reverse("editorial_reviews_due"), name="reviews-due", icon_name="time", order=100)


@hooks.register("construct_homepage_panels")
def add_reviews_due_panel(request, panels):
    panels.insert(0, ReviewsDuePanel())
