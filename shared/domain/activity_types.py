"""Activity types: the configurable kinds of activity (store visit, email, ...)."""

from __future__ import annotations

from shared.domain.model_base import DomainModel, Name, multi_line_text


class ActivityType(DomainModel):
    name: Name
    description: multi_line_text(max_length=500) = ""
    active: bool = True
