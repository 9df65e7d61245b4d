"""The state tile map is built with format_html: tile values are escaped once, tiles are not."""

from __future__ import annotations

from mhr.campaigns.public_selectors import MapTile, StateMap
from mhr.campaigns.public_views import state_map_svg


def tile(code: str, label: str, *, selected: bool = False) -> MapTile:
    return MapTile(
        code=code,
        label=label,
        count=3,
        x=0,
        y=0,
        fill="#e7f6f8",
        text_colour="#1b1b1b",
        selected=selected,
    )


def test_it_escapes_tile_labels_and_keeps_tile_markup():
    state_map = StateMap(
        tiles=[tile("WA", 'Washington: 3 <b>"agencies"</b>', selected=True), tile("OR", "Oregon")],
        legend=[],
        width=100,
        height=60,
        tile_size=50,
    )

    svg = state_map_svg(state_map, list_url="/campaign/agencies/?x=<y>")

    assert "<b>" not in svg
    assert 'aria-label="Washington: 3 &lt;b&gt;&quot;agencies&quot;&lt;/b&gt;"' in svg
    assert 'href="/campaign/agencies/?x=&lt;y&gt;?state=WA#participants"' in svg
    # Tiles are inserted as markup, not escaped a second time.
    assert svg.count("<a href=") == 2
    assert "&lt;a href" not in svg
    assert svg.count(' aria-current="true"') == 1
    assert (
        '<a href="/campaign/agencies/?x=&lt;y&gt;?state=OR#participants" aria-label="Oregon">'
        in svg
    )
