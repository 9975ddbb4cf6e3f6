"""The dashboard's warning that records wait longer than the documented maximum delay for a
signed tree head: the sequencer (``manage.py consent_log_seal``) is not running, or failing."""

from __future__ import annotations

from wagtail.admin.ui.components import Component

from .services import MAX_SEAL_DELAY, unsealed


class SealingDelayPanel(Component):
    name = "consent_log_delay"
    template_name = "consent_log/delay_panel.html"
    order = 55  # above the consent figures: it says they may not be in the log yet

    def get_context_data(self, parent_context=None):
        state = unsealed(max_delay=MAX_SEAL_DELAY)
        return {
            "state": state,
            "max_delay_seconds": int(MAX_SEAL_DELAY.total_seconds()),
        }
