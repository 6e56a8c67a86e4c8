"""One blueprint per capability."""

from views import admin, appointments, auth, delivery, dev, health, messages, open311, portal, reports


def register_blueprints(app):
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(portal.bp)
    app.register_blueprint(messages.bp)
    app.register_blueprint(appointments.bp)
    app.register_blueprint(delivery.bp)
    app.register_blueprint(delivery.hooks_bp)
    # Signed by the provider instead: no browser, so no CSRF token to carry.
    app.extensions["csrf"].exempt(delivery.hooks_bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(reports.bp)
    # Other systems call it without a browser: no session, so no CSRF token to carry.
    app.extensions["csrf"].exempt(open311.bp)
    app.register_blueprint(open311.bp)
    if app.config["DEMO_MODE"]:
        app.register_blueprint(dev.bp)
