"""The one YAML dialect the library reads: safe, without aliases, with times kept as text.

Both application documents and ruleset files are read with a loader made here:
- ``yaml.SafeLoader`` underneath (no tags that build Python objects, no code);
- no aliases (``*name``): a few nested aliases expand a small file into billions of values;
- dates and times stay text, so that the library (not YAML) decides what they mean.
"""

from __future__ import annotations

import yaml


def strict_loader(what: str) -> type[yaml.SafeLoader]:
    """A SafeLoader subclass for ``what`` ("an application document", "a ruleset")."""

    class StrictLoader(yaml.SafeLoader):
        def compose_node(self, parent, index):  # noqa: D102 - see the module docstring
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, ALIAS_MESSAGE.format(what=what), event.start_mark)
            return super().compose_node(parent, index)

    StrictLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    StrictLoader.__name__ = StrictLoader.__qualname__ = "StrictLoader"
    return StrictLoader


def fast_composer() -> type:
    """A safe loader for composing node trees, on libyaml's C parser where it is installed.

    It cannot refuse aliases while composing (the C composer shares the anchored node
    instead); callers that walk the tree refuse a node met twice (see ``ruleset._Builder``).
    """
    base = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

    class FastLoader(base):  # type: ignore[valid-type, misc]
        pass

    FastLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return FastLoader


ALIAS_MESSAGE = "aliases (*name) are not allowed in {what}; write the value out"
