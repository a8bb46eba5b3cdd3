"""Two chained actions of one plugin on the same core action.

CKAN chains actions across plugins, but a plugin registers one function per
name; where two capabilities of this plugin both wrap a core action (the read
guard and the held revision both wrap ``package_show``), the plugin names both
and this composes them, the first outermost."""
from __future__ import annotations

import functools


def chained(outer, inner):
    def composed(up_func, context, data_dict):
        return outer(functools.partial(inner, up_func), context, data_dict)
    composed.chained_action = True
    for flag in ("side_effect_free", "auth_audit_exempt", "auth_allow_anonymous_access"):
        if getattr(outer, flag, False) or getattr(inner, flag, False):
            setattr(composed, flag, True)
    composed.__name__ = composed.__qualname__ = outer.__name__
    composed.__doc__ = outer.__doc__ or inner.__doc__
    return composed
