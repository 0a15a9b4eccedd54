"""What the app's full screens (pair view, overview, a fact's versions) have in common: they own their keys.

Each lists its bindings in BINDINGS (with ids, for the keymap and the help), ends them with `?` (its help) and,
where `q` means nothing else, `q` (quit). Its help screen lists exactly those keys (see `screen_keys`) and its
`help` legend. While a dialog is on top, the dialog has the keys, and the footer underneath offers none of them.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from tui.screens.help import HelpData, HelpScreen

HELP_KEY = Binding("question_mark", "help", "Help", id="help", tooltip="this help")
QUIT_KEY = Binding("q", "quit", "Quit", id="quit", tooltip="quit")


def screen_keys(screen: Screen, *parts: type[Widget]) -> list[Binding]:
    """A screen's keys for its help: its own bindings, then the app's that it does not take over (ctrl+c), then
    those with ids of the widgets it is made of (`parts`, e.g. the article panes)."""
    own = [b for b in screen.BINDINGS if isinstance(b, Binding)]
    taken = {key.strip() for b in own for key in b.key.split(",")}
    app = [b for b in screen.app.BINDINGS if isinstance(b, Binding)
           and not taken & {key.strip() for key in b.key.split(",")}]
    widgets = [b for part in parts for b in part.BINDINGS if isinstance(b, Binding) and b.id]
    return own + app + widgets


class AppScreen(Screen[None]):
    """A full screen of the app (not a dialog): implements `Helpable` (tui/screens/help.py) from its own keys."""

    help: HelpData = HelpData("", ())
    #: Widgets whose keys (those with ids) this screen's help lists after its own.
    HELP_PARTS: tuple[type[Widget], ...] = ()

    def help_keys(self) -> list[Binding]:
        return screen_keys(self, *self.HELP_PARTS)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Under a dialog the keys go to the dialog: the footer here must not offer them (q would type into it).
        return self.app.screen is self

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(self.help_keys(), [self.help]))

    async def action_quit(self) -> None:
        await self.app.action_quit()
