"""Bulk upserts of headquarters master data, validated per record with a report.

Every kind (stores, staff, permission sets, customers) goes through `ImportService.run`. A
record that cannot be taken, for whatever is wrong with its values, is that record's
rejection in the report; the others are written in chunks. If the body stops being JSON
part-way, what came before is finished (the pending chunk written) and the answer is an
`import-stopped` problem carrying the report and the index it stopped at; if the store
refuses a chunk, its problem (503) carries the report too, and so does the 500
`import-interrupted` of a chunk failing for a reason nobody foresaw. A caller always knows
which records were written and can resend from there.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from shared.domain.attributes import AttributeGroup, validate_attribute_values
from shared.domain.consent import imported_consents
from shared.domain.customers import Customer, CustomerImportRecord
from shared.domain.distribution import SINGLETON_ID, Kind
from shared.domain.errors import (
    ClientelingError,
    ImportInterrupted,
    ImportStopped,
    MalformedRequest,
    NotFound,
    ValidationFailed,
)
from shared.domain.json_numbers import out_of_range_numbers
from shared.domain.model_base import DomainModel, field_errors
from shared.domain.organisation import PermissionSet, Staff, Store
from shared.domain.parameters import ClientelingParameters
from shared.domain.phone_numbers import phone_key
from shared.ports.storage import Storage
from shared.services.consent import ConsentService, ImportedCustomerConsent

log = logging.getLogger(__name__)
CHUNK_SIZE = 1000
MAX_REPORTED_REJECTIONS = 1000
IMPORT_KINDS = ("stores", "staff", "permission-sets", "customers")
ERASED_WITHOUT_RESTORE = (
    'this customer was erased; send the record with "restore": true to bring them back'
)


@dataclass
class ImportReport:
    kind: str
    received: int = 0
    accepted: int = 0
    rejected: int = 0
    written: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, index: int, record_id: Any, errors: list[dict[str, str]]) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REPORTED_REJECTIONS:
            shown_id = record_id if isinstance(record_id, str) and len(record_id) <= 64 else None
            self.rejections.append({"index": index, "id": shown_id, "errors": errors})

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "received": self.received,
            "accepted": self.accepted,
            "rejected": self.rejected,
            "written": self.written,
            "rejections": self.rejections,
            "rejectionsNotShown": self.rejected - len(self.rejections),
        }


@dataclass
class _KindRules:
    model: type[DomainModel]
    id_field: str
    check: Callable[[Any], list[dict[str, str]]]
    write: Callable[[list[DomainModel]], int]


class ImportService:
    def __init__(self, storage: Storage, consent: ConsentService | None = None) -> None:
        self._storage = storage
        # Customer imports also state consent and file customers under their phone number.
        self._consent = consent

    def run(self, legal_entity: str, kind: str, records: Iterator[tuple[int, Any]]) -> ImportReport:
        rules = self._rules(legal_entity, kind)
        report = ImportReport(kind)
        seen: set[str] = set()
        chunk: list[DomainModel] = []
        chunk_start = 0  # index of the first record in `chunk`
        try:
            for index, record in records:
                report.received += 1
                value, errors = self._validate_record(kind, index, rules, record, seen)
                if errors:
                    shown_id = record.get(rules.id_field) if isinstance(record, dict) else None
                    report.reject(index, shown_id, errors)
                    continue
                report.accepted += 1
                if not chunk:
                    chunk_start = index
                chunk.append(value)
                if len(chunk) >= CHUNK_SIZE:
                    _write(rules, chunk, chunk_start, report)
                    chunk = []
        except MalformedRequest as broken:
            if report.received == 0:
                raise  # nothing was read, so nothing was done: the body is simply malformed
            # Finish what came before the break, so "every accepted record before `stoppedAt`
            # is written" holds and the caller can resend from that record on.
            if chunk:
                _write(rules, chunk, chunk_start, report)
            raise ImportStopped(
                f"{broken.detail}; the records before it were imported as the report says,"
                " none from it on",
                report={**report.to_json(), "stoppedAt": report.received},
            ) from None
        if chunk:
            _write(rules, chunk, chunk_start, report)
        return report

    def _validate_record(
        self, kind: str, index: int, rules: _KindRules, record: Any, seen: set[str]
    ) -> tuple[Any, list[dict[str, str]]]:
        try:
            return self._validate(rules, record, seen)
        except (ValueError, TypeError, ArithmeticError, RecursionError) as error:
            # The checks above name fields; this is the net under them, so one odd value can
            # only ever cost its own record. The value itself stays out of the log.
            log.warning("%s import: record %d unreadable (%s)", kind, index, type(error).__name__)
            return None, [{"field": "record", "message": "has a value that cannot be read"}]

    def _validate(
        self, rules: _KindRules, record: Any, seen: set[str]
    ) -> tuple[Any, list[dict[str, str]]]:
        if not isinstance(record, dict):
            return None, [{"field": "record", "message": "must be a JSON object"}]
        out_of_range = out_of_range_numbers(record)
        if out_of_range:
            return None, out_of_range
        try:
            value = rules.model.model_validate_json(json.dumps(record), strict=True)
        except ValidationError as problem:
            return None, field_errors(problem)
        except ValidationFailed as problem:
            return None, problem.errors
        record_id = getattr(value, _snake(rules.id_field))
        if record_id in seen:
            return None, [{"field": rules.id_field, "message": "appears twice in this import"}]
        errors = rules.check(value)
        if not errors:
            seen.add(record_id)
        return value, errors

    def _rules(self, legal_entity: str, kind: str) -> _KindRules:
        builders = {
            "stores": self._store_rules,
            "staff": self._staff_rules,
            "permission-sets": self._permission_set_rules,
            "customers": self._customer_rules,
        }
        if kind not in builders:
            raise NotFound(f"cannot import {kind!r}; kinds are {', '.join(IMPORT_KINDS)}")
        return builders[kind](legal_entity)

    def _upsert(self, legal_entity: str, kind: str, id_attr: str) -> Callable[[list[Any]], int]:
        hq = self._storage.headquarters
        return lambda chunk: hq.upsert_many(
            legal_entity, kind, [(getattr(v, id_attr), v.to_json()) for v in chunk]
        )

    def _store_rules(self, legal_entity: str) -> _KindRules:
        hq = self._storage.headquarters

        def check(store: Store) -> list[dict[str, str]]:
            # Store ids are global: POS routes name a store without its legal entity.
            if hq.exists_elsewhere(legal_entity, Kind.STORE, [store.store_id]):
                return [{"field": "storeId", "message": "belongs to another legal entity"}]
            return []

        return _KindRules(
            Store, "storeId", check, self._upsert(legal_entity, Kind.STORE, "store_id")
        )

    def _permission_set_rules(self, legal_entity: str) -> _KindRules:
        return _KindRules(
            PermissionSet,
            "permissionSetId",
            lambda _: [],
            self._upsert(legal_entity, Kind.PERMISSION_SET, "permission_set_id"),
        )

    def _staff_rules(self, legal_entity: str) -> _KindRules:
        hq = self._storage.headquarters
        stores = {d.doc_id for d in hq.list(legal_entity, Kind.STORE)}
        permission_sets = {d.doc_id for d in hq.list(legal_entity, Kind.PERMISSION_SET)}
        owner_of_object = {d.body["objectId"]: d.doc_id for d in hq.list(legal_entity, Kind.STAFF)}

        def check(staff: Staff) -> list[dict[str, str]]:
            errors = [
                {"field": "stores", "message": f"no store {s!r} in {legal_entity}"}
                for s in staff.stores
                if s not in stores
            ]
            if staff.permission_set_id not in permission_sets:
                errors.append({"field": "permissionSetId", "message": "no such permission set"})
            owner = owner_of_object.get(staff.object_id)
            if owner is not None and owner != staff.staff_id:
                errors.append({"field": "objectId", "message": "already used by another staff id"})
            if not errors:
                owner_of_object[staff.object_id] = staff.staff_id
            return errors

        return _KindRules(
            Staff, "staffId", check, self._upsert(legal_entity, Kind.STAFF, "staff_id")
        )

    def _customer_rules(self, legal_entity: str) -> _KindRules:
        group = self._client_book_group(legal_entity)
        customers = self._storage.customers
        erased = customers.erased_ids(legal_entity)
        code = self._consent.calling_code(legal_entity) if self._consent else None

        def check(record: CustomerImportRecord) -> list[dict[str, str]]:
            if record.customer_id in erased and not record.restore:
                return [{"field": "customerId", "message": ERASED_WITHOUT_RESTORE}]
            try:
                validate_attribute_values(group, record.attributes)
            except ValidationFailed as problem:
                return problem.errors
            return []

        def write(chunk: list[Any]) -> int:
            bodies = [self._with_clean_attributes(group, r.customer()) for r in chunk]
            written = customers.upsert_many(legal_entity, bodies)
            # The tombstone goes after the data is back: a failure in between leaves the
            # customer erased, and sending the record again finishes the restore.
            for record in chunk:
                if record.restore and record.customer_id in erased:
                    customers.restore(legal_entity, record.customer_id)
                    erased.discard(record.customer_id)
            if self._consent is not None:
                self._consent.apply_import(legal_entity, [_consent_of(r, code) for r in chunk])
            return written

        return _KindRules(CustomerImportRecord, "customerId", check, write)

    @staticmethod
    def _with_clean_attributes(group: AttributeGroup | None, customer: Customer) -> dict:
        body = customer.to_json()
        body["attributes"] = {
            k: v
            for k, v in validate_attribute_values(group, customer.attributes).items()
            if v is not None
        }
        return body

    def _client_book_group(self, legal_entity: str) -> AttributeGroup | None:
        hq = self._storage.headquarters
        stored = hq.get(legal_entity, Kind.PARAMETERS, SINGLETON_ID)
        if stored is None:
            return None
        group_id = ClientelingParameters.model_validate(stored.body).attribute_group_id
        group = hq.get(legal_entity, Kind.ATTRIBUTE_GROUP, group_id) if group_id else None
        return AttributeGroup.model_validate(group.body) if group else None


def _write(rules: _KindRules, chunk: list[Any], chunk_start: int, report: ImportReport) -> None:
    """Write one chunk; if the store refuses it, the problem carries the report so far.

    The refused chunk may be partly written, so `stoppedAt` is its first record: resending
    from there is safe (upserts), and everything before it is written as reported.
    """
    try:
        report.written += rules.write(chunk)
    except ClientelingError as refused:
        refused.extensions["report"] = {**report.to_json(), "stoppedAt": chunk_start}
        raise
    except Exception as failure:
        # A bug or a store fault nobody classified: still a 500, but one that says which
        # records are written; the pipeline's bare 500 would leave the caller guessing.
        log.exception(
            "%s import: the chunk from record %d failed unexpectedly", report.kind, chunk_start
        )
        raise ImportInterrupted(
            f"an unexpected failure stopped the import at the chunk from record {chunk_start};"
            " the records before it were imported as the report says",
            report={**report.to_json(), "stoppedAt": chunk_start},
        ) from failure


def _consent_of(record: CustomerImportRecord, calling_code: str | None) -> ImportedCustomerConsent:
    return ImportedCustomerConsent(
        record.customer_id,
        imported_consents(record.consent, record.contact_consent),
        phone_key(record.phone, calling_code),
    )


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
