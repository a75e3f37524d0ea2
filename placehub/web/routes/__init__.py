"""One router per area of the app. A new area adds its module here (and flips its entry in rendering.NAV)."""

from placehub.web.routes import auth, dashboard, loads, maps, register, review

ROUTERS = [auth.router, dashboard.router, loads.router, review.router, maps.router, register.router]
