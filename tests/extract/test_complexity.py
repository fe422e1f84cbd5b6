"""The pre-parse scan's bounds: what it refuses, what it lets through, and where it looks."""

from tracker.extract.complexity import HARMLESS_TAGS, MAX_DEPTH, complexity_reason

DEEP = f"page too complex: elements nested more than {MAX_DEPTH} deep"


def test_pages_with_few_tags_are_not_scanned_whatever_their_nesting():
    assert complexity_reason("<div>" * HARMLESS_TAGS) is None


def test_a_self_closing_slash_on_html_elements_still_nests():
    # HTML ignores the slash on <div/>: the parser nests each inside the one before.
    assert complexity_reason("<div/>" * (HARMLESS_TAGS + 1)) == DEEP


def test_self_closing_shapes_inside_svg_do_not_nest():
    shapes = '<path d="M0 0"/><circle r="1"/>' * HARMLESS_TAGS
    assert complexity_reason(f"<body><svg>{shapes}</svg><p>¥9</p></body>") is None


def test_nesting_resumes_counting_after_the_svg_closes():
    page = "<svg>" + "<g/>" * HARMLESS_TAGS + "</svg>" + "<span/>" * (MAX_DEPTH + 1)
    assert complexity_reason(page) == DEEP


def test_tags_inside_scripts_comments_and_styles_are_not_counted():
    hidden = "<div>" * (HARMLESS_TAGS + MAX_DEPTH)
    page = f"<script>{hidden}</script><!-- {hidden} --><style>{hidden}</style><p>ok</p>"
    assert complexity_reason(page) is None


def test_an_unclosed_script_hides_the_rest_of_the_page():
    assert complexity_reason("<p>" + "<script>" + "<div>" * (HARMLESS_TAGS + 1)) is None
