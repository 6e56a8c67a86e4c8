"""Document delivery: «طلبات التوصيل» for the delivery officer, and documents returned to a branch desk."""

from urllib.parse import parse_qsl, urlsplit

from flask import flash, g, render_template, request, url_for
from flask_babel import _, ngettext

from domain.dates import parse_day
from domain.delivery import moves, pipeline, worklists
from domain.delivery.address import cities
from domain.delivery.handover import Proof
from domain.errors import Conflict, Refused
from models import DeliveryStatus, Role
from views.access import found_or_404, roles_required
from views.delivery import bp, track_link
from views.inputs import CleanMultiDict, bounded_int
from views.rendering import redirect_after_post, render_page_or_partial, safe_next, wants_partial


def read_filters(args):
    """Read the list's filters from a query string; a date that is not one (or beyond the calendar) is ignored."""
    status = args.get("status", "")
    return {
        "status": status if status in DeliveryStatus.ALL else "",
        "city": args.get("city", ""),
        "date": parse_day(args.get("date")),
        "q": (args.get("q") or "").strip(),
        "after": args.get("after", type=int),
    }


def list_url(filters, **changes):
    """Build the officer's list URL with these filters (empty ones left out)."""
    params = {**filters, **changes}
    if params.get("date"):
        params["date"] = params["date"].isoformat()
    return url_for("delivery.officer_list", **{key: value for key, value in params.items() if value})


def list_context(filters):
    """Gather what the officer's whole list page shows under these filters."""
    rows, next_after = worklists.officer_page(
        filters["status"], filters["city"], filters["date"], filters["q"], filters["after"]
    )
    return dict(
        rows=rows,
        next_url=list_url(filters, after=next_after) if next_after else None,
        first_url=list_url(filters, after=None) if filters["after"] else None,
        back=list_url(filters),
        **tabs_context(filters),
        cities=cities(),
        targets=pipeline.OFFICER_TARGETS,
    )


def tabs_context(filters):
    """Gather what the status tabs and each row need."""
    return dict(
        filters=filters,
        counts=worklists.officer_counts(filters["city"], filters["date"], filters["q"]),
        statuses=("",) + DeliveryStatus.ALL,
        tab_url=lambda status: list_url(filters, status=status, after=None),
        next_statuses=worklists.next_statuses,
        refund_due=worklists.refund_due,
        reasons=pipeline.FAILURE_REASONS,
        max_attempts=moves.max_attempts(),
    )


@bp.route("/officer/deliveries")
@roles_required(Role.OFFICER)
def officer_list():
    """«طلبات التوصيل»: deliveries by status, city and date, searchable, a page at a time."""
    return render_template("delivery/officer_list.html", **list_context(read_filters(request.args)))


def filters_of(back):
    """Read the filters of the list URL the officer came from."""
    return read_filters(CleanMultiDict(parse_qsl(urlsplit(back).query)))


def proof_from(form):
    """Read what the officer entered at «تم التسليم»."""
    collected = {"yes": True, "no": False}.get(form.get("old_document", ""))
    return Proof(
        code=form.get("code", ""),
        id_digits=form.get("id_digits", ""),
        reason=form.get("note", ""),
        old_document_collected=collected,
    )


def answer_row(delivery, back, status_code, message=None, kind="error", typed=None):
    """For htmx, render the row again (and the tab counts); without JavaScript, the whole list.

    ``typed`` is what the officer sent, kept in the row's form after a refusal.
    """
    filters = filters_of(back)
    kept = {"for": delivery.id, **(typed or {})}
    if wants_partial():
        return render_page_or_partial(
            "delivery/officer_list.html",
            "partials/delivery/officer_row_update.html",
            status_code,
            announce=message,
            d=delivery,
            back=back,
            message=message,
            message_kind=kind,
            kept=kept,
            **tabs_context(filters),
        )
    return render_page_or_partial(
        "delivery/officer_list.html",
        "delivery/officer_list.html",
        status_code,
        alert=message,
        alert_kind=kind,
        kept=kept,
        **list_context(filters),
    )


@bp.route("/officer/deliveries/<int:delivery_id>/status", methods=["POST"])
@roles_required(Role.OFFICER)
def officer_move(delivery_id):
    """Move one delivery to its next status; a stale version is a 409 conflict."""
    delivery = found_or_404(worklists.officer_row(delivery_id))
    back = safe_next(request.form.get("next"), url_for("delivery.officer_list"))
    target = request.form.get("status", "")
    if target not in DeliveryStatus.ALL:
        return answer_row(delivery, back, 422, _("Choose the next status."))
    try:
        moved = moves.move(
            delivery.id,
            request.form.get("version", type=int),
            target,
            g.user,
            pipeline.OFFICER,
            request.form.get("note", ""),
            track_link=track_link,
            proof=proof_from(request.form) if target == DeliveryStatus.DELIVERED else None,
            reason=request.form.get("reason", ""),
        )
    except Refused as refused:
        # What was typed stays, but never a wrong code or ID digits: they are typed again.
        typed = {name: request.form.get(name, "") for name in ("status", "note", "old_document", "reason")}
        return answer_row(worklists.officer_row(delivery.id), back, 422, str(refused.message), typed=typed)
    except Conflict as conflict:
        message = _(
            "Someone else updated delivery %(ref)s first; it is now «%(status)s». Nothing was changed; choose again.",
            ref=conflict.current.tracking_number,
            status=pipeline.label(conflict.current.status),
        )
        return answer_row(worklists.officer_row(delivery.id), back, 409, message, "conflict")
    message = _("Delivery %(ref)s is now «%(status)s».", ref=moved.tracking_number, status=pipeline.label(moved.status))
    if wants_partial():
        return answer_row(worklists.officer_row(moved.id), back, 200, message, "success")
    flash(message, "success")
    return redirect_after_post(back)


@bp.route("/officer/deliveries/bulk", methods=["POST"])
@roles_required(Role.OFFICER)
def officer_bulk():
    """Move the selected deliveries to the same next status."""
    back = safe_next(request.form.get("next"), url_for("delivery.officer_list"))
    items = []
    for value in request.form.getlist("selected"):
        delivery_id, _sep, version = (bounded_int(part) for part in value.partition(":"))
        if delivery_id is not None and version is not None:
            items.append((delivery_id, version))
    target = request.form.get("status", "")
    if not items or target not in pipeline.OFFICER_TARGETS:
        flash(_("Select at least one delivery and the status to move them to."), "error")
        return redirect_after_post(back)
    moved, refused = moves.move_many(
        items,
        target,
        g.user,
        pipeline.OFFICER,
        request.form.get("note", ""),
        track_link=track_link,
        reason=request.form.get("reason", ""),
    )
    if moved:
        flash(
            ngettext(
                "%(num)d delivery moved to «%(status)s».",
                "%(num)d deliveries moved to «%(status)s».",
                len(moved),
                status=pipeline.label(target),
            ),
            "success",
        )
    if refused:
        flash(
            ngettext(
                "%(num)d delivery was not moved: the pipeline does not allow it or it changed meanwhile.",
                "%(num)d deliveries were not moved: the pipeline does not allow it or they changed meanwhile.",
                len(refused),
            ),
            "error",
        )
    return redirect_after_post(back)


@bp.route("/desk/returned-documents")
@roles_required(Role.DESK)
def desk_returns():
    """Show documents returned to the desk's branch, to hand over to their owners."""
    return render_template(
        "delivery/desk_returns.html",
        rows=list(worklists.returned_to_branch(g.user.branch)) if g.user.branch_id else [],
    )


@bp.route("/desk/returned-documents/<int:delivery_id>/hand-over", methods=["POST"])
@roles_required(Role.DESK)
def desk_hand_over(delivery_id):
    """Record that the owner collected the returned document at this branch."""
    delivery = found_or_404(worklists.returned_delivery(g.user.branch_id, delivery_id))
    try:
        moved = moves.move(
            delivery.id,
            request.form.get("version", type=int),
            DeliveryStatus.COLLECTED,
            g.user,
            pipeline.DESK,
            track_link=track_link,
        )
        flash(_("Delivery %(ref)s: the document was handed over.", ref=moved.tracking_number), "success")
    except (Refused, Conflict):
        flash(_("This document was already handed over or its delivery changed."), "error")
    return redirect_after_post(url_for("delivery.desk_returns"))
