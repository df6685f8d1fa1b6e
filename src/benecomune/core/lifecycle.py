"""Lifecycles as data: one transition table per model, used by the services.

A `Lifecycle` lists the moves of a model's status field (source, target, who may make them,
the audit action that records them). Services call `.apply(...)` (one row) or
`.apply_bulk(...)` (a queryset, one statement) inside their own transaction; a move that is
not in the table is refused. `.mermaid()` draws the table for docs/lifecycles.md.

Permissions: a real permission code is checked on the row's tenant (or on the transition's
`scope`, e.g. the merchant of a debit note it issues); `OWNER` marks a move made by the person
concerned (the applicant, the beneficiary), whose ownership the service checks; a tuple lists
alternatives, any of which suffices. The services keep their own, more specific checks and
messages first: the table is the rule that no move escapes.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor

OWNER = "owner"  # the person concerned: the service checks who they are


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    permission: str | tuple[str, ...]
    action: str
    # The attribute naming the organisation the permission is checked on (None: the table's).
    scope: str | None = None


@dataclass
class Lifecycle:
    model: type
    transitions: list[Transition]
    initial: tuple[str, ...] | str
    field: str = "status"
    # The attribute holding the tenant: permission scope and audit organisation.
    tenant: str = "organization_id"
    error: type[ValidationError] = ValidationError
    terminal: tuple[str, ...] = ()

    def __post_init__(self):
        if isinstance(self.initial, str):
            self.initial = (self.initial,)

    # -- reading the table -------------------------------------------------------------
    @property
    def statuses(self) -> list[str]:
        return [value for value, _label in self.model._meta.get_field(self.field).choices]

    def label(self, status: str) -> str:
        return str(dict(self.model._meta.get_field(self.field).choices).get(status, status))

    def find(self, source: str, target: str, action: str | None = None) -> Transition | None:
        """The transition from `source` to `target` (of `action`, where two share the pair)."""
        for transition in self.transitions:
            if (transition.source, transition.target) != (source, target):
                continue
            if action is None or transition.action == action:
                return transition
        return None

    def sources(self, target: str, action: str | None = None) -> set[str]:
        return {
            t.source
            for t in self.transitions
            if t.target == target and (action is None or t.action == action)
        }

    def reachable(self) -> set[str]:
        seen, todo = set(self.initial), list(self.initial)
        while todo:
            status = todo.pop()
            for transition in self.transitions:
                if transition.source == status and transition.target not in seen:
                    seen.add(transition.target)
                    todo.append(transition.target)
        return seen

    # -- checking and applying ---------------------------------------------------------
    def scope_of(self, obj, transition: Transition):
        """The organisation (id) the transition's permission is checked on."""
        value = obj
        for name in (transition.scope or self.tenant).split("."):
            value = getattr(value, name)
        return value

    def _refuse(self, source: str, target: str):
        return self.error(
            _("Non si può passare da «%(from)s» a «%(to)s».")
            % {"from": self.label(source), "to": self.label(target)}
        )

    @staticmethod
    def _permit(actor: Actor, transition: Transition, organizations) -> None:
        if transition.permission == OWNER:
            return
        codes = transition.permission
        codes = (codes,) if isinstance(codes, str) else codes
        for organization in organizations:
            if not any(actor.has_perm(code, organization) for code in codes):
                raise PermissionDenied(_("Non ha i permessi per questa operazione."))

    def check(self, actor: Actor, obj, target: str, *, action: str | None = None) -> Transition:
        """The table's transition of `obj` to `target`; raises (Italian) if there is none or
        the actor may not make it."""
        source = getattr(obj, self.field)
        transition = self.find(source, target, action)
        if transition is None:
            raise self._refuse(source, target)
        self._permit(actor, transition, [self.scope_of(obj, transition)])
        return transition

    def apply(
        self,
        actor: Actor,
        obj,
        target: str,
        *,
        action: str | None = None,
        reason: str = "",
        audit_event: bool = True,
        extra_fields: tuple | list | None = (),
        before: dict | None = None,
        after: dict | None = None,
        organization=None,
        person=None,
    ) -> Transition:
        """Move `obj` to `target`: check, set the field, save it (with `extra_fields`, set by
        the caller; None saves every field) and record the table's audit action with the
        statuses before and after. `audit_event=False` only where the caller records the same
        move itself (with `transition.action`)."""
        transition = self.check(actor, obj, target, action=action)
        source = getattr(obj, self.field)
        setattr(obj, self.field, target)
        if extra_fields is None:
            obj.save()
        else:
            obj.save(update_fields=[self.field, *extra_fields])
        if audit_event:
            self.record(
                actor,
                obj,
                transition,
                source,
                reason=reason,
                before=before,
                after=after,
                organization=organization,
                person=person,
            )
        return transition

    def record(
        self,
        actor: Actor,
        obj,
        transition: Transition,
        source: str,
        *,
        reason: str = "",
        before: dict | None = None,
        after: dict | None = None,
        organization=None,
        person=None,
    ):
        """The audit event of a move already saved (for services that save in their own way,
        e.g. with the protocol number): the table's action, the statuses before and after."""
        if organization is None:
            organization = getattr(obj, self.tenant)
        return audit.record(
            actor,
            transition.action,
            obj,
            organization=organization,
            person=person,
            before={**(before or {}), self.field: source},
            after={**(after or {}), self.field: transition.target},
            reason=reason,
        )

    def apply_bulk(
        self,
        actor: Actor,
        queryset,
        target: str,
        *,
        organization=None,
        action: str | None = None,
        reason: str = "",
        values: dict | None = None,
    ) -> int:
        """Move every row of `queryset` to `target` in one UPDATE (with `values` too) and
        record one audit event per row, within the caller's transaction. Refuses the whole
        move (changing nothing) if any row's status has no transition to `target`.
        Returns the number of rows moved."""
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("Lifecycle.apply_bulk must run inside the caller's transaction")
        sources = self.sources(target, action)
        rows = sorted(set(queryset.values_list("pk", self.field, self.tenant)))
        if not rows:
            return 0
        for _pk, source, _tenant in rows:
            if source not in sources:
                raise self._refuse(source, target)
        for source in {row[1] for row in rows}:
            transition = self.find(source, target, action)
            if transition.scope:
                path = transition.scope.removesuffix("_id").replace(".", "__")
                scopes = set(queryset.filter(**{self.field: source}).values_list(path, flat=True))
            else:
                scopes = {row[2] for row in rows if row[1] == source}
            self._permit(actor, transition, scopes)
        moved = queryset.filter(**{f"{self.field}__in": sources}).update(
            **{self.field: target}, **(values or {})
        )
        if moved != len(rows):  # a row changed meanwhile: the caller's transaction rolls back
            raise self.error(_("Alcuni elementi sono cambiati nel frattempo: riprovi."))
        self._record_rows(actor, rows, target, action, organization, reason)
        return moved

    def _record_rows(self, actor, rows, target, action, organization, reason) -> None:
        """One audit event per row, as multi-row INSERTs (batch work: thousands of rows); the
        row is named by its model and id, so that no query runs per row."""
        from benecomune.core.bulk import db_value

        meta = self.model._meta
        object_type = f"{meta.app_label}.{meta.model_name}"
        name = str(meta.verbose_name)
        fixed = getattr(organization, "pk", organization)
        audit.insert_events(
            actor,
            [
                (
                    fixed if fixed is not None else tenant,
                    self.find(source, target, action).action,
                    object_type,
                    str(pk),
                    f"{name} {pk}"[:200],
                    None,
                    db_value({self.field: source}),
                    db_value({self.field: target}),
                    reason,
                )
                for pk, source, tenant in rows
            ],
        )

    # -- documentation -----------------------------------------------------------------
    def mermaid(self) -> str:
        """The table as a Mermaid stateDiagram-v2 (labels: audit action and permission)."""
        lines = ["stateDiagram-v2"]
        for status in self.statuses:
            lines.append(f'    state "{self.label(status)}" as {status}')
        for status in self.initial:
            lines.append(f"    [*] --> {status}")
        for t in self.transitions:
            who = t.permission if isinstance(t.permission, str) else " | ".join(t.permission)
            lines.append(f"    {t.source} --> {t.target}: {t.action} ({who})")
        for status in self.terminal:
            lines.append(f"    {status} --> [*]")
        return "\n".join(lines)
