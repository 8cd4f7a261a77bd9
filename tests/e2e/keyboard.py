"""Moving through a page with the keyboard alone, as a person who can't use a mouse."""

import re

FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const labelled = el.getAttribute('aria-labelledby');
  let name = el.getAttribute('aria-label')
    || (labelled && labelled.split(' ').map(id => document.getElementById(id)?.innerText || '').join(' '))
    || (el.labels && el.labels.length ? Array.from(el.labels).map(l => l.innerText).join(' ') : '')
    || el.innerText || el.value || '';
  const style = getComputedStyle(el);
  const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    name: name.replace(/\\s+/g, ' ').trim(),
    tag: el.tagName.toLowerCase(),
    type: el.type || '',
    focusVisible: el.matches(':focus-visible') && (outlined || style.boxShadow !== 'none'),
  };
}
"""


class KeyboardWalkError(AssertionError):
    pass


def tab_to(page, name: str | re.Pattern, *, backwards: bool = False, max_presses: int = 60) -> dict:
    """Press Tab (or Shift+Tab) until the focused control is called ``name``; the focus
    must be visible there. Fails when ``name`` is not reachable."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(max_presses):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED_JS)
        if focused is None:
            continue
        seen.append(focused["name"][:40])
        matches = name.search(focused["name"]) if isinstance(name, re.Pattern) else focused["name"] == name
        if matches:
            if not focused["focusVisible"]:
                raise KeyboardWalkError(f"Focus on {name!r} is not visible ({focused}).")
            return focused
    raise KeyboardWalkError(f"{name!r} not reached with {key} in {max_presses} presses; focus went through: {seen}")


def activate(page, name: str | re.Pattern, *, key: str = "Enter", backwards: bool = False) -> None:
    """Tab to the control called ``name`` and press ``key`` (Enter for links and buttons,
    Space for checkboxes and radio buttons)."""
    tab_to(page, name, backwards=backwards)
    page.keyboard.press(key)


def type_into(page, name: str, text: str) -> None:
    tab_to(page, name)
    page.keyboard.type(text)


def choose_radio(page, name: str, *, max_options: int = 20) -> None:
    """Tab into a radio group and move to option ``name`` with the arrow keys (a radio
    group is one Tab stop; arrows move within it and select), then Space."""
    for _ in range(60):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused and focused["type"] == "radio":
            break
    else:
        raise KeyboardWalkError("No radio group reached with Tab.")
    for _ in range(max_options):
        focused = page.evaluate(FOCUSED_JS)
        if focused["name"] == name:
            if not focused["focusVisible"]:
                raise KeyboardWalkError(f"Focus on {name!r} is not visible ({focused}).")
            page.keyboard.press("Space")
            return
        page.keyboard.press("ArrowDown")
    raise KeyboardWalkError(f"Radio button {name!r} not found in the group.")
