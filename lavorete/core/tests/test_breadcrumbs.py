from django.template import Context, Template


def render(source: str, **context: object) -> str:
    return Template("{% load lavorete %}" + source).render(Context(context))


def test_breadcrumbs_link_each_step_and_mark_the_current_page():
    html = render('{% breadcrumbs "/a/" "Alpha" "/b/" name "Here" %}', name="<Beta>")
    assert '<a href="/a/">Alpha</a>' in html
    assert '<a href="/b/">&lt;Beta&gt;</a>' in html
    assert '<li class="breadcrumb-item active" aria-current="page">Here</li>' in html


def test_a_step_without_url_is_left_out():
    html = render('{% breadcrumbs "/a/" "Alpha" missing_url "Ghost" "New" %}')
    assert "Ghost" not in html
    assert html.count("<li") == 2
