"""What moderators see of screening: the flags stored with a story, and masking on approval.

Usage: `screen_story` when a story arrives or is corrected (its flags are stored with it);
`flag_lines` and `author_line` in the new-story notice and in /cho; `mask_for_publishing` on approval.
"""

from __future__ import annotations

from content import render, screening, texts
from handlers.context import Ctx
from storage import repo
from storage.models import Member, Story

DUPLICATE_LOOKBACK = 500  # earlier stories a new one is compared with


def screen_story(ctx: Ctx, story: Story) -> None:
    """Screens the story's text and stores what was found on it."""
    earlier = repo.recent_texts(session=ctx.session, limit=DUPLICATE_LOOKBACK, before_id=story.id)
    findings = screening.screen(story.text, earlier)
    kept = [line for line in decode(story.flags) if line[0] in ("reported", "edited")]
    story.flags = encode(kept + [(f.kind, f.shown) for f in findings])


def add_flag(story: Story, kind: str, shown: str) -> None:
    """A flag that does not come from the text (reports, an edit), replacing one of its kind."""
    story.flags = encode([line for line in decode(story.flags) if line[0] != kind] + [(kind, shown)])


def flag_lines(story: Story) -> str:
    """The flags in a moderator's words, one a line, led by a blank line; empty without flags."""
    lines = [texts.SCREEN_FLAGS[kind].format(shown=render.esc(shown)) for kind, shown in decode(story.flags)]
    return "\n\n" + "\n".join(lines) if lines else ""


def mask_for_publishing(story: Story) -> None:
    """On approval: the published text hides what screening found; the original is kept."""
    masked = screening.mask(story.text)
    if masked != story.text:
        story.original_text = story.original_text or story.text
        story.text = masked


def author_line(ctx: Ctx, story: Story) -> str:
    """Who wrote the story, for moderators: a name and the handle #N that /chan and /bochan take."""
    author = ctx.session.get(Member, story.member_id) if story.member_id else None
    if author is None or author.platform_id is None:
        return "\n" + texts.STORY_AUTHOR_GONE
    name = render.esc(author.display_name) if author.display_name else texts.MEMBER_UNNAMED
    return "\n" + texts.STORY_AUTHOR.format(name=name, id=story.id)


def author_is_child(ctx: Ctx, story: Story) -> bool:
    author = ctx.session.get(Member, story.member_id) if story.member_id else None
    return author is not None and author.adult is not True


def encode(flags: list[tuple[str, str]]) -> str | None:
    return "\n".join(f"{kind}\t{shown}" for kind, shown in flags) or None


def decode(flags: str | None) -> list[tuple[str, str]]:
    return [tuple(line.split("\t", 1)) for line in (flags or "").splitlines() if "\t" in line]  # type: ignore[misc]
