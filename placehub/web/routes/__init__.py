"""One router per area of the app. A new area adds its module here (and flips its entry in rendering.NAV)."""

from placehub.web import routes_open_data
from placehub.web.routes import (
    auth,
    dashboard,
    escalations,
    linkage,
    loads,
    maps,
    outbreak,
    register,
    review,
    worklists,
)

ROUTERS = [
    auth.router,
    dashboard.router,
    loads.router,
    review.router,
    linkage.router,
    worklists.router,
    escalations.router,
    maps.router,
    outbreak.router,
    register.router,
    routes_open_data.router,
]
