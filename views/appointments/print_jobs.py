"""The desk's print of a whole day («طباعة مواعيد اليوم») as a job: started here, rendered by the worker.

The desk presses the button, lands on the job's page, which shows its progress
(htmx polls it until it is done; «تحديث» reloads it without JavaScript), and
downloads the PDF once it is ready.
"""

from flask import abort, current_app, g, request, url_for
from flask_babel import force_locale, get_locale
from huey import crontab

import worker
from domain import appointments as booking
from domain.dates import today
from models import PrintJob, PrintJobState, Role
from views.access import found_or_404, roles_required
from views.appointments import bp, slip_context
from views.printing import pdf_response, render_pdf_in_parts
from views.rendering import redirect_after_post, render_page_or_partial

# Slips rendered at a time: each part moves the progress bar.
SLIPS_PER_PART = 20


def desk_job_or_404(token, with_pdf=False):
    """The desk's branch's print job of that token, or 404 (another branch's too)."""
    if g.user.branch is None:
        abort(403)
    return found_or_404(booking.print_jobs.print_job_at(g.user.branch, token, with_pdf=with_pdf))


@bp.route("/desk/print-jobs", methods=["POST"])
@roles_required(Role.DESK)
def start_print_job():
    """Start printing the day's slips in the worker, then show the job's progress."""
    if g.user.branch is None:
        abort(403)
    day = booking.parse_day(request.form.get("date")) or today()
    job = booking.print_jobs.start_day_print(g.user, g.user.branch, day, str(get_locale()), run=render_print_job)
    return redirect_after_post(url_for("appointments.print_job", token=job.token))


@bp.route("/desk/print-jobs/<token>")
@roles_required(Role.DESK)
def print_job(token):
    """Show how far the print is, and its download once ready; htmx polls the partial until then."""
    job = desk_job_or_404(token)
    return render_page_or_partial(
        "appointments/print_job.html", "partials/appointments/print_job.html", job=job, states=PrintJobState
    )


@bp.route("/desk/print-jobs/<token>/slips.pdf")
@roles_required(Role.DESK)
def print_job_pdf(token):
    """Download the day's slips, one a page, once the worker has rendered them."""
    job = desk_job_or_404(token, with_pdf=True)
    if job.state != PrintJobState.DONE:
        abort(404)
    return pdf_response(bytes(job.pdf), f"appointments-{job.day.isoformat()}.pdf")


@worker.task()
def render_print_job(job_id):
    """Render every slip of the job's day, in parts, and keep the PDF on the job."""
    job = PrintJob.get_or_none(PrintJob.id == job_id)
    if job is None or job.finished:
        return
    try:
        with worker.public_request_context(), force_locale(job.lang):
            appointments = booking.print_jobs.slips_to_print(job)
            booking.print_jobs.record_progress(job.id, 0, len(appointments))
            pdf = render_pdf_in_parts(
                "pdf/appointment_slips.html",
                "slips",
                appointments,
                SLIPS_PER_PART,
                progress=lambda done, total: booking.print_jobs.record_progress(job.id, done, total),
                prepare=slip_context,
                day=job.day,
                branch=job.branch,
            )
    except Exception as error:
        current_app.logger.exception("print job %s failed", job.id)
        booking.print_jobs.fail(job.id, f"{type(error).__name__}: {error}")
        return
    booking.print_jobs.finish(job.id, pdf)


@worker.periodic_task(crontab(minute="30", hour="0"))
def forget_old_print_jobs():
    """Every night, delete the print jobs (and their PDFs) of two days ago and before."""
    return booking.print_jobs.forget_old_print_jobs()


@worker.periodic_task(crontab(minute="*/5"))
def requeue_lost_print_jobs():
    """Every five minutes, enqueue again the jobs whose enqueue was lost."""
    lost = booking.print_jobs.stale_queued()
    for job_id in lost:
        render_print_job(job_id)
    return len(lost)
