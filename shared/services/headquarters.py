"""Headquarters configuration that admins edit: parameters, attribute groups, activity types,
Key Vault settings. Each is a versioned document; updates of existing ones need If-Match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from shared.domain.activity_types import ActivityType
from shared.domain.attributes import AttributeGroup, AttributeType
from shared.domain.distribution import SINGLETON_ID, Kind
from shared.domain.errors import NotFound, PreconditionRequired, ValidationFailed
from shared.domain.followup_rules import ANNIVERSARY, BIRTHDAY, MAX_RULES, FollowupRule, RuleKind
from shared.domain.key_vault import KeyVaultSettings
from shared.domain.message_templates import MessageTemplate
from shared.domain.model_base import DomainModel
from shared.domain.outreach import OutreachSettings
from shared.domain.parameters import ClientelingParameters
from shared.ports.documents import HeadquartersDocuments

M = TypeVar("M", bound=DomainModel)


@dataclass(frozen=True)
class Versioned(Generic[M]):
    doc_id: str
    value: M
    etag: str | None  # None: never saved (defaults)


class ConfigDocuments(Generic[M]):
    """One kind of headquarters document, typed."""

    def __init__(self, store: HeadquartersDocuments, kind: str, model: type[M], label: str):
        self._store = store
        self.kind = kind
        self._model = model
        self._label = label

    def get(self, legal_entity: str, doc_id: str) -> Versioned[M] | None:
        stored = self._store.get(legal_entity, self.kind, doc_id)
        if stored is None:
            return None
        return Versioned(doc_id, self._model.model_validate(stored.body), stored.etag)

    def require(self, legal_entity: str, doc_id: str) -> Versioned[M]:
        found = self.get(legal_entity, doc_id)
        if found is None:
            raise NotFound(f"no {self._label} {doc_id!r} in {legal_entity}", resource=self.kind)
        return found

    def list(self, legal_entity: str) -> list[Versioned[M]]:
        return [
            Versioned(d.doc_id, self._model.model_validate(d.body), d.etag)
            for d in self._store.list(legal_entity, self.kind)
        ]

    def put(self, legal_entity: str, doc_id: str, value: M, if_match: str | None) -> Versioned[M]:
        """Create, or replace with If-Match (428 without it: no silent lost updates)."""
        if if_match is None and self._store.get(legal_entity, self.kind, doc_id) is not None:
            raise PreconditionRequired(
                f"{self._label} {doc_id!r} exists: send If-Match with the ETag you read"
            )
        stored = self._store.put(legal_entity, self.kind, doc_id, value.to_json(), if_match)
        return Versioned(doc_id, value, stored.etag)


class HeadquartersService:
    def __init__(self, store: HeadquartersDocuments) -> None:
        self.parameters_docs = ConfigDocuments(
            store, Kind.PARAMETERS, ClientelingParameters, "parameters"
        )
        self.attribute_groups = ConfigDocuments(
            store, Kind.ATTRIBUTE_GROUP, AttributeGroup, "attribute group"
        )
        self.activity_types = ConfigDocuments(
            store, Kind.ACTIVITY_TYPE, ActivityType, "activity type"
        )
        self.key_vault_docs = ConfigDocuments(
            store, Kind.KEY_VAULT, KeyVaultSettings, "Key Vault settings"
        )
        self.outreach_docs = ConfigDocuments(
            store, Kind.OUTREACH_SETTINGS, OutreachSettings, "outreach settings"
        )
        self.message_templates = ConfigDocuments(
            store, Kind.MESSAGE_TEMPLATE, MessageTemplate, "message template"
        )
        self.followup_rules = ConfigDocuments(
            store, Kind.FOLLOWUP_RULE, FollowupRule, "follow-up rule"
        )

    def parameters(self, legal_entity: str) -> Versioned[ClientelingParameters]:
        found = self.parameters_docs.get(legal_entity, SINGLETON_ID)
        return found or Versioned(SINGLETON_ID, ClientelingParameters(), None)

    def save_parameters(
        self, legal_entity: str, new: ClientelingParameters, if_match: str | None
    ) -> Versioned[ClientelingParameters]:
        current = self.parameters(legal_entity).value
        if new.insights.enabled and not current.insights.enabled:
            raise ValidationFailed.single(
                "insights.enabled",
                f"turn Insights on with POST /api/admin/{legal_entity}/insights/enable, which"
                " validates the setup first",
            )
        group_id = new.attribute_group_id
        if group_id and self.attribute_groups.get(legal_entity, group_id) is None:
            raise ValidationFailed.single(
                "attributeGroupId", f"no attribute group {group_id!r} in {legal_entity}"
            )
        return self.parameters_docs.put(legal_entity, SINGLETON_ID, new, if_match)

    def key_vault(self, legal_entity: str) -> Versioned[KeyVaultSettings]:
        found = self.key_vault_docs.get(legal_entity, SINGLETON_ID)
        return found or Versioned(SINGLETON_ID, KeyVaultSettings(), None)

    def save_key_vault(
        self, legal_entity: str, new: KeyVaultSettings, if_match: str | None
    ) -> Versioned[KeyVaultSettings]:
        return self.key_vault_docs.put(legal_entity, SINGLETON_ID, new, if_match)

    def outreach(self, legal_entity: str) -> Versioned[OutreachSettings]:
        found = self.outreach_docs.get(legal_entity, SINGLETON_ID)
        return found or Versioned(SINGLETON_ID, OutreachSettings(), None)

    def save_outreach(
        self, legal_entity: str, new: OutreachSettings, if_match: str | None
    ) -> Versioned[OutreachSettings]:
        return self.outreach_docs.put(legal_entity, SINGLETON_ID, new, if_match)

    def deactivate_message_template(
        self, legal_entity: str, template_id: str, if_match: str | None
    ) -> Versioned[MessageTemplate]:
        """DELETE keeps the template (sent messages keep their text) but takes it off the POS."""
        current = self.message_templates.require(legal_entity, template_id)
        inactive = current.value.model_copy(update={"active": False})
        return self.message_templates.put(
            legal_entity, template_id, inactive, if_match or current.etag
        )

    def deactivate_activity_type(
        self, legal_entity: str, type_id: str, if_match: str | None
    ) -> Versioned[ActivityType]:
        """DELETE keeps the type (history still shows its name) but takes it off the POS."""
        current = self.activity_types.require(legal_entity, type_id)
        inactive = current.value.model_copy(update={"active": False})
        return self.activity_types.put(legal_entity, type_id, inactive, if_match or current.etag)

    def save_followup_rule(
        self, legal_entity: str, rule_id: str, rule: FollowupRule, if_match: str | None
    ) -> Versioned[FollowupRule]:
        """Create or replace a rule whose date attribute and activity types exist here."""
        if rule.kind is RuleKind.IMPORTANT_DATE and rule.date_field not in (BIRTHDAY, ANNIVERSARY):
            group_id = self.parameters(legal_entity).value.attribute_group_id
            group = self.attribute_groups.get(legal_entity, group_id) if group_id else None
            dates = {
                a.name
                for a in (group.value.attributes if group else [])
                if a.type is AttributeType.DATE
            }
            if rule.date_field not in dates:
                raise ValidationFailed.single(
                    "dateField",
                    "must be birthday, anniversary or a date attribute of the client-book group",
                )
        known = {t.doc_id for t in self.activity_types.list(legal_entity)}
        unknown = [t for t in rule.activity_type_ids if t not in known]
        if unknown:
            raise ValidationFailed.single(
                "activityTypeIds", f"no activity type {', '.join(unknown)} in {legal_entity}"
            )
        existing = {r.doc_id for r in self.followup_rules.list(legal_entity)}
        if rule_id not in existing and len(existing) >= MAX_RULES:
            raise ValidationFailed.single(
                "ruleId", f"at most {MAX_RULES} follow-up rules per legal entity"
            )
        return self.followup_rules.put(legal_entity, rule_id, rule, if_match)
