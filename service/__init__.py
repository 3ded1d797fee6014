"""REST service over the moderation library; build it with `service.app.create_app`."""
