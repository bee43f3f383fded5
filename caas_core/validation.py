"""Turn a pydantic ValidationError into one line a user can act on: the key, the value, what is allowed."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar, get_args

import annotated_types as at
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)

_BOUNDS = ((at.Ge, "ge", ">="), (at.Gt, "gt", ">"), (at.Le, "le", "<="), (at.Lt, "lt", "<"))
# pydantic names Python's types; the files are TOML and YAML, whose users know tables and lists.
_TYPE_ERRORS = {
    "model_type": "should be a mapping of keys to values",
    "dict_type": "should be a mapping of keys to values",
    "tuple_type": "should be a list",
    "list_type": "should be a list",
}


def validated_under(key: str, model: type[M], data: Any) -> M:
    """`data` as `model`, its errors located under `key`: for a validator that chooses the model itself
    (a field whose kind depends on a sibling), so an error reads as if pydantic had chosen it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {
                "type": e["type"],
                "loc": (key, *e["loc"]),
                "input": e["input"],
                **({"ctx": e["ctx"]} if "ctx" in e else {}),
            }
            for e in exc.errors(include_url=False)
        ]
        raise ValidationError.from_exception_data(exc.title, errors) from None  # type: ignore[arg-type]


def first_error_line(exc: ValidationError, source: str, model: type[BaseModel], under: str = "") -> str:
    """One line for the first error: '<source>: <key> = <value> ...'. `under` is where the validated data
    sits in its file ('policies' for a scenario's own policies), and leads each key named."""
    err = exc.errors(include_url=False)[0]
    loc = list(err["loc"])
    key = ".".join(str(part) for part in ([under] if under else []) + loc) or "(top level)"
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        known = _field_names(model, loc[:-1]) if loc else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        # A key another model of a union allows (a core's crash on a partner) is no misspelling.
        hint = f"; did you mean {close[0]!r}?" if close and close[0] != loc[-1] else ""
        return f"{source}: unknown key {key}{hint}"
    if kind == "missing":
        return f"{source}: missing key {key}"
    if kind == "literal_error":
        return f"{source}: {key} = {_shown(value)} is not allowed; allowed: {err['ctx']['expected']}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return f"{source}: {key} = {_shown(value)} is out of range; allowed: {_allowed(model, loc)}"
    shown = f" = {_shown(value)}" if not isinstance(value, dict | list) else ""
    return f"{source}: {key}{shown}: {_TYPE_ERRORS.get(kind) or _strip(err['msg'])}"


def _shown(value: Any) -> str:
    """A value as the file spells it: true, false and null are TOML's and YAML's words, not Python's."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _model_in(annotation: Any, key: str) -> type[BaseModel] | None:
    """The model an annotation holds that has a field `key`: itself, or inside list[...], tuple[...],
    X | None, Annotated[...], or a union of models (the one that declares `key`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation if key in annotation.model_fields else None
    for argument in get_args(annotation):
        found = _model_in(argument, key)
        if found is not None:
            return found
    return None


def _field_names(model: type[BaseModel], loc: list[Any]) -> list[str]:
    """The keys allowed at `loc`: the fields of the model (or models, in a union) found there."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue  # an index into a list or tuple: the items' model is already `current`
        current = _model_in(current, str(part))
        if current is None:
            return []
        current = current.model_fields[str(part)].annotation
    return [name for found in _models(current) for name in found.model_fields]


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds: itself, or those inside list[...], X | Y, Annotated[...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for argument in get_args(annotation) for m in _models(argument)]


def _strip(message: str) -> str:
    return message.removeprefix("Value error, ")


def _allowed(model: type[BaseModel], loc: list[Any]) -> str:
    """The bounds declared on the field at `loc`, as '>= 0 and <= 20'."""
    current: Any = model
    field = None
    for part in loc:
        if isinstance(part, int):
            continue  # an index into a list or tuple: the items' model is already `current`
        current = _model_in(current, str(part))
        if current is None:
            return ""
        field = current.model_fields[str(part)]
        current = field.annotation
    if field is None:
        return ""
    bounds = []
    for meta in field.metadata:
        for cls, attr, symbol in _BOUNDS:
            if isinstance(meta, cls):
                bounds.append(f"{symbol} {getattr(meta, attr)}")
    if len(bounds) == 2:
        return f"{bounds[0]} and {bounds[1]}"
    return " ".join(bounds)
