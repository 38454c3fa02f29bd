"""Processors that move fields around: set, remove, rename, append, dot_expander."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import IllegalArgument, Unsupported
from ..document import METADATA, MISSING, IngestDocument, copy_tree
from ..processor import Factory, Processor
from ..templates import Template, ValueSource

if TYPE_CHECKING:
    from ..config import Options
    from ..execution import Run
    from ..parsing import Parser

MEDIA_TYPES = ("application/json", "text/plain", "application/x-www-form-urlencoded")


class SetProcessor(Processor):
    type = "set"

    def __init__(
        self,
        field: Template,
        value: ValueSource | None,
        copy_from: str | None,
        override: bool,
        ignore_empty_value: bool,
    ) -> None:
        super().__init__(None, None)
        self.field, self.value, self.copy_from = field, value, copy_from
        self.override, self.ignore_empty_value = override, ignore_empty_value

    def execute(self, document: IngestDocument, run: Run) -> bool:
        path = self.field.render(document)
        if not self.override and document.has(path) and document.get(path) is not None:
            return True
        if self.copy_from is not None:
            value = document.get(self.copy_from, ignore_missing=self.ignore_empty_value)
            value = None if value is MISSING else copy_tree(value)
            if self.ignore_empty_value and value in (None, ""):
                return True
        else:
            assert self.value is not None
            value = self.value.resolve(document)
            if self.ignore_empty_value and self.value.is_template and value in (None, ""):
                return True
        document.set(path, value)
        return True


def _set(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    copy_from = options.optional_string("copy_from")
    value = None
    if copy_from is None:
        value = options.value("value", options.object("value"))
    elif options.config.pop("value", None) is not None:
        raise options.error("copy_from", "cannot set `copy_from` while also setting `value`")
    override = options.boolean("override", True)
    _media_type(options)
    compiled = options.compile("field", field)
    ignore_empty_value = options.boolean("ignore_empty_value", False)
    return SetProcessor(compiled, value, copy_from, override, ignore_empty_value)


def _media_type(options: Options) -> None:
    media_type = options.string("media_type", "application/json")
    if media_type not in MEDIA_TYPES:
        raise options.error("media_type", f"property must be one of [{', '.join(MEDIA_TYPES)}]")
    if media_type != "application/json":
        raise Unsupported(f"[media_type] [{media_type}] of an ingest template")


class RemoveProcessor(Processor):
    type = "remove"

    def __init__(self, fields: list[Template], keep: list[Template], ignore_missing: bool) -> None:
        super().__init__(None, None)
        self.fields, self.keep, self.ignore_missing = fields, keep, ignore_missing

    def execute(self, document: IngestDocument, run: Run) -> bool:
        if self.keep:
            self._keep_only([template.render(document) for template in self.keep], document)
            return True
        for template in self.fields:
            document.remove(template.render(document), ignore_missing=self.ignore_missing)
        return True

    @staticmethod
    def _keep_only(kept: list[str], document: IngestDocument) -> None:
        def walk(container: dict[str, Any], prefix: str) -> None:
            for key in list(container):
                path = prefix + key
                if not prefix and key in METADATA:
                    continue
                if any(path == k or path.startswith(k + ".") for k in kept):
                    continue  # kept, with everything under it
                if any(k.startswith(path + ".") for k in kept) and isinstance(container[key], dict):
                    walk(container[key], path + ".")  # on the way to a kept field
                    continue
                del container[key]

        walk(document.ctx, "")


def _remove(options: Options, parser: Parser) -> Processor:
    fields = options.optional_string_or_list("field")
    keep = options.optional_string_or_list("keep")
    if fields is None and keep is None:
        raise options.error("keep", "or [field] must be specified")
    if fields is not None and keep is not None:
        raise options.error("keep", "and [field] cannot both be used in the same processor")
    ignore_missing = options.boolean("ignore_missing", False)
    return RemoveProcessor(
        [options.compile("field", f) for f in fields or ()],
        [options.compile("keep", k) for k in keep or ()],
        ignore_missing,
    )


class RenameProcessor(Processor):
    type = "rename"

    def __init__(
        self, field: Template, target: Template, ignore_missing: bool, override: bool
    ) -> None:
        super().__init__(None, None)
        self.field, self.target = field, target
        self.ignore_missing, self.override = ignore_missing, override

    def execute(self, document: IngestDocument, run: Run) -> bool:
        path = self.field.render(document)
        if not document.has(path):
            if self.ignore_missing:
                return True
            raise IllegalArgument(f"field [{path}] doesn't exist")
        target = self.target.render(document)
        if document.has(target) and not self.override:
            raise IllegalArgument(f"field [{target}] already exists")
        value = document.get(path)
        document.remove(path)
        try:
            document.set(target, value)
        except IllegalArgument:
            document.set(path, value)  # put it back, as Elasticsearch does
            raise
        return True


def _rename(options: Options, parser: Parser) -> Processor:
    field = options.template("field")
    target = options.template("target_field")
    ignore_missing = options.boolean("ignore_missing", False)
    override = options.boolean("override", False)
    return RenameProcessor(field, target, ignore_missing, override)


class AppendProcessor(Processor):
    type = "append"

    def __init__(self, field: Template, value: ValueSource, allow_duplicates: bool) -> None:
        super().__init__(None, None)
        self.field, self.value, self.allow_duplicates = field, value, allow_duplicates

    def execute(self, document: IngestDocument, run: Run) -> bool:
        document.append(
            self.field.render(document),
            self.value.resolve(document),
            allow_duplicates=self.allow_duplicates,
        )
        return True


def _append(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    value = options.value("value", options.object("value"))
    allow_duplicates = options.boolean("allow_duplicates", True)
    _media_type(options)
    return AppendProcessor(options.compile("field", field), value, allow_duplicates)


class DotExpanderProcessor(Processor):
    type = "dot_expander"

    def __init__(self, field: str, path: str | None, override: bool) -> None:
        super().__init__(None, None)
        self.field, self.path, self.override = field, path, override

    def execute(self, document: IngestDocument, run: Run) -> bool:
        if self.path is not None:
            container = document.get_typed(self.path, dict, "java.util.Map")
        else:
            container = document.ctx
        if self.field == "*":
            for key in [k for k in container if k.find(".") > 0]:
                self._expand(document, key, container)
        else:
            self._expand(document, self.field, container)
        return True

    def _expand(self, document: IngestDocument, field: str, container: dict[str, Any]) -> None:
        if field not in container:
            return
        path = field if self.path is None else f"{self.path}.{field}"
        value = container.pop(field)
        if document.has(path):
            if self.override:
                document.set(path, value)
            else:
                document.append(path, value)
            return
        index = path.find(".")
        while index != -1:
            partial = path[:index]
            if not document.has(partial):
                break
            if not isinstance(document.get(partial), dict):
                raise IllegalArgument(
                    f"cannot expand [{path}], because [{partial}] is not an object field, but a "
                    "value field"
                )
            index = path.find(".", index + 1)
        document.set(path, value)


def _dot_expander(options: Options, parser: Parser) -> Processor:
    field = options.string("field")
    if "." not in field and field != "*":
        raise options.error("field", "field does not contain a dot and is not a wildcard")
    if field.startswith(".") or field.endswith("."):
        raise options.error("field", "Field can't start or end with a dot")
    if ".." in field:
        raise options.error("field", "No space between dots")
    path = options.optional_string("path")
    override = options.boolean("override", False)
    return DotExpanderProcessor(field, path, override)


FACTORIES: dict[str, Factory] = {
    "set": _set,
    "remove": _remove,
    "rename": _rename,
    "append": _append,
    "dot_expander": _dot_expander,
}
