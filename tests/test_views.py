import pandas as pd

from casrec import views

EVENTS = pd.DataFrame(
    [
        {"event_id": "war", "title": "Mali War", "kind": "aggregate", "date_start": "2012",
         "country": "MLI", "parent_event": pd.NA},
        {"event_id": "town", "title": "Attack on Ouro", "kind": "incident",
         "date_start": "2025-03-01", "country": "MLI", "parent_event": "war"},
        {"event_id": "camp", "title": "Attack on the camp <b>", "kind": "incident",
         "date_start": "2025-03-01", "country": "MLI", "parent_event": "town"},
    ]
)  # fmt: skip


def test_a_key_label_shows_the_subgroup():
    row = {"metric": "killed", "population": "civilians", "side": pd.NA,
           "nationality": "Malian", "subgroup": "women"}  # fmt: skip
    assert views.key_label(row) == "killed · civilians · Malian · women"
    assert views.key_label({**row, "subgroup": "aid_workers"}).endswith("· aid workers")


def test_the_event_header_links_the_parent_and_names_the_children():
    town = EVENTS.iloc[1]
    html = views.event_header(town, "index.html", events=EVENTS, linked=["war"])
    assert f'Within: <a href="{views.event_page_name("war")}">Mali War' in html
    # a child without a page in the report is named, not linked; titles are escaped
    assert "Children (1): Attack on the camp &lt;b&gt;" in html
    assert views.event_page_name("camp") not in html


def test_an_event_header_without_the_events_table_is_unchanged():
    town = EVENTS.iloc[1]
    assert "Within" not in views.event_header(town)


def test_many_children_are_folded():
    many = pd.concat(
        [EVENTS]
        + [EVENTS.iloc[[2]].assign(event_id=f"c{i}", parent_event="town") for i in range(13)],
        ignore_index=True,
    )
    html = views.event_header(many.iloc[1], events=many)
    assert "<details" in html and "<summary>Children (14)</summary>" in html
