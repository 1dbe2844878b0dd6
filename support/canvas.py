"""Finding and clicking nodes on the streamlit-agraph canvas (vis-network in an iframe).

The component keeps its vis `Network` in React state and exposes nothing on `window`,
so the page script walks React's fiber from the network's container element up to the
component whose hook state holds an object with `getPositions`; `canvasToDOM` then
gives a node's pixel position on the <canvas>, which Playwright clicks like a person.
If that lookup ever fails (another build of the component), the fallback computes the
position from the node positions the app sent (editor.canvas.placement.layout) and vis-network's
"fit" rule.
"""

from __future__ import annotations

from playwright.sync_api import Frame, Page

IFRAME = "iframe[title='streamlit_agraph.agraph']"

FIND_NETWORK = """
() => {
  const container = document.querySelector('.vis-network');
  if (!container) return null;
  for (let el = container; el; el = el.parentElement) {
    const key = Object.keys(el).find(k => k.startsWith('__reactInternalInstance$') || k.startsWith('__reactFiber$'));
    if (!key) continue;
    for (let fiber = el[key], depth = 0; fiber && depth < 40; fiber = fiber.return, depth++) {
      for (let hook = fiber.memoizedState, n = 0; hook && typeof hook === 'object' && n < 50; hook = hook.next, n++) {
        const value = hook.memoizedState;
        if (value && typeof value.getPositions === 'function' && typeof value.canvasToDOM === 'function') {
          window.__kgsNetwork = value;
          return true;
        }
      }
    }
  }
  return null;
}
"""

NODE_POSITION = """
(id) => {
  const network = window.__kgsNetwork;
  const positions = network.getPositions([id]);
  if (!positions[id]) return null;
  const dom = network.canvasToDOM(positions[id]);
  return {x: dom.x, y: dom.y};
}
"""


def canvas_frame(page: Page) -> Frame:
    """The component's frame, once vis-network has drawn its <canvas>. (An iframe the page
    replaces between the two looks has no frame: it is looked up again.)"""
    for _ in range(100):
        frame = page.wait_for_selector(IFRAME).content_frame()
        if frame is not None:
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the canvas component's frame never loaded")
    frame.wait_for_selector(".vis-network canvas")
    return frame


def network_node_ids(page: Page) -> list[str]:
    frame = canvas_frame(page)
    if not frame.evaluate(FIND_NETWORK):
        return []
    return frame.evaluate("() => Object.keys(window.__kgsNetwork.getPositions())")


def node_point(page: Page, node_id: str, layout=None) -> tuple[float, float]:
    """Pixel position of a node on the canvas element (relative to its top-left corner).

    `layout`: editor.canvas.placement.layout(graph) of the graph on the canvas, for the fallback.
    """
    frame = canvas_frame(page)
    if frame.evaluate(FIND_NETWORK):
        found = frame.evaluate(NODE_POSITION, node_id)
        if found:
            return found["x"], found["y"]
    if layout is None:
        raise AssertionError("vis-network not reachable in the component and no layout given")
    return estimated_point(frame, layout, node_id)


def estimated_point(frame: Frame, positions, node_id: str) -> tuple[float, float]:
    """vis-network's View.fit: the nodes' bounding box (boxes about 160 x 64 px) widened
    by 10 %, centred and scaled to the canvas, never zoomed in beyond 1."""
    from editor.canvas import placement

    box = frame.locator(".vis-network canvas").bounding_box()
    xs = [p[0] * placement.X_SCALE for p in positions.values()]
    ys = [p[1] * placement.Y_SCALE for p in positions.values()]
    half_w, half_h = 80, 32
    min_x, max_x = min(xs) - half_w, max(xs) + half_w
    min_y, max_y = min(ys) - half_h, max(ys) + half_h
    scale = min(box["width"] / ((max_x - min_x) * 1.1), box["height"] / ((max_y - min_y) * 1.1), 1.0)
    cx, cy = (max_x + min_x) / 2, (max_y + min_y) / 2
    x, y = positions[node_id][0] * placement.X_SCALE, positions[node_id][1] * placement.Y_SCALE
    return box["width"] / 2 + (x - cx) * scale, box["height"] / 2 + (y - cy) * scale


def click_node(page: Page, node_id: str, layout=None) -> None:
    frame = canvas_frame(page)
    x, y = node_point(page, node_id, layout)
    frame.locator(".vis-network canvas").click(position={"x": x, "y": y})


def settled(page: Page) -> None:
    """Wait until the script is not running. Call it after waiting for a visible consequence
    of the action, so the run it waits for has started."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for()


def select_node(page: Page, node_id: str, shown, layout=None, tries: int = 3) -> None:
    """Click a node (in Select mode) until `shown` (a Playwright locator) is visible, then wait
    for the page to settle. A click that lands while a rerun replaces the canvas frame is lost,
    and a big graph's script run can take seconds on a loaded machine; selecting again is
    harmless, so the click is repeated. An action taken while the click's run still redraws
    the page can be lost (CI lost an "Add loss node" click so): hence the wait to settle."""
    from playwright.sync_api import expect

    for attempt in range(tries):
        click_node(page, node_id, layout)
        try:
            expect(shown).to_be_visible(timeout=15_000)
            break
        except AssertionError:
            if attempt == tries - 1:
                raise
    settled(page)


def polled(page: Page, probe, wanted=bool, seconds: float = 60):
    """(True, value) once `wanted(probe())`, else (False, the last value) after `seconds`.
    The canvas redraws in a new frame a moment after the page changes, and a loaded
    machine can take seconds: a probe that fails while the frame is replaced is retried."""
    import time

    deadline, last = time.monotonic() + seconds, None
    while True:
        try:
            last = probe()
            if wanted(last):
                return True, last
        except Exception:  # noqa: BLE001 - the frame was replaced while we looked
            pass
        if time.monotonic() > deadline:
            return False, last
        page.wait_for_timeout(200)
