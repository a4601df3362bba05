"""Consent pages: a person's releases of information, revocation, the disclosure packet."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from coresponse.audit.services import audit_reads
from coresponse.common.http import AuthenticatedHttpRequest
from coresponse.consents.forms import ConsentForm
from coresponse.consents.part2 import PART2_NOTICE, PART2_NOTICE_TITLE
from coresponse.consents.selectors import consent_get, consents_visible_to, disclosure_packet
from coresponse.consents.services import consent_create, consent_revoke, disclosure_authorize
from coresponse.people.selectors import people_clinically_visible_to


def person_consents(request: AuthenticatedHttpRequest, person_pk: int) -> HttpResponse:
    """A person's consents, and the form to record a new one (clinical staff)."""
    person = people_clinically_visible_to(request.user).filter(pk=person_pk).first()
    if person is None:
        raise Http404("No person found.")
    form = ConsentForm(request.POST or None, organization_id=person.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            consent_create(actor=request.user, person=person, data=form.to_input())
            messages.success(request, "Consent recorded.")
            return redirect("consents:person", person.pk)
        except ValidationError as error:
            for field, errors in (
                error.message_dict.items()
                if hasattr(error, "error_dict")
                else [(None, error.messages)]
            ):
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
    consents = list(consents_visible_to(request.user).filter(person=person))
    audit_reads(actor=request.user, object_type="person", objects=[person])
    context = {"person": person, "consents": consents, "form": form}
    return render(request, "consents/person.html", context)


@require_POST
def revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the person's revocation of a consent."""
    consent = consent_get(request.user, pk)
    try:
        consent_revoke(actor=request.user, consent=consent)
        messages.success(request, "Consent revoked: nothing more is shared under it.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("consents:person", consent.person_id)


def disclose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The printable packet sent to the consent's recipient, with the Part 2 notice."""
    consent = consent_get(request.user, pk)
    try:
        disclosure_authorize(
            actor=request.user,
            person=consent.person,
            channel="print",
            needs_part2=consent.covers_part2,
            recipient_service=consent.recipient_service,
            recipient_name=consent.recipient_name,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("consents:person", consent.person_id)
    packet = disclosure_packet(request.user, consent)
    context = {
        "consent": consent,
        "packet": packet,
        "part2_title": PART2_NOTICE_TITLE,
        "part2_notice": PART2_NOTICE if packet.has_part2 else "",
    }
    return render(request, "consents/disclose.html", context)
