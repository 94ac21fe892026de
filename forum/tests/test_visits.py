"""Recording when a reader last read an article, and what counts as new on their next page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forum.models import ArticleVisit
from forum.threads import services as articles

pytestmark = pytest.mark.django_db


def test_a_first_visit_is_recorded_with_nothing_new(make_user, make_article):
    reader, article = make_user(), make_article()
    now = timezone.now()
    articles.visit_record(user=reader, article=article, at=now, previous=None)
    visit = ArticleVisit.objects.get(user=reader, article=article)
    assert visit.last_seen_at == now and visit.new_after is None
    assert visit.new_after_at(now + timedelta(minutes=5)) is None


def test_a_page_view_within_the_gap_continues_the_visit_and_keeps_what_was_new(settings, make_user, make_article):
    settings.FORUM_VISIT_GAP_MINUTES = 30
    reader, article = make_user(), make_article()
    start = timezone.now() - timedelta(hours=5)
    articles.visit_record(user=reader, article=article, at=start, previous=None)
    back = start + timedelta(hours=2)  # a new visit: what came after `start` is new
    articles.visit_record(user=reader, article=article, at=back, previous=ArticleVisit.objects.get())
    visit = ArticleVisit.objects.get()
    assert visit.new_after == start
    assert visit.new_after_at(back + timedelta(minutes=29)) == start  # page 2, same visit
    articles.visit_record(user=reader, article=article, at=back + timedelta(minutes=29), previous=visit)
    assert ArticleVisit.objects.get().new_after == start
    later = back + timedelta(minutes=29 + 31)
    assert ArticleVisit.objects.get().new_after_at(later) == back + timedelta(minutes=29)


def test_two_first_visits_at_once_leave_one_visit_record(make_user, make_article):
    reader, article = make_user(), make_article()
    now = timezone.now()
    articles.visit_record(user=reader, article=article, at=now - timedelta(seconds=1), previous=None)
    articles.visit_record(user=reader, article=article, at=now, previous=None)  # read before the other wrote
    assert list(ArticleVisit.objects.values_list("last_seen_at", flat=True)) == [now]
