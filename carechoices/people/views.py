"""Public profile pages for authors and reviewers."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from carechoices.therapies.models import ReviewContributor

from .models import Person


@cache_control(public=True, max_age=300)
def people_index(request):
    """Everyone credited on CareChoices content."""
    return render(request, "people/index.html", {"people": Person.objects.all()})


@cache_control(public=True, max_age=300)
def profile(request, slug: str):
    """One person's profile with the reviews they wrote or reviewed."""
    person = get_object_or_404(Person, slug=slug)
    credits = (
        ReviewContributor.objects.filter(person=person, page__live=True)
        .select_related("page")
        .order_by("page__title")
    )
    return render(request, "people/profile.html", {"person": person, "credits": credits})
