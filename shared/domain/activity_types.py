"""Activity types: the configurable kinds of activity (store visit, email, ...)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from shared.domain.model_base import DomainModel, MultiLineText, Name


class ActivityType(DomainModel):
    name: Name
    description: Annotated[MultiLineText, StringConstraints(max_length=500)] = ""
    active: bool = True
