"""The workbench's workspace: a folder of drafts, each two files, ``<id>.yaml`` (a ruleset that
``extends`` its base, nothing copied) and ``<id>.tests.yaml`` (its tests, made when the first
case is saved). The same files the command line reads: ``amif-rules lint``/``test`` accept them.

Nothing outside the folder is ever read or written. A draft id must match ``rulesetmodel.ID``
(at most 64 characters), so it has no ``/``, ``..`` or drive; and every path is resolved
(symlinks followed) and must still be inside the folder, so a symlink pointing elsewhere is
refused. Files are written atomically: a temporary file in the same folder, then
``os.replace``, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from ..languages import LANGUAGES
from ..ruleset import Ruleset
from ..rulesetmodel import ID
from .errors import HttpError

#: The longest draft id (a file name that fits every file system, with its suffixes).
MAX_ID = 64
#: The largest draft or tests file the workspace reads.
MAX_FILE_BYTES = 2_000_000
RULESET_SUFFIX = ".yaml"
TESTS_SUFFIX = ".tests.yaml"
#: What a draft's title adds to its base's title, per language.
DRAFT_MARK = {"nl": " (ontwerp)", "fr": " (projet)", "en": " (draft)"}


def default_folder() -> Path:
    """``$XDG_DATA_HOME/amif-rules/workspace``, else ``~/.local/share/amif-rules/workspace``."""
    data = os.environ.get("XDG_DATA_HOME")
    base = Path(data) if data else Path.home() / ".local" / "share"
    return base / "amif-rules" / "workspace"


def check_id(value: Any, what: str = "id") -> str:
    """``value`` as a draft id, or a ``422`` naming ``what``."""
    if not isinstance(value, str) or len(value) > MAX_ID or not ID.fullmatch(value):
        shown = value[:80] if isinstance(value, str) else type(value).__name__
        raise HttpError(
            422,
            "bad_id",
            f"not a draft id: {shown!r}",
            [Problem(what, f"lower-case letters and digits in words joined by '-', at most {MAX_ID} characters")],
        )
    return value


class Workspace:
    """The folder of drafts (made when first used)."""

    def __init__(self, folder: Path | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()

    @property
    def root(self) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self.folder.resolve()

    def path(self, draft_id: str, suffix: str = RULESET_SUFFIX) -> Path:
        """The file of a draft, refused unless it is (and, resolved, stays) inside the folder."""
        check_id(draft_id)
        root = self.root
        candidate = root / f"{draft_id}{suffix}"
        resolved = candidate.resolve()
        if not resolved.is_relative_to(root) or resolved.parent != root:
            raise HttpError(422, "outside_workspace", f"{draft_id!r} points outside the workspace")
        return candidate

    def exists(self, draft_id: str) -> bool:
        return self.path(draft_id).is_file()

    def read(self, draft_id: str, suffix: str = RULESET_SUFFIX) -> str | None:
        """A file's text, or None when it does not exist."""
        path = self.path(draft_id, suffix)
        if not path.is_file():
            return None
        data = path.read_bytes()[: MAX_FILE_BYTES + 1]
        if len(data) > MAX_FILE_BYTES:
            raise HttpError(413, "too_large", f"{path.name} is larger than {MAX_FILE_BYTES:,} bytes")
        return data.decode("utf-8", errors="replace")

    def draft_text(self, draft_id: str) -> str:
        """The draft's YAML, or a ``404``."""
        text = self.read(draft_id)
        if text is None:
            raise HttpError(404, "unknown_draft", f"no draft {draft_id!r} in the workspace; GET /v1/workbench/drafts lists them")
        return text

    def write(self, draft_id: str, text: str, suffix: str = RULESET_SUFFIX) -> Path:
        """Write a file atomically (a temporary file beside it, then ``os.replace``)."""
        path = self.path(draft_id, suffix)
        if path.is_symlink():  # replacing it would not follow it, but a link here is not ours to drop
            raise HttpError(422, "outside_workspace", f"{path.name} is a link; the workspace keeps plain files")
        handle, temporary = tempfile.mkstemp(prefix=f".{draft_id}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    def drafts(self) -> list[str]:
        """The ids of the drafts in the folder (files that are links outside are left out)."""
        root = self.root
        found = []
        for path in sorted(root.glob("*" + RULESET_SUFFIX)):
            if path.name.endswith(TESTS_SUFFIX):
                continue
            draft_id = path.name.removesuffix(RULESET_SUFFIX)
            if len(draft_id) <= MAX_ID and ID.fullmatch(draft_id) and path.resolve().parent == root:
                found.append(draft_id)
        return found


def new_draft(base: Ruleset, draft_id: str) -> str:
    """The YAML of a new draft of ``base``: it extends the base; nothing is copied."""
    title = "\n".join(
        f"  {lang}: {json.dumps(getattr(base.title, lang) + DRAFT_MARK[lang], ensure_ascii=False)}" for lang in LANGUAGES
    )
    call = json.dumps(base.call) if base.call is not None else "null"
    return (
        f"# A draft of {base.id}, made in the workbench. It extends {base.id}: nothing is copied,\n"
        f"# so only what is written here changes (a parameter's value, a rule...).\n"
        f"id: {draft_id}\n"
        f'version: "0.1"\n'
        f"call: {call}\n"
        f"extends: {base.id}\n"
        f"status: draft\n"
        f"title:\n{title}\n"
    )


def _mapping_value(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _cannot(name: str, why: str) -> HttpError:
    return HttpError(
        422, "cannot_edit", f"cannot set parameter {name!r} in this text: {why}", [Problem(f"parameters.{name}", why)]
    )


def set_parameter(text: str, name: str, value: Any) -> str:
    """``text`` with parameter ``name``'s ``value:`` set, the rest as it was (comments too):
    the value replaced where the draft has one, else ``parameters: NAME: value:`` added."""
    written = json.dumps(value, ensure_ascii=False)  # JSON is YAML: a scalar, or a list in flow style
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise _cannot(name, f"the draft is not valid YAML ({str(error).splitlines()[0]})") from None
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise _cannot(name, "the draft is not a block mapping")
    found = _mapping_value(root, "parameters")
    if found is None:
        tail = "" if text.endswith("\n") or not text else "\n"
        return f"{text}{tail}\nparameters:\n  {name}:\n    value: {written}\n"
    key_node, parameters = found
    if isinstance(parameters, yaml.ScalarNode) and parameters.value in ("", "~", "null"):
        start, end = key_node.start_mark.index, parameters.end_mark.index
        return text[:start] + f"parameters:\n  {name}:\n    value: {written}" + text[end:]
    if not isinstance(parameters, yaml.MappingNode) or parameters.flow_style:
        raise _cannot(name, "parameters: is not a block mapping")
    entry = _mapping_value(parameters, name)
    if entry is None:
        first = parameters.value[0][0] if parameters.value else None
        indent = first.start_mark.column if first is not None else 2
        at = parameters.end_mark.index  # where the next key starts (or the end of the text)
        insert = f"{' ' * indent}{name}:\n{' ' * (indent + 2)}value: {written}\n"
        if at > 0 and text[at - 1] != "\n":
            insert = "\n" + insert
        return text[:at] + insert + text[at:]
    name_node, spec = entry
    if not isinstance(spec, yaml.MappingNode) or spec.flow_style:
        start, end = spec.start_mark.index, spec.end_mark.index
        if isinstance(spec, yaml.ScalarNode) and spec.value == "" and start == end:
            indent = name_node.start_mark.column + 2
            return text[:end] + f"\n{' ' * indent}value: {written}" + text[end:]
        raise _cannot(name, f"{name}: is not a block mapping with value:")
    current = _mapping_value(spec, "value")
    if current is None:
        first_key = spec.value[0][0]
        indent = first_key.start_mark.column
        line_start = text.rfind("\n", 0, first_key.start_mark.index) + 1
        return text[:line_start] + f"{' ' * indent}value: {written}\n" + text[line_start:]
    _, value_node = current
    return text[: value_node.start_mark.index] + written + text[value_node.end_mark.index :]


def _case_text(name: str, verdict: dict[str, Any], document: Any, indent: int) -> str:
    pad = " " * indent
    lines = [f"{pad}- name: {json.dumps(name, ensure_ascii=False)}", f"{pad}  outcome: {verdict['outcome']}"]
    failed = []
    for result in verdict.get("rules", []):
        if result.get("outcome") == "fail":
            label = f"{result['id']}[{result['item']}]" if result.get("item") else result["id"]
            failed.append(f"{pad}    {json.dumps(label)}: fail")
    if failed:
        lines += [f"{pad}  rules:", *failed]
    body = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000, default_flow_style=False)
    lines.append(f"{pad}  application:")
    lines += [f"{pad}    {line}" for line in body.rstrip("\n").split("\n")]
    return "\n".join(lines) + "\n"


def append_case(current: str | None, draft_id: str, name: str, verdict: dict[str, Any], document: Any) -> str:
    """The tests file's text with one more case at the end of its ``cases:`` (the file begun
    when there is none): the application inline, expecting ``verdict``'s outcome and failed rules."""
    if current is None:
        current = (
            f"# Tests of {draft_id}.yaml (the draft beside this file), saved from the workbench.\n"
            f"# Run them with: amif-rules test {draft_id}{TESTS_SUFFIX} --coverage\n"
            "cases:\n"
        )
    try:
        root = yaml.compose(current, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        raise HttpError(422, "bad_tests_file", "the tests file is not valid YAML; fix it first") from None
    cases = None
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "cases":
                cases = (key, value)
    if cases is None:
        tail = "" if current.endswith("\n") else "\n"
        text = current + tail + "cases:\n" + _case_text(name, verdict, document, 2)
    else:
        key, value = cases
        if isinstance(value, yaml.SequenceNode) and not value.flow_style:
            names = {
                spec.value
                for item in value.value
                if isinstance(item, yaml.MappingNode)
                for key_node, spec in item.value
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == "name" and isinstance(spec, yaml.ScalarNode)
            }
            if name in names:
                raise HttpError(409, "exists", f"the tests have a case {name!r} already")
            at = value.end_mark.index
            piece = _case_text(name, verdict, document, value.start_mark.column)
            text = current[:at] + ("\n" if at and current[at - 1] != "\n" else "") + piece + current[at:]
        elif isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
            end = value.end_mark.index
            text = current[:end] + "\n" + _case_text(name, verdict, document, 2) + current[end:]
        else:
            raise HttpError(422, "bad_tests_file", "cases: is not a block list; fix the tests file first")
    return text
