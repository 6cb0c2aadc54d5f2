"""Run one conversation over a channel, and save the summary however it ends."""

from __future__ import annotations

import json
from pathlib import Path

from .channels import Channel
from .dialogue import Dialogue


def summary_paths(target: Path) -> tuple[Path, Path]:
    """Markdown and JSON files for --save-summary FILE."""
    markdown = target.with_suffix(".md") if target.suffix == ".json" else target
    return markdown, markdown.with_suffix(".json")


def run(dialogue: Dialogue, channel: Channel, save_summary: Path | None = None) -> None:
    """Drive the dialogue until it ends, input ends, or Ctrl-C; nothing said is lost."""
    try:
        events = dialogue.start()
        while True:
            for event in events:
                channel.show(event)
            if dialogue.done:
                break
            line = channel.read()
            events = dialogue.finish() if line is None else dialogue.hear(line, channel.confidence)
    except KeyboardInterrupt:
        for event in dialogue.finish():
            channel.show(event)
    finally:
        if save_summary is not None:
            markdown, data = summary_paths(save_summary)
            markdown.write_text(dialogue.summary(), encoding="utf-8")
            data.write_text(json.dumps(dialogue.assessment().to_dict(), indent=2) + "\n", encoding="utf-8")
