from mhr.core.tests.authz import Route, everyone

ROUTES = (Route("encounters_agency:home", lambda w: "/agency/encounters/", everyone(302)),)
